package io.visage.nn.module;

import io.visage.nn.autodiff.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.GaussianDistribution;
import org.nd4j.linalg.api.ops.random.impl.UniformDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Creates every parameter fresh from a seeded RNG owned by this object (no global RNG state).
 * The same seed and build order give the same weights.
 */
public final class RandomParams implements Params, AutoCloseable {
    private final DataType dataType;
    private final Random rng;

    public RandomParams(long seed, DataType dataType) {
        this.dataType = dataType;
        this.rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
    }

    public RandomParams(long seed) {
        this(seed, DataType.FLOAT);
    }

    @Override
    public Tensor take(String key, Init init, long... shape) {
        INDArray a = Nd4j.create(dataType, shape);
        if (init instanceof Init.Normal n) {
            if (a.length() > 0) {
                Nd4j.getExecutioner().exec(new GaussianDistribution(a, 0.0, n.std()), rng);
            }
        } else if (init instanceof Init.Uniform u) {
            if (a.length() > 0) {
                Nd4j.getExecutioner().exec(new UniformDistribution(a, -u.bound(), u.bound()), rng);
            }
        } else if (init instanceof Init.Constant c) {
            a.assign(c.value());
        }
        return Tensor.parameter(a);
    }

    @Override
    public void close() {
        try {
            rng.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not release the ND4J random generator", e);
        }
    }
}
