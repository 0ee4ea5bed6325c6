package io.visage.examples;

import io.visage.eval.semantic.SemanticEvaluation;
import io.visage.eval.semantic.passt.Passt;
import io.visage.eval.semantic.passt.PasstConfig;
import io.visage.eval.semantic.vggish.VggishConfig;
import io.visage.eval.semantic.vggish.VggishWeights;
import io.visage.nn.kernel.Parallelism;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads the two networks of the semantic evaluation from the files a user names on the command line. */
final class SemanticModels {
    /** The released VGGish file torch.hub downloads for {@code harritaylor/torchvggish}. */
    static final String VGGISH_FILE = "vggish-10086976.pth";

    static final String VGGISH_URL = "https://github.com/harritaylor/torchvggish/releases/download/v0.1/" + VGGISH_FILE;

    /** The released PaSST file hear21passt's {@code get_basic_model} downloads. */
    static final String PASST_FILE = "passt-s-f128-p16-s10-ap.476-swa.pt";

    static final String PASST_URL = "https://github.com/kkoutini/PaSST/releases/download/v0.0.1-audioset/" + PASST_FILE;

    private SemanticModels() {}

    /** Fails with one line naming the missing file and where it comes from. */
    static void checkFiles(Path vggish, Path passt) {
        check("--vggish", vggish, "the VGGish weights " + VGGISH_FILE + " (" + VGGISH_URL + ")");
        check("--passt", passt, "the PaSST weights " + PASST_FILE + " (" + PASST_URL + ")");
    }

    private static void check(String option, Path file, String what) {
        if (file == null) {
            throw new IllegalArgumentException(
                    "--semantic needs " + option + " FILE: " + what + "; this project does not download it");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(option + " " + file + ": no such file; expected " + what);
        }
    }

    /**
     * Both networks; a config file of null means the released model's sizes. PaSST's own kernels run on
     * {@code par} (owned by the caller).
     */
    static SemanticEvaluation.Models load(
            Path vggish, Path vggishConfig, Path passt, Path passtConfig, Parallelism par) {
        checkFiles(vggish, passt);
        VggishConfig vc = vggishConfig == null ? VggishConfig.full() : VggishConfig.fromJson(vggishConfig);
        PasstConfig pc = passtConfig == null ? PasstConfig.full() : PasstConfig.fromJson(passtConfig);
        return new SemanticEvaluation.Models(
                VggishWeights.load(vggish, null, vc), Passt.load(passt, pc).withParallelism(par));
    }
}
