package io.visage.core.generate;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/** Picks a code from one row of guided logits. */
public sealed interface Sampler {
    /**
     * @param logits guided logits, V values from {@code off}
     * @return the chosen index in [0, V)
     */
    int sample(float[] logits, int off, int v);

    /** Greedy ({@code do_sample=False}): argmax, the first index among ties. */
    record Greedy() implements Sampler {
        @Override
        public int sample(float[] logits, int off, int v) {
            int best = 0;
            float max = logits[off];
            for (int i = 1; i < v; i++) {
                if (logits[off + i] > max) {
                    max = logits[off + i];
                    best = i;
                }
            }
            return best;
        }
    }

    /**
     * Top-k sampling with temperature: logits are divided by {@code temperature}, entries below the
     * k-th largest are removed (ties with it are kept, as the reference's {@code logit < topk[-1]}),
     * the rest are softmax-normalised and one index is drawn with {@code rng}. The reference's
     * released setting is k = 256, temperature 1. The RNG is the caller's and advances by one
     * draw per sampled code.
     */
    record TopK(int k, double temperature, RandomGenerator rng) implements Sampler {
        public TopK {
            if (k < 1) {
                throw new IllegalArgumentException("top-k must be >= 1, got " + k);
            }
            if (!(temperature > 0) || !Double.isFinite(temperature)) {
                throw new IllegalArgumentException("temperature must be > 0 and finite, got " + temperature);
            }
            if (rng == null) {
                throw new IllegalArgumentException("top-k sampling needs an explicit RNG");
            }
        }

        @Override
        public int sample(float[] logits, int off, int v) {
            if (k > v) {
                throw new IllegalArgumentException("top-k " + k + " exceeds the vocabulary size " + v);
            }
            float[] l = new float[v];
            for (int i = 0; i < v; i++) {
                l[i] = temperature == 1.0 ? logits[off + i] : (float) (logits[off + i] / temperature);
            }
            float[] sorted = l.clone();
            Arrays.sort(sorted);
            float tau = sorted[v - k];
            float max = sorted[v - 1];
            double[] p = new double[v];
            double sum = 0;
            for (int i = 0; i < v; i++) {
                if (l[i] >= tau) {
                    p[i] = Math.exp((double) l[i] - max);
                    sum += p[i];
                }
            }
            double u = rng.nextDouble() * sum;
            double acc = 0;
            int last = -1;
            for (int i = 0; i < v; i++) {
                if (p[i] > 0) {
                    acc += p[i];
                    last = i;
                    if (u < acc) {
                        return i;
                    }
                }
            }
            return last;
        }
    }
}
