package io.visage.audio.dac;

import io.visage.nn.Checks;
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
 * runs at its large-matrix rate. The taps and the bias are this object's own copies (a weight view
 * extracted once); {@link #close} frees them. Immutable until closed; safe for concurrent use. Shape
 * errors are {@link io.visage.nn.ShapeMismatchException}s naming the convolution's module path.
 */
final class TapConv implements AutoCloseable {
    private final String where;
    private final ConvGeometry g;
    private final INDArray[] taps;
    private final INDArray bias; // [1, Cout] or null

    private TapConv(String where, ConvGeometry g, INDArray[] taps, INDArray bias) {
        this.where = where;
        this.g = g;
        this.taps = taps;
        this.bias = bias;
    }

    /**
     * The taps of one (transposed) convolution, copied out of its effective weight.
     *
     * @param where module path of the convolution, for messages
     * @param g     its sizes
     * @param w     effective weight, [Cout, Cin, K] for a convolution, [Cin, Cout, K] for a transposed
     *              one (PyTorch layouts); read, not kept
     * @param bias  [Cout] (any shape of that length) or null; copied
     * @throws IllegalArgumentException for a geometry the kernels do not handle
     */
    static TapConv of(String where, ConvGeometry g, INDArray w, INDArray bias) {
        boolean ok = g.groups() == 1
                && g.kernel() % g.stride() == 0
                && (g.stride() == 1 || g.dilation() == 1)
                && (!g.transposed() || g.dilation() == 1);
        if (!ok) {
            throw new IllegalArgumentException(where + ": time-major kernels do not handle " + g
                    + " (they need groups 1 and either stride 1 (convolutions only) or dilation 1 and a kernel"
                    + " that is a multiple of the stride)");
        }
        Checks.shape(
                where, "weight", w, g.transposed() ? g.in() : g.out(), g.transposed() ? g.out() : g.in(), g.kernel());
        Checks.require(w.dataType() == DataType.FLOAT, where, "weight must be float32, found " + w.dataType());
        int s = g.stride();
        INDArray[] taps = new INDArray[g.kernel() / s];
        for (int j = 0; j < taps.length; j++) {
            INDArray block = w.get(all(), all(), interval((long) j * s, (long) (j + 1) * s));
            taps[j] = g.transposed()
                    // [Cin, Cout, s] -> [Cin, s, Cout] -> columns i·Cout + o
                    ? block.permute(0, 2, 1).dup('c').reshape('c', g.in(), (long) s * g.out())
                    // [Cout, Cin, s] -> [s, Cin, Cout] -> rows i·Cin + c
                    : block.permute(2, 1, 0).dup('c').reshape('c', (long) s * g.in(), g.out());
        }
        INDArray b = null;
        if (bias != null) {
            Checks.require(
                    bias.length() == g.out(),
                    where,
                    "bias must have " + g.out() + " elements (out channels), found "
                            + java.util.Arrays.toString(bias.shape()));
            b = bias.castTo(DataType.FLOAT).reshape('c', 1, g.out()).dup('c');
        }
        return new TapConv(where, g, taps, b);
    }

    /** A convolution from its effective weight [Cout, Cin, K] (sizes read from it; for tests). */
    static TapConv conv(INDArray w, INDArray bias, int stride, int padding, int dilation) {
        Checks.shape("TapConv.conv1d", "weight", w, Checks.ANY, Checks.ANY, Checks.ANY);
        ConvGeometry g = new ConvGeometry(
                false, (int) w.size(1), (int) w.size(0), (int) w.size(2), stride, padding, 0, dilation, 1);
        return of("TapConv.conv1d", g, w, bias);
    }

    /** A transposed convolution from its effective weight [Cin, Cout, K] (sizes read from it; for tests). */
    static TapConv transposed(INDArray w, INDArray bias, int stride, int padding, int outputPadding, int dilation) {
        Checks.shape("TapConv.conv_transpose1d", "weight", w, Checks.ANY, Checks.ANY, Checks.ANY);
        ConvGeometry g = new ConvGeometry(
                true, (int) w.size(0), (int) w.size(1), (int) w.size(2), stride, padding, outputPadding, dilation, 1);
        return of("TapConv.conv_transpose1d", g, w, bias);
    }

    int inChannels() {
        return g.in();
    }

    int outChannels() {
        return g.out();
    }

    /** Left zero rows the padded input of {@link #conv} must have before the signal. */
    int leftPad() {
        return g.padding();
    }

    /** Output length of the convolution for an input of {@code length} samples. */
    int outputLength(int length) {
        return g.outputLength(where, length);
    }

    /**
     * Rows of the zero-padded input buffer {@link #conv} takes for a signal of {@code length} samples
     * placed at row {@link #leftPad()}: a multiple of the stride, covering the signal and every tap.
     */
    int paddedRows(int length) {
        long tout = outputLength(length);
        int s = g.stride();
        long needed = (tout - 1 + (long) g.dilation() * (taps.length - 1) + 1) * s;
        long rows = Math.max(needed, (long) g.padding() + length);
        return Math.toIntExact((rows + s - 1) / s * s);
    }

    /** A zeroed input buffer [paddedRows(length), Cin] for {@link #conv}. */
    INDArray newPaddedInput(int length) {
        return Nd4j.create(DataType.FLOAT, paddedRows(length), g.in());
    }

    /** Zeroes the rows of a reused padded input that lie outside the signal [leftPad, leftPad + length). */
    void zeroPadding(INDArray xp, int length) {
        int rows = paddedRows(length);
        Checks.rowMajorFloats(where, "padded input", xp, rows, g.in());
        int p = g.padding();
        if (p > 0) {
            xp.get(interval(0, p), all()).assign(0);
        }
        if (p + length < rows) {
            xp.get(interval(p + length, rows), all()).assign(0);
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
        Checks.require(!g.transposed(), where, "conv called on a transposed convolution");
        int tout = outputLength(length);
        int rows = paddedRows(length);
        Checks.rowMajorFloats(where, "padded input", xp, rows, g.in());
        Checks.rowMajorFloats(where, "destination", dst, tout, g.out());
        int s = g.stride();
        INDArray x = s == 1 ? xp : xp.reshape('c', rows / s, (long) s * g.in());
        for (int j = 0; j < taps.length; j++) {
            long r = (long) j * g.dilation();
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
        int s = g.stride();
        long rows = Math.max(length + taps.length - 1L, ((long) g.padding() + tout + s - 1) / s);
        return Math.toIntExact(rows * s);
    }

    /**
     * Transposed convolution.
     *
     * @param x    [T, Cin] row-major contiguous
     * @param full scratch [fullRows(T), Cout] row-major contiguous (any content; overwritten)
     * @return the output [T_out, Cout], bias included: a row-range view of {@code full}
     */
    INDArray transposed(INDArray x, INDArray full) {
        Checks.require(g.transposed(), where, "transposed called on a convolution");
        Checks.shape(where, "input", x, Checks.ANY, g.in());
        int t = (int) x.size(0);
        Checks.rowMajorFloats(where, "input", x, t, g.in());
        int tout = outputLength(t);
        int rows = fullRows(t);
        Checks.rowMajorFloats(where, "full output", full, rows, g.out());
        int s = g.stride();
        long fr = rows / s;
        INDArray f = full.reshape('c', fr, (long) s * g.out());
        if (t < fr) {
            f.get(interval(t, fr), all()).assign(0); // rows the first tap does not write
        }
        for (int j = 0; j < taps.length; j++) {
            Nd4j.gemm(x, taps[j], f.get(interval(j, j + t), all()), false, false, 1.0, j == 0 ? 0.0 : 1.0);
        }
        INDArray y = full.get(interval(g.padding(), g.padding() + tout), all());
        if (bias != null) {
            y.addiRowVector(bias);
        }
        return y;
    }

    /** Frees the taps and the bias. */
    @Override
    public void close() {
        for (INDArray t : taps) {
            t.close();
        }
        if (bias != null) {
            bias.close();
        }
    }
}
