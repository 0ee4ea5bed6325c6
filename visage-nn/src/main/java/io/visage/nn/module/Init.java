package io.visage.nn.module;

/**
 * How a freshly created parameter is filled (only used when parameters are not loaded).
 * BART initialises Linear/Embedding weights from N(0, init_std) and biases with zeros, LayerNorm
 * with ones/zeros.
 */
public sealed interface Init {
    record Normal(double std) implements Init {}

    record Uniform(double bound) implements Init {}

    record Constant(double value) implements Init {}

    static Init normal(double std) {
        return new Normal(std);
    }

    /** U(-bound, bound). */
    static Init uniform(double bound) {
        return new Uniform(bound);
    }

    static Init zeros() {
        return new Constant(0.0);
    }

    static Init ones() {
        return new Constant(1.0);
    }
}
