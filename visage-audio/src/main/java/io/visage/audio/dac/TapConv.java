package io.visage.audio.dac;

import io.visage.nn.ShapeMismatchException;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

/**
 * A convolution or transposed convolution (groups 1) on time-major activations [T, C], computed as
 * a few large GEMMs over shifted row blocks of one contiguous buffer, with no im2col copy and no
 * scatter. The weights are split into tap matrices once, at construction.
 *
 * <p><b>Convolution</b> (stride s, kernel K = m·s, or stride 1 with any K and dilation d): with the
 * padded input xp [Lp, Cin] seen as X = xp reshaped to [Lp/s, s·Cin] (row r holds input samples
 * r·s … r·s+s−1), y[t] = Σ_j X[t + j·d] · W_j, where W_j [s·Cin, Cout] stacks taps j·s … j·s+s−1
 * (W_j[i·Cin + c, o] = w[o, c, j·s + i]); for stride 1 that is the familiar Σ_k xp[t + k·d] · w_kᵀ.
 *
 * <p><b>Transposed convolution</b> (stride s, kernel K = m·s, dilation 1): the full output
 * [(T + m − 1)·s, Cout] seen as F [(T + m − 1), s·Cout] receives F[t + j] += x[t] · V_j with
 * V_j [Cin, s·Cout] (V_j[c, i·Cout + o] = w[c, o, j·s + i]); the result is F's rows
 * [padding, padding + T_out) in sample units.
 *
 * <p>Every product is {@code Nd4j.gemm} on row-range views (contiguous, with an offset), so BLAS
 * runs at its large-matrix rate. Immutable; safe for concurrent use.
 */
final class TapConv {
    private final boolean transposed;
    private final int cin;
    private final int cout;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final int outputPadding;
    private final int dilation;
    private final INDArray[] taps;
    private final INDArray bias; // [1, Cout] or null

    private TapConv(
            boolean transposed,
            int cin,
            int cout,
            int kernel,
            int stride,
            int padding,
            int outputPadding,
            int dilation,
            INDArray[] taps,
            INDArray bias) {
        this.transposed = transposed;
        this.cin = cin;
        this.cout = cout;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.outputPadding = outputPadding;
        this.dilation = dilation;
        this.taps = taps;
        this.bias = bias;
    }

    /** Whether {@link #conv} handles this geometry (otherwise use the general Ops path). */
    static boolean supportsConv(int kernel, int stride, int dilation, int groups) {
        return groups == 1 && (stride == 1 || (dilation == 1 && kernel % stride == 0));
    }

    /** Whether {@link #transposed} handles this geometry. */
    static boolean supportsTransposed(int kernel, int stride, int dilation, int groups) {
        return groups == 1 && dilation == 1 && kernel % stride == 0;
    }

    /**
     * @param w    effective weight [Cout, Cin, K] (PyTorch Conv1d layout)
     * @param bias [Cout] (any shape of that length) or null
     */
    static TapConv conv(INDArray w, INDArray bias, int stride, int padding, int dilation) {
        checkWeight("conv1d", w);
        int k = (int) w.size(2);
        if (!supportsConv(k, stride, dilation, 1) || padding < 0) {
            throw new IllegalArgumentException("TapConv.conv1d: unsupported geometry kernel " + k + ", stride " + stride
                    + ", dilation " + dilation + ", padding " + padding + " (needs stride 1, or dilation 1 and a kernel"
                    + " that is a multiple of the stride)");
        }
        int cout = (int) w.size(0);
        int cin = (int) w.size(1);
        INDArray[] taps = new INDArray[k / stride];
        for (int j = 0; j < taps.length; j++) {
            // [Cout, Cin, s] -> [s, Cin, Cout] -> rows i·Cin + c
            taps[j] = w.get(all(), all(), interval((long) j * stride, (long) (j + 1) * stride))
                    .permute(2, 1, 0)
                    .dup('c')
                    .reshape('c', (long) stride * cin, cout);
        }
        return new TapConv(false, cin, cout, k, stride, padding, 0, dilation, taps, biasRow(bias, cout));
    }

    /**
     * @param w    effective weight [Cin, Cout, K] (PyTorch ConvTranspose1d layout)
     * @param bias [Cout] or null
     */
    static TapConv transposed(INDArray w, INDArray bias, int stride, int padding, int outputPadding, int dilation) {
        checkWeight("conv_transpose1d", w);
        int k = (int) w.size(2);
        if (!supportsTransposed(k, stride, dilation, 1) || padding < 0 || outputPadding < 0) {
            throw new IllegalArgumentException("TapConv.conv_transpose1d: unsupported geometry kernel " + k
                    + ", stride "
                    + stride + ", dilation " + dilation + " (needs dilation 1 and a kernel that is a multiple of the"
                    + " stride)");
        }
        int cin = (int) w.size(0);
        int cout = (int) w.size(1);
        INDArray[] taps = new INDArray[k / stride];
        for (int j = 0; j < taps.length; j++) {
            // [Cin, Cout, s] -> [Cin, s, Cout] -> columns i·Cout + o
            taps[j] = w.get(all(), all(), interval((long) j * stride, (long) (j + 1) * stride))
                    .permute(0, 2, 1)
                    .dup('c')
                    .reshape('c', cin, (long) stride * cout);
        }
        return new TapConv(true, cin, cout, k, stride, padding, outputPadding, 1, taps, biasRow(bias, cout));
    }

    private static void checkWeight(String op, INDArray w) {
        if (w.rank() != 3 || w.dataType() != DataType.FLOAT) {
            throw new ShapeMismatchException("TapConv." + op + ": weight must be float32 rank 3, found " + w.dataType()
                    + " " + Arrays.toString(w.shape()));
        }
    }

    private static INDArray biasRow(INDArray bias, int cout) {
        if (bias == null) {
            return null;
        }
        if (bias.length() != cout) {
            throw new ShapeMismatchException(
                    "TapConv: bias must have " + cout + " elements, found " + Arrays.toString(bias.shape()));
        }
        return bias.castTo(DataType.FLOAT).reshape('c', 1, cout).dup('c');
    }

    int inChannels() {
        return cin;
    }

    int outChannels() {
        return cout;
    }

    /** Left zero rows the padded input of {@link #conv} must have before the signal. */
    int leftPad() {
        return padding;
    }

    /** Output length of the convolution for an input of {@code length} samples. */
    int outputLength(int length) {
        long n = transposed
                ? (long) (length - 1) * stride - 2L * padding + (long) dilation * (kernel - 1) + outputPadding + 1
                : ((long) length + 2L * padding - (long) dilation * (kernel - 1) - 1) / stride + 1;
        if (n < 1) {
            throw new ShapeMismatchException("TapConv: input of " + length + " samples is too short for kernel "
                    + kernel + ", stride " + stride + ", padding " + padding + ", dilation " + dilation);
        }
        return (int) n;
    }

    /**
     * Rows of the zero-padded input buffer {@link #conv} takes for a signal of {@code length} samples
     * placed at row {@link #leftPad()}: a multiple of the stride, covering the signal and every tap.
     */
    int paddedRows(int length) {
        long tout = outputLength(length);
        long needed = (tout - 1 + (long) dilation * (taps.length - 1) + 1) * stride;
        long rows = Math.max(needed, (long) padding + length);
        return (int) ((rows + stride - 1) / stride * stride);
    }

    /** A zeroed input buffer [paddedRows(length), Cin] for {@link #conv}. */
    INDArray newPaddedInput(int length) {
        return Nd4j.create(DataType.FLOAT, paddedRows(length), cin);
    }

    /** Zeroes the rows of a reused padded input that lie outside the signal [leftPad, leftPad + length). */
    void zeroPadding(INDArray xp, int length) {
        int rows = paddedRows(length);
        requireShape("padded input", xp, rows, cin);
        if (padding > 0) {
            xp.get(interval(0, padding), all()).assign(0);
        }
        if (padding + length < rows) {
            xp.get(interval(padding + length, rows), all()).assign(0);
        }
    }

    /**
     * Convolution of a signal of {@code length} samples stored at rows [leftPad, leftPad + length)
     * of the zero-padded {@code xp}, into {@code dst} (bias included).
     *
     * @param xp         [paddedRows(length), Cin] row-major contiguous, zero outside the signal
     * @param dst        [T_out, Cout] row-major contiguous, not overlapping xp
     * @param accumulate add the result to dst (a residual sum) instead of overwriting it
     * @return dst
     */
    INDArray conv(INDArray xp, int length, INDArray dst, boolean accumulate) {
        if (transposed) {
            throw new IllegalStateException("TapConv: this is a transposed convolution");
        }
        int tout = outputLength(length);
        int rows = paddedRows(length);
        requireShape("padded input", xp, rows, cin);
        requireShape("destination", dst, tout, cout);
        INDArray x = stride == 1 ? xp : xp.reshape('c', rows / stride, (long) stride * cin);
        for (int j = 0; j < taps.length; j++) {
            long r = (long) j * dilation;
            boolean overwrite = j == 0 && !accumulate;
            Nd4j.gemm(x.get(interval(r, r + tout), all()), taps[j], dst, false, false, 1.0, overwrite ? 0.0 : 1.0);
        }
        if (bias != null) {
            dst.addiRowVector(bias);
        }
        return dst;
    }

    /** Rows (samples) of the full buffer {@link #transposed} takes for an input of {@code length} samples. */
    int fullRows(int length) {
        int tout = outputLength(length);
        long rows = Math.max(length + taps.length - 1L, ((long) padding + tout + stride - 1) / stride);
        return (int) (rows * stride);
    }

    /**
     * Transposed convolution.
     *
     * @param x    [T, Cin] row-major contiguous
     * @param full scratch [fullRows(T), Cout] row-major contiguous (any content; overwritten)
     * @return the output [T_out, Cout], bias included: a row-range view of {@code full}
     */
    INDArray transposed(INDArray x, INDArray full) {
        if (!transposed) {
            throw new IllegalStateException("TapConv: this is not a transposed convolution");
        }
        int t = (int) x.size(0);
        requireShape("input", x, t, cin);
        int tout = outputLength(t);
        int rows = fullRows(t);
        requireShape("full output", full, rows, cout);
        long fr = rows / stride;
        INDArray f = full.reshape('c', fr, (long) stride * cout);
        if (t < fr) {
            f.get(interval(t, fr), all()).assign(0); // rows the first tap does not write
        }
        for (int j = 0; j < taps.length; j++) {
            Nd4j.gemm(x, taps[j], f.get(interval(j, j + t), all()), false, false, 1.0, j == 0 ? 0.0 : 1.0);
        }
        INDArray y = full.get(interval(padding, padding + tout), all());
        if (bias != null) {
            y.addiRowVector(bias);
        }
        return y;
    }

    private static INDArray requireShape(String what, INDArray a, long rows, long cols) {
        long[] s = a.shape();
        boolean ok = a.dataType() == DataType.FLOAT
                && s.length == 2
                && s[0] == rows
                && s[1] == cols
                && (rows <= 1 || a.stride(0) == cols)
                && (cols <= 1 || a.stride(1) == 1);
        if (!ok) {
            throw new ShapeMismatchException(
                    "TapConv: " + what + " must be a row-major contiguous float32 [" + rows + ", "
                            + cols + "] array, found " + a.dataType() + " " + Arrays.toString(s) + " strides "
                            + Arrays.toString(a.stride()));
        }
        return a;
    }
}
