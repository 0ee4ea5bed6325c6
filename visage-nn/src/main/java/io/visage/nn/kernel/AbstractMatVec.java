package io.visage.nn.kernel;

import java.lang.ref.Reference;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Argument checks and buffer resolution shared by the {@link MatVec} implementations. */
abstract class AbstractMatVec implements MatVec {

    @Override
    public final void multiplyRows(
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
            int batch) {
        String where = name();
        DirectFloats wf = DirectFloats.matrix(where, w);
        int out = wf.rows();
        int in = wf.cols();
        DirectFloats bf = bias == null ? null : DirectFloats.vector(where, "bias", bias, out);
        if (lo < 0 || lo > hi || hi > out) {
            throw new IllegalArgumentException(where + ": row range [" + lo + ", " + hi + ") is not within [0, " + out
                    + ") of weight " + DirectFloats.describe(w));
        }
        if (batch < 1) {
            throw new IllegalArgumentException(where + ": batch must be >= 1 but was " + batch);
        }
        checkRows(where, "x", x, xOff, xStride, in, batch);
        int n = hi - lo;
        checkRows(where, "y", y, yOff, yStride, n, batch);
        if (x == y) {
            long xEnd = xOff + (long) (batch - 1) * xStride + in;
            long yEnd = yOff + (long) (batch - 1) * yStride + n;
            if (xOff < yEnd && yOff < xEnd) {
                throw new IllegalArgumentException(where + ": x and y overlap in the same array");
            }
        }
        if (n == 0) {
            return;
        }
        compute(wf, bf, lo, hi, x, xOff, xStride, y, yOff, yStride, batch);
        // The ByteBuffers do not keep the ND4J buffers alive; without this, a caller's temporary weight
        // could be collected (and its memory freed) while the kernel still reads it.
        Reference.reachabilityFence(w);
        Reference.reachabilityFence(bias);
    }

    @Override
    public final void multiply(DenseWeights w, float[] x, int xOff, float[] y, int yOff, int batch) {
        String where = name();
        int in = w.in();
        int out = w.out();
        if (batch < 1) {
            throw new IllegalArgumentException(where + ": batch must be >= 1 but was " + batch);
        }
        checkRows(where, "x", x, xOff, in, in, batch);
        checkRows(where, "y", y, yOff, out, out, batch);
        if (x == y && xOff < yOff + (long) batch * out && yOff < xOff + (long) batch * in) {
            throw new IllegalArgumentException(where + ": x and y overlap in the same array");
        }
        if (out == 0) {
            return;
        }
        if (w.packed() != null) {
            computePacked(w.packed(), w.directBias(), x, xOff, y, yOff, batch);
        } else {
            compute(w.direct(), w.directBias(), 0, out, x, xOff, in, y, yOff, out, batch);
        }
        Reference.reachabilityFence(w); // keeps the arrays behind the direct buffers alive
    }

    /**
     * {@code y[b][o] = bias[o] + Σ_k x[b][k] · W[o][k]} over all rows of a packed (BF16/INT8) weight,
     * {@code x} and {@code y} packed; arguments are valid. This reference form dequantises one
     * element at a time; vector implementations override it.
     */
    void computePacked(PackedWeights w, DirectFloats bias, float[] x, int xOff, float[] y, int yOff, int batch) {
        int in = w.cols();
        int out = w.rows();
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < out; o++) {
                double s = 0;
                for (int k = 0; k < in; k++) {
                    s += (double) w.get(o, k) * x[xOff + b * in + k];
                }
                y[yOff + b * out + o] = (float) s + (bias == null ? 0f : bias.get(o));
            }
        }
    }

    /** Arguments are valid here; {@code bias} may be null; {@code hi > lo}. */
    abstract void compute(
            DirectFloats w,
            DirectFloats bias,
            int lo,
            int hi,
            float[] x,
            int xOff,
            int xStride,
            float[] y,
            int yOff,
            int yStride,
            int batch);

    static void checkRows(String where, String what, float[] a, int off, int stride, int width, int batch) {
        if (a == null) {
            throw new IllegalArgumentException(where + ": " + what + " is null");
        }
        if (stride < width) {
            throw new IllegalArgumentException(
                    where + ": " + what + " row stride " + stride + " is smaller than the row width " + width);
        }
        long end = off + (long) (batch - 1) * stride + width;
        if (off < 0 || end > a.length) {
            throw new IllegalArgumentException(where + ": " + what + " needs elements [" + off + ", " + end + ") for "
                    + batch + " rows of " + width + " (stride " + stride + ") but has length " + a.length);
        }
    }
}
