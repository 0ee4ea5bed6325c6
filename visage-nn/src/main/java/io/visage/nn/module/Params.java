package io.visage.nn.module;

import io.visage.nn.autodiff.Tensor;

/**
 * Where a module's parameters come from while it is being built: a checkpoint
 * ({@link LoadedParams}) or fresh initialisation ({@link RandomParams}). Layers ask for each
 * parameter by its full state-dict key, so building from either source is the same code.
 */
public interface Params {
    /**
     * The parameter {@code key} of exactly {@code shape}.
     *
     * @param init how to fill it when it is created rather than loaded
     */
    Tensor take(String key, Init init, long... shape);

    /** Joins a dotted prefix and a name: {@code join("model.encoder", "bos")}. */
    static String join(String prefix, String name) {
        return prefix == null || prefix.isEmpty() ? name : prefix + "." + name;
    }
}
