package io.visage.eval.semantic.vggish;

import io.visage.nn.autodiff.Tensor;

/**
 * Receives the output of every module of {@link Vggish#forward(io.visage.nn.autodiff.Ops, Tensor,
 * LayerTap)}, named as the reference's Sequential children ({@code "features.0"} for the first
 * conv before its ReLU, {@code "features.1"} for that ReLU, ..., {@code "embeddings.4"}). For
 * parity tests and inspection; the tensors stay valid after the call.
 */
@FunctionalInterface
public interface LayerTap {
    /** A tap that records nothing. */
    LayerTap NONE = (module, output) -> {};

    /**
     * @param module the reference module path, e.g. {@code "features.5"}
     * @param output its output, [E, C, H, W] in {@code features}, [E, width] in {@code embeddings}
     */
    void record(String module, Tensor output);
}
