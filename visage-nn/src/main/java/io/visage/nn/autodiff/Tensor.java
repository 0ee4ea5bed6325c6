package io.visage.nn.autodiff;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A value in the computation: an ND4J array plus, when it was produced while a {@link Tape} was
 * recording, the recipe for its gradient. Parameters are leaf tensors with
 * {@link #requiresGrad()}; everything computed by {@link Ops} from them inherits the flag when
 * the ops record to a tape, and never otherwise.
 */
public final class Tensor {
    private final INDArray value;
    private final boolean requiresGrad;
    final Node node; // null for leaves and for anything computed without a tape

    Tensor(INDArray value, boolean requiresGrad, Node node) {
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.node = node;
    }

    /** A constant: never receives a gradient. */
    public static Tensor constant(INDArray value) {
        return new Tensor(value, false, null);
    }

    /**
     * A trainable leaf. The array is held, not copied: optimizers update it in place, so every
     * module sharing it sees the new values.
     */
    public static Tensor parameter(INDArray value) {
        return new Tensor(value, true, null);
    }

    /** The array (a live reference, not a copy). */
    public INDArray value() {
        return value;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    public long[] shape() {
        return value.shape();
    }

    public long size(int dim) {
        return value.size(dim < 0 ? value.rank() + dim : dim);
    }

    public int rank() {
        return value.rank();
    }

    public DataType dataType() {
        return value.dataType();
    }

    /** The single value of a one-element tensor. */
    public double item() {
        if (value.length() != 1) {
            throw new IllegalStateException("item() needs a one-element tensor, shape is " + Arrays.toString(shape()));
        }
        return value.getDouble(0);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape()) + (requiresGrad ? " (grad)" : "");
    }

    /**
     * How a recorded tensor was made: its inputs, the vector-Jacobian product, and the arrays the
     * op saved for its backward (freed by a releasing backward once the node has run).
     */
    record Node(Tensor[] inputs, Backward backward, INDArray[] saved) {}

    /**
     * Given dLoss/dOutput, adds dLoss/dInput of each input that needs it to {@code sink}. The sink
     * takes ownership of nothing it is handed unless told so ({@link GradientSink#addOwned}).
     */
    @FunctionalInterface
    interface Backward {
        void apply(INDArray gradOutput, GradientSink sink);
    }
}
