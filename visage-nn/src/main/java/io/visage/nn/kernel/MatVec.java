package io.visage.nn.kernel;

import io.visage.nn.ShapeMismatchException;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A dense layer for a handful of rows, {@code y = x · Wᵀ + bias}, with the weight read in place from
 * its ND4J array in PyTorch layout {@code W [out, in]}.
 *
 * <p>{@code W} must be a float32 array whose rows are contiguous and back to back (an ordinary
 * c-order array, or a row-range view such as {@code w.get(interval(a, b), all())}); anything else
 * (a transpose, a column slice, another dtype) is rejected with an {@link IllegalArgumentException}
 * naming its shape, strides and order. {@code bias} is a contiguous float32 vector {@code [out]} or
 * {@code null}. {@code x} and {@code y} are plain {@code float[]} and must not overlap.
 *
 * <p>Implementations are stateless and thread-safe. Get one from {@link MatVecs}.
 */
public interface MatVec {

    /**
     * {@code y[b][o] = bias[o] + Σ_k x[b][k] · W[o][k]} for every row {@code o} of {@code W}.
     *
     * @param w     [out, in]
     * @param bias  [out] or {@code null}
     * @param x     [batch, in], packed, starting at {@code xOff}
     * @param y     [batch, out], packed, starting at {@code yOff}; overwritten
     * @param batch rows of {@code x}, at least 1 (the kernels are tuned for 1 to 8)
     */
    default void multiply(INDArray w, INDArray bias, float[] x, int xOff, float[] y, int yOff, int batch) {
        long[] shape = w.shape();
        if (shape.length != 2) {
            throw new ShapeMismatchException(
                    name() + ": weight must be rank 2 [out, in] but has " + DirectFloats.describe(w));
        }
        int out = (int) shape[0];
        int in = (int) shape[1];
        multiplyRows(w, bias, 0, out, x, xOff, in, y, yOff, out, batch);
    }

    /**
     * Rows {@code [lo, hi)} of {@code W} only (for example the key block of a stacked q/k/v weight):
     * {@code y[yOff + b·yStride + (o − lo)] = bias[o] + Σ_k x[xOff + b·xStride + k] · W[o][k]} for
     * {@code lo ≤ o < hi}. Note that {@code bias} is indexed by {@code o}, like {@code W}.
     *
     * @param w       [out, in]
     * @param bias    [out] or {@code null}
     * @param lo      first weight row, {@code 0 ≤ lo ≤ hi}
     * @param hi      end weight row (exclusive), {@code hi ≤ out}
     * @param x       batch rows of length {@code in}, row {@code b} at {@code xOff + b·xStride}
     * @param xStride distance between rows of {@code x}, at least {@code in}
     * @param y       batch rows of length {@code hi − lo}, row {@code b} at {@code yOff + b·yStride}
     * @param yStride distance between rows of {@code y}, at least {@code hi − lo}
     * @param batch   rows of {@code x} and {@code y}, at least 1
     * @throws IllegalArgumentException on a non-contiguous weight, a bad bias, or an index out of range
     */
    void multiplyRows(
            INDArray w,
            INDArray bias,
            int lo,
            int hi,
            float[] x,
            int xOff,
            int xStride,
            float[] y,
            int yOff,
            int yStride,
            int batch);

    /**
     * {@code y[b][o] = bias[o] + Σ_k x[b][k] · W[o][k]} with weights resolved once ({@link DenseWeights}):
     * the form the fast paths use.
     *
     * @param x     [batch, in], packed, starting at {@code xOff}
     * @param y     [batch, out], packed, starting at {@code yOff}; overwritten
     * @param batch rows of {@code x}, at least 1
     */
    void multiply(DenseWeights w, float[] x, int xOff, float[] y, int yOff, int batch);

    /** Short implementation name for logs and benchmarks, e.g. {@code "vector(512-bit)"}. */
    String name();
}
