package io.visage.nn.module;

import io.visage.nn.autodiff.Tensor;
import io.visage.nn.optim.SplitMixRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Creates every parameter fresh from a seeded RNG owned by this object (no global RNG state).
 * The same seed and build order give the same weights, in every process: the numbers come from a
 * Java SplitMix64 stream ({@link SplitMixRandom}; normals by Box–Muller, both values of each pair
 * used), not from ND4J's native generator: in ND4J 1.0.0-M2.1 its seeded draws (a {@code
 * getNewRandomInstance(seed)} with a {@code GaussianDistribution}) differ from one JVM to the next
 * and even between two instances of the same seed in one JVM, with BLAS on two threads (measured;
 * random CLIP networks of {@code prepare} came out different in every run).
 */
public final class RandomParams implements Params, AutoCloseable {
    private final DataType dataType;
    private final SplitMixRandom rng;

    public RandomParams(long seed, DataType dataType) {
        this.dataType = dataType;
        this.rng = new SplitMixRandom(seed);
    }

    public RandomParams(long seed) {
        this(seed, DataType.FLOAT);
    }

    @Override
    public Tensor take(String key, Init init, long... shape) {
        INDArray a = Nd4j.create(dataType, shape);
        long n = a.length();
        if (init instanceof Init.Normal normal) {
            if (n > 0) {
                fill(a, normals(n, normal.std()));
            }
        } else if (init instanceof Init.Uniform u) {
            if (n > 0) {
                double[] v = new double[checkedLength(n, shape)];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (2 * unit() - 1) * u.bound();
                }
                fill(a, v);
            }
        } else if (init instanceof Init.Constant c) {
            a.assign(c.value());
        }
        return Tensor.parameter(a);
    }

    /** {@code n} normals of standard deviation {@code std}. */
    private double[] normals(long n, double std) {
        double[] v = new double[checkedLength(n, null)];
        for (int i = 0; i < v.length; i += 2) {
            double u1 = 1.0 - unit(); // (0, 1]: log is finite
            double u2 = unit();
            double r = std * Math.sqrt(-2 * Math.log(u1));
            v[i] = r * Math.cos(2 * Math.PI * u2);
            if (i + 1 < v.length) {
                v[i + 1] = r * Math.sin(2 * Math.PI * u2);
            }
        }
        return v;
    }

    /** Uniform in [0, 1) from the top 53 bits. */
    private double unit() {
        return (rng.nextLongRaw() >>> 11) * 0x1.0p-53;
    }

    private static int checkedLength(long n, long[] shape) {
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a random parameter of " + n + " values is too large"
                    + (shape == null ? "" : " (shape " + java.util.Arrays.toString(shape) + ")"));
        }
        return (int) n;
    }

    private void fill(INDArray a, double[] v) {
        INDArray src = dataType == DataType.DOUBLE
                ? Nd4j.createFromArray(v)
                : Nd4j.createFromArray(toFloats(v)).castTo(dataType);
        a.assign(src.reshape(a.shape()));
    }

    private static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    /** Nothing to release (kept so callers can scope an instance with try-with-resources). */
    @Override
    public void close() {}
}
