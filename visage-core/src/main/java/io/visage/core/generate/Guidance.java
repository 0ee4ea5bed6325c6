package io.visage.core.generate;

import java.util.List;

/**
 * Classifier-free guidance: the branches the decoder runs (as batch rows of one decoding state)
 * and how their logits combine, in float32 and in the reference's evaluation order.
 */
public sealed interface Guidance {
    /** Branches in row-block order. */
    List<Branch> branches();

    /**
     * Combines one logit of every branch.
     *
     * @param l logits of {@link #branches()} in order
     */
    float combine(float[] l);

    /** No guidance: the conditional logits only (one branch). */
    record None() implements Guidance {
        @Override
        public List<Branch> branches() {
            return List.of(Branch.FULL);
        }

        @Override
        public float combine(float[] l) {
            return l[0];
        }
    }

    /** {@code generate_cfg}: {@code l = c + (c − u)·w} (SPEC §3.2). */
    record Single(double scale) implements Guidance {
        public Single {
            if (!Double.isFinite(scale)) {
                throw new IllegalArgumentException("guidance scale must be finite, got " + scale);
            }
        }

        @Override
        public List<Branch> branches() {
            return List.of(Branch.FULL, Branch.UNCOND);
        }

        @Override
        public float combine(float[] l) {
            float c = l[0];
            return c + (c - l[1]) * (float) scale;
        }
    }

    /**
     * {@code generate_dual_cfg}: {@code l = full + (sem − u)·w_sem + (spa − u)·w_spa}
     * (SPEC §3.3; the base term is the full conditional logit).
     */
    record Dual(double semanticScale, double spatialScale) implements Guidance {
        public Dual {
            if (!Double.isFinite(semanticScale) || !Double.isFinite(spatialScale)) {
                throw new IllegalArgumentException(
                        "guidance scales must be finite, got " + semanticScale + ", " + spatialScale);
            }
        }

        @Override
        public List<Branch> branches() {
            return List.of(Branch.FULL, Branch.SEMANTIC, Branch.SPATIAL, Branch.UNCOND);
        }

        @Override
        public float combine(float[] l) {
            float u = l[3];
            float a = l[0] + (l[1] - u) * (float) semanticScale;
            return a + (l[2] - u) * (float) spatialScale;
        }
    }
}
