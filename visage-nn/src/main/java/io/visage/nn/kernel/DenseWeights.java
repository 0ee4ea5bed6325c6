package io.visage.nn.kernel;

import io.visage.nn.layers.Linear;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The weights of a dense layer as the {@link MatVec} kernels read them, resolved once: {@code W}
 * [out, in] (PyTorch layout) and {@code bias} [out] or none, both float32 and contiguous, seen through
 * their direct buffers. A view of the module's arrays, not a copy: updates of the arrays are seen.
 * Built once per model by the fast paths ({@link #of(Linear)}), so kernels never walk module getters
 * or look tensors up by name.
 */
public final class DenseWeights {
    private final INDArray weight;
    private final INDArray bias;
    private final DirectFloats w;
    private final DirectFloats b;

    /**
     * @param weight [out, in], float32, rows contiguous and back to back (a row-range view is fine)
     * @param bias   [out] float32 contiguous, or null
     * @throws io.visage.nn.ShapeMismatchException naming the layout found otherwise
     */
    public DenseWeights(INDArray weight, INDArray bias) {
        this.weight = weight;
        this.bias = bias;
        this.w = DirectFloats.matrix("DenseWeights", weight);
        this.b = bias == null ? null : DirectFloats.vector("DenseWeights", "bias", bias, w.rows());
    }

    /** The weight and bias of {@code linear} (views of its parameters). */
    public static DenseWeights of(Linear linear) {
        return new DenseWeights(
                linear.weight().value(),
                linear.bias() == null ? null : linear.bias().value());
    }

    /** Output features (rows of W). */
    public int out() {
        return w.rows();
    }

    /** Input features (columns of W). */
    public int in() {
        return w.cols();
    }

    /** Bytes one product streams: weight plus bias. */
    public long bytes() {
        return 4L * ((long) w.rows() * w.cols() + (b == null ? 0 : w.rows()));
    }

    /** The weight array (a live reference). */
    public INDArray weight() {
        return weight;
    }

    /** The bias array, or null. */
    public INDArray bias() {
        return bias;
    }

    DirectFloats direct() {
        return w;
    }

    DirectFloats directBias() {
        return b;
    }
}
