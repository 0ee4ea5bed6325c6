package io.visage.examples;

import io.visage.eval.semantic.SemanticNetworks;
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

    /** The networks the options name (checked: both files exist). */
    static SemanticNetworks networks(Path vggish, Path vggishConfig, Path passt, Path passtConfig) {
        checkFiles(vggish, passt);
        return new SemanticNetworks(str(vggish), str(vggishConfig), str(passt), str(passtConfig));
    }

    private static String str(Path p) {
        return p == null ? null : p.toAbsolutePath().toString();
    }
}
