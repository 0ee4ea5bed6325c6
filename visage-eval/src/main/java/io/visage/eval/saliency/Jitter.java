package io.visage.eval.saliency;

import io.visage.nn.ShapeMismatchException;
import java.util.random.RandomGenerator;

/**
 * The tiny noise AUC-Judd adds to the saliency map to break ties ({@code randn(L) / 1e7} in the
 * reference, from NumPy's unseeded global RNG). Explicit here: none, recorded, or drawn from a
 * caller-owned generator.
 */
public sealed interface Jitter {
    /** No jitter ({@code jitter=False}). */
    Jitter NONE = new None();

    /** Noise to add to a map of {@code length} values, or null for none. */
    double[] draw(int length);

    /** Noise recorded elsewhere (e.g. the reference run), added as is. */
    static Jitter recorded(double[] noise) {
        return new Recorded(noise.clone());
    }

    /** Standard normal draws divided by 1e7, from a generator the caller owns (and seeds). */
    static Jitter gaussian(RandomGenerator rng) {
        return new Gaussian(rng);
    }

    /** See {@link #NONE}. */
    record None() implements Jitter {
        @Override
        public double[] draw(int length) {
            return null;
        }
    }

    /** See {@link #recorded}. */
    record Recorded(double[] noise) implements Jitter {
        @Override
        public double[] draw(int length) {
            if (noise.length != length) {
                throw new ShapeMismatchException(
                        "recorded jitter has " + noise.length + " values but the map has " + length);
            }
            return noise.clone();
        }
    }

    /** See {@link #gaussian}. */
    record Gaussian(RandomGenerator rng) implements Jitter {
        @Override
        public double[] draw(int length) {
            double[] n = new double[length];
            for (int i = 0; i < length; i++) {
                n[i] = rng.nextGaussian() / 1e7;
            }
            return n;
        }
    }
}
