package io.visage.nn.kernel;

import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API paths of {@link RowKernels}; arguments are checked there. */
final class VectorRowKernels {
    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int L = S.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private VectorRowKernels() {}

    /** Either gamma/beta arrays or g/b buffers are given. */
    static void layerNorm(
            float[] x,
            int xOff,
            float[] y,
            int yOff,
            int rows,
            int n,
            float[] gamma,
            float[] beta,
            DirectFloats g,
            DirectFloats b,
            float eps) {
        int bound = S.loopBound(n);
        for (int r = 0; r < rows; r++) {
            int xo = xOff + r * n;
            int yo = yOff + r * n;
            FloatVector acc = FloatVector.zero(S);
            int i = 0;
            for (; i < bound; i += L) {
                acc = acc.add(FloatVector.fromArray(S, x, xo + i));
            }
            float sum = acc.reduceLanes(VectorOperators.ADD);
            for (; i < n; i++) {
                sum += x[xo + i];
            }
            float mean = sum / n;
            acc = FloatVector.zero(S);
            for (i = 0; i < bound; i += L) {
                FloatVector d = FloatVector.fromArray(S, x, xo + i).sub(mean);
                acc = d.fma(d, acc);
            }
            float sq = acc.reduceLanes(VectorOperators.ADD);
            for (; i < n; i++) {
                float d = x[xo + i] - mean;
                sq += d * d;
            }
            float rstd = (float) (1.0 / Math.sqrt(sq / n + eps));
            if (gamma != null) {
                for (i = 0; i < bound; i += L) {
                    FloatVector v =
                            FloatVector.fromArray(S, x, xo + i).sub(mean).mul(rstd);
                    v.fma(FloatVector.fromArray(S, gamma, i), FloatVector.fromArray(S, beta, i))
                            .intoArray(y, yo + i);
                }
                for (; i < n; i++) {
                    y[yo + i] = (x[xo + i] - mean) * rstd * gamma[i] + beta[i];
                }
            } else {
                for (i = 0; i < bound; i += L) {
                    FloatVector v =
                            FloatVector.fromArray(S, x, xo + i).sub(mean).mul(rstd);
                    FloatVector gv = FloatVector.fromByteBuffer(S, g.bytes(), g.byteOffset() + 4 * i, LE);
                    FloatVector bv = FloatVector.fromByteBuffer(S, b.bytes(), b.byteOffset() + 4 * i, LE);
                    v.fma(gv, bv).intoArray(y, yo + i);
                }
                for (; i < n; i++) {
                    y[yo + i] = (x[xo + i] - mean) * rstd * g.get(i) + b.get(i);
                }
            }
        }
    }

    static void gelu(float[] x, int xOff, float[] y, int yOff, int len) {
        VectorMath.erf(x, xOff, y, yOff, len, true);
    }

    static void softmax(float[] x, int off, int rows, int n) {
        int bound = S.loopBound(n);
        for (int r = 0; r < rows; r++) {
            int o = off + r * n;
            FloatVector mv = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            int i = 0;
            for (; i < bound; i += L) {
                mv = mv.max(FloatVector.fromArray(S, x, o + i));
            }
            float max = mv.reduceLanes(VectorOperators.MAX);
            for (; i < n; i++) {
                max = Math.max(max, x[o + i]);
            }
            float sum = VectorMath.expShiftSum(x, o, n, max);
            float inv = 1f / sum;
            for (i = 0; i < bound; i += L) {
                FloatVector.fromArray(S, x, o + i).mul(inv).intoArray(x, o + i);
            }
            for (; i < n; i++) {
                x[o + i] *= inv;
            }
        }
    }
}
