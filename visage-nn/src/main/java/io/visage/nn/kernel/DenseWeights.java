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
    private final PackedWeights packed;

    /**
     * @param weight [out, in], float32, rows contiguous and back to back (a row-range view is fine)
     * @param bias   [out] float32 contiguous, or null
     * @throws io.visage.nn.ShapeMismatchException naming the layout found otherwise
     */
    public DenseWeights(INDArray weight, INDArray bias) {
        this(weight, bias, WeightFormat.FP32);
    }

    /**
     * @param weight [out, in], float32, rows contiguous and back to back (a row-range view is fine)
     * @param bias   [out] float32 contiguous, or null (kept float32 in every format)
     * @param format how the kernels read the weight: FP32 in place; BF16/INT8 converted here, once
     *               (the float32 array stays referenced for {@link #weight()})
     */
    public DenseWeights(INDArray weight, INDArray bias, WeightFormat format) {
        this.weight = weight;
        this.bias = bias;
        this.w = DirectFloats.matrix("DenseWeights", weight);
        this.b = bias == null ? null : DirectFloats.vector("DenseWeights", "bias", bias, w.rows());
        this.packed = format == WeightFormat.FP32 ? null : PackedWeights.pack(w, format);
    }

    /** The same layer with its weight stored in {@code format} (this object when it already is). */
    public DenseWeights as(WeightFormat format) {
        return format == format() ? this : new DenseWeights(weight, bias, format);
    }

    /** How the kernels read the weight. */
    public WeightFormat format() {
        return packed == null ? WeightFormat.FP32 : packed.format();
    }

    /** The weight as the kernels see it, {@code [o, k]} as float32 (after bf16 rounding or int8 quantisation). */
    public float storedWeight(int o, int k) {
        if (o < 0 || o >= out() || k < 0 || k >= in()) {
            throw new IndexOutOfBoundsException("[" + o + ", " + k + "] of [" + out() + ", " + in() + "]");
        }
        return packed == null ? w.bytes().getFloat(w.rowByte(o) + 4 * k) : packed.get(o, k);
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

    /** Bytes one product streams: the stored weight (and INT8 scales) plus the float32 bias. */
    public long bytes() {
        long weightBytes = packed == null ? 4L * w.rows() * w.cols() : packed.bytes();
        return weightBytes + (b == null ? 0 : 4L * w.rows());
    }

    /** The weight array (a live reference). */
    public INDArray weight() {
        return weight;
    }

    /** The bias array, or null. */
    public INDArray bias() {
        return bias;
    }

    PackedWeights packed() {
        return packed;
    }

    DirectFloats direct() {
        return w;
    }

    DirectFloats directBias() {
        return b;
    }
}
