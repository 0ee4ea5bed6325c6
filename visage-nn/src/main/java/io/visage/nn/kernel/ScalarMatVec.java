package io.visage.nn.kernel;

import java.nio.FloatBuffer;

/**
 * {@link MatVec} in plain Java, the fallback when the JVM runs without the Vector API module.
 *
 * <p>Output rows are split over the {@link Parallelism} threads. Each weight row is bulk-copied
 * from the ND4J buffer into a small per-chunk array (an L1-resident memcpy) and then dotted with two
 * batch rows at a time, with four independent partial sums per batch row so that the additions do
 * not wait on each other.
 */
public final class ScalarMatVec extends AbstractMatVec {
    private static final int MIN_CHUNK_BYTES = 64 * 1024;

    private final Parallelism par;

    /** @param par threads to split the output rows over */
    public ScalarMatVec(Parallelism par) {
        if (par == null) {
            throw new IllegalArgumentException("ScalarMatVec: par is null");
        }
        this.par = par;
    }

    @Override
    void compute(
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
            int batch) {
        int in = w.cols();
        int grain = Math.max(1, MIN_CHUNK_BYTES / (4 * Math.max(in, 1)));
        par.forRange(
                lo, hi, grain, (from, to) -> rows(w, bias, lo, from, to, x, xOff, xStride, y, yOff, yStride, batch));
    }

    private static void rows(
            DirectFloats wf,
            DirectFloats bias,
            int lo,
            int from,
            int to,
            float[] x,
            int xOff,
            int xStride,
            float[] y,
            int yOff,
            int yStride,
            int batch) {
        int in = wf.cols();
        FloatBuffer fb = wf.bytes().asFloatBuffer();
        float[] row = new float[in];
        for (int o = from; o < to; o++) {
            fb.get(wf.rowByte(o) / 4, row, 0, in);
            float bo = bias == null ? 0f : bias.get(o);
            int yo = yOff + (o - lo);
            int b = 0;
            for (; b + 1 < batch; b += 2) {
                int xa = xOff + b * xStride;
                int xc = xa + xStride;
                float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f;
                float c0 = 0f, c1 = 0f, c2 = 0f, c3 = 0f;
                int k = 0;
                for (; k + 3 < in; k += 4) {
                    float w0 = row[k];
                    float w1 = row[k + 1];
                    float w2 = row[k + 2];
                    float w3 = row[k + 3];
                    a0 += w0 * x[xa + k];
                    a1 += w1 * x[xa + k + 1];
                    a2 += w2 * x[xa + k + 2];
                    a3 += w3 * x[xa + k + 3];
                    c0 += w0 * x[xc + k];
                    c1 += w1 * x[xc + k + 1];
                    c2 += w2 * x[xc + k + 2];
                    c3 += w3 * x[xc + k + 3];
                }
                for (; k < in; k++) {
                    a0 += row[k] * x[xa + k];
                    c0 += row[k] * x[xc + k];
                }
                y[yo + b * yStride] = ((a0 + a1) + (a2 + a3)) + bo;
                y[yo + (b + 1) * yStride] = ((c0 + c1) + (c2 + c3)) + bo;
            }
            if (b < batch) {
                int xa = xOff + b * xStride;
                float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f;
                int k = 0;
                for (; k + 3 < in; k += 4) {
                    a0 += row[k] * x[xa + k];
                    a1 += row[k + 1] * x[xa + k + 1];
                    a2 += row[k + 2] * x[xa + k + 2];
                    a3 += row[k + 3] * x[xa + k + 3];
                }
                for (; k < in; k++) {
                    a0 += row[k] * x[xa + k];
                }
                y[yo + b * yStride] = ((a0 + a1) + (a2 + a3)) + bo;
            }
        }
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public String toString() {
        return "ScalarMatVec[" + par + "]";
    }
}
