package io.visage.nn.autodiff;

import io.visage.nn.kernel.Parallelism;
import io.visage.nn.kernel.PointwiseKernels;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inverted-dropout masks regenerated from a seed: an element is dropped (0) when its uniform draw
 * is below p and kept as 1/(1 − p) otherwise. Fused ops draw one seed per mask from the training
 * RNG in forward and rebuild the same mask in backward, so no mask is kept between the passes.
 * Two 32-bit uniforms come from each SplitMix64 output.
 */
final class DropoutMask {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private DropoutMask() {}

    /**
     * {@code x ← x · mask} in place: the float32 kernel ({@link PointwiseKernels#dropout}, the same
     * mask) when it applies, otherwise a multiply by {@link #of}.
     */
    static void apply(INDArray x, long seed, double p, Parallelism par) {
        if (PointwiseKernels.applies(x)) {
            PointwiseKernels.dropout(x, seed, p, par);
        } else {
            INDArray mask = of(seed, p, x.dataType(), x.shape());
            x.muli(mask);
            mask.close();
        }
    }

    /** The mask of {@code shape} for {@code seed}, in {@code type} (FLOAT or DOUBLE). */
    static INDArray of(long seed, double p, DataType type, long... shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        int len = Math.toIntExact(n);
        long threshold = (long) Math.ceil(p * 4294967296.0); // drop when u32 < p·2^32
        double keep = 1.0 / (1.0 - p);
        long state = seed;
        if (type == DataType.DOUBLE) {
            double[] m = new double[len];
            for (int i = 0; i < len; i += 2) {
                long z = mix(state += GOLDEN);
                m[i] = (z & 0xFFFFFFFFL) < threshold ? 0.0 : keep;
                if (i + 1 < len) {
                    m[i + 1] = (z >>> 32) < threshold ? 0.0 : keep;
                }
            }
            return Nd4j.create(m, shape, 'c');
        }
        float[] m = new float[len];
        float k = (float) keep;
        for (int i = 0; i < len; i += 2) {
            long z = mix(state += GOLDEN);
            m[i] = (z & 0xFFFFFFFFL) < threshold ? 0f : k;
            if (i + 1 < len) {
                m[i + 1] = (z >>> 32) < threshold ? 0f : k;
            }
        }
        INDArray a = Nd4j.create(m, shape, 'c');
        return type == DataType.FLOAT ? a : a.castTo(type);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
