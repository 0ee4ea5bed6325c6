package io.visage.nn.autodiff;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where a recorded op's backward puts the gradients of its inputs. Fused ops ask for the
 * {@link #accumulator} of an input and add into it in place (a GEMM with beta 1, a scatter-add),
 * so a parameter's gradient goes straight into its preallocated buffer; simple ops hand over an
 * array with {@link #add} or {@link #addOwned}.
 */
public interface GradientSink {
    /** Whether {@code t} takes a gradient in this backward pass (false for constants). */
    boolean wants(Tensor t);

    /** Adds {@code grad} to the gradient of {@code t}; {@code grad} stays the caller's (it may be a view). */
    void add(Tensor t, INDArray grad);

    /** Adds {@code grad}, a fresh array nobody else holds, to the gradient of {@code t}; the sink owns it after. */
    void addOwned(Tensor t, INDArray grad);

    /**
     * The array the gradient of {@code t} accumulates in, of {@code t}'s shape, zero-filled when it
     * is first asked for: add into it in place.
     */
    INDArray accumulator(Tensor t);
}
