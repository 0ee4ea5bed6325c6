package io.visage.eval.semantic;

import io.visage.eval.semantic.passt.Passt;
import io.visage.eval.semantic.passt.PasstConfig;
import io.visage.eval.semantic.vggish.VggishConfig;
import io.visage.eval.semantic.vggish.VggishWeights;
import io.visage.nn.kernel.Parallelism;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * Which networks the semantic evaluation runs, as plain values, so every machine of a cluster loads
 * the same ones.
 *
 * @param vggish       VGGish weights file
 * @param vggishConfig VGGish widths JSON, or null for the released model
 * @param passt        PaSST weights file
 * @param passtConfig  PaSST sizes JSON, or null for the released model
 */
public record SemanticNetworks(String vggish, String vggishConfig, String passt, String passtConfig)
        implements Serializable {
    public SemanticNetworks {
        if (vggish == null || passt == null) {
            throw new IllegalArgumentException("the semantic evaluation needs both weight files (VGGish and PaSST)");
        }
    }

    /** Both networks, with PaSST's kernels on a thread pool of this machine's cores; closing frees the pool. */
    public record Loaded(SemanticEvaluation.Models models, Parallelism parallelism) implements AutoCloseable {
        @Override
        public void close() {
            parallelism.close();
        }
    }

    /** Loads both networks. */
    public Loaded open() {
        VggishConfig vc = vggishConfig == null ? VggishConfig.full() : VggishConfig.fromJson(Path.of(vggishConfig));
        PasstConfig pc = passtConfig == null ? PasstConfig.full() : PasstConfig.fromJson(Path.of(passtConfig));
        Parallelism par = new Parallelism();
        try {
            return new Loaded(
                    new SemanticEvaluation.Models(
                            VggishWeights.load(Path.of(vggish), null, vc),
                            Passt.load(Path.of(passt), pc).withParallelism(par)),
                    par);
        } catch (RuntimeException e) {
            par.close();
            throw e;
        }
    }
}
