package io.visage.nn.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link MatVec} on the Vector API ({@code FloatVector.SPECIES_PREFERRED}, 512-bit on AVX-512).
 *
 * <p>Output rows are split over the {@link Parallelism} threads. Every weight vector is loaded once
 * from the ND4J buffer and fused-multiply-added into the accumulators of all batch rows (up to four
 * per pass). Two loop orders, chosen by how much of {@code x} each weight row has to meet:
 * <ul>
 *   <li>one weight row at a time, two accumulators per batch row, when {@code B ≤ 2} and {@code x}
 *       takes at most 8 KiB (a quarter of a typical L1): the weights are then read as a single
 *       sequential stream, which measured fastest for {@code in = 1024} (30–39 GB/s against 20–24
 *       for four rows on a 2-core Zen 4);</li>
 *   <li>four weight rows at a time otherwise: each {@code x} vector is loaded once per four weight
 *       rows, which matters once {@code x} competes with the streamed weights for L1 (for
 *       {@code B = 2, in = 4096} one row at a time fell to 14–18 GB/s, four rows gave 22–28).
 *       Larger batches take further passes over the same four rows, then in L1/L2.</li>
 * </ul>
 * Columns beyond the last full vector are summed in scalar code.
 *
 * <p>Only load this class when {@code jdk.incubator.vector} is in the boot layer; {@link MatVecs}
 * takes care of that.
 */
public final class VectorMatVec extends AbstractMatVec {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Minimum weight bytes per parallel chunk, so chunk overhead stays small. */
    private static final int MIN_CHUNK_BYTES = 64 * 1024;
    /** Largest {@code x} (all batch rows) for the one-row-at-a-time order. */
    private static final int ONE_ROW_MAX_X_BYTES = 8 * 1024;

    private final Parallelism par;

    /** @param par threads to split the output rows over */
    public VectorMatVec(Parallelism par) {
        if (par == null) {
            throw new IllegalArgumentException("VectorMatVec: par is null");
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
        int grain = Math.max(1, MIN_CHUNK_BYTES / (16 * Math.max(in, 1))) * 4;
        if (batch <= 2 && 4L * batch * in <= ONE_ROW_MAX_X_BYTES) {
            par.forRange(
                    lo,
                    hi,
                    grain,
                    (from, to) -> oneRowAtATime(w, bias, lo, from, to, x, xOff, xStride, y, yOff, yStride, batch));
        } else {
            par.forRange(
                    lo,
                    hi,
                    grain,
                    (from, to) -> fourRowsAtATime(w, bias, lo, from, to, x, xOff, xStride, y, yOff, yStride, batch));
        }
    }

    @Override
    void computePacked(PackedWeights w, DirectFloats bias, float[] x, int xOff, float[] y, int yOff, int batch) {
        PackedVectorKernels.multiply(par, w, bias, x, xOff, y, yOff, batch);
    }

    private static void oneRowAtATime(
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
        ByteBuffer w = wf.bytes();
        int in = wf.cols();
        for (int o = from; o < to; o++) {
            int r = wf.rowByte(o);
            float b = bias == null ? 0f : bias.get(o);
            int yo = yOff + (o - lo);
            if (batch == 1) {
                y[yo] = dot1(w, r, in, x, xOff) + b;
            } else {
                dot2(w, r, in, x, xOff, xOff + xStride, y, yo, yo + yStride, b);
            }
        }
    }

    /** One weight row (byte offset {@code r}) dotted with one x row. */
    private static float dot1(ByteBuffer w, int r, int in, float[] x, int x0) {
        FloatVector a = FloatVector.zero(S);
        FloatVector c = FloatVector.zero(S);
        int bound2 = in - in % (2 * L);
        int k = 0;
        for (; k < bound2; k += 2 * L) {
            a = FloatVector.fromByteBuffer(S, w, r + 4 * k, LE).fma(FloatVector.fromArray(S, x, x0 + k), a);
            c = FloatVector.fromByteBuffer(S, w, r + 4 * k + 4 * L, LE).fma(FloatVector.fromArray(S, x, x0 + k + L), c);
        }
        if (k + L <= in) {
            a = FloatVector.fromByteBuffer(S, w, r + 4 * k, LE).fma(FloatVector.fromArray(S, x, x0 + k), a);
            k += L;
        }
        float s = a.add(c).reduceLanes(VectorOperators.ADD);
        for (; k < in; k++) {
            s += w.getFloat(r + 4 * k) * x[x0 + k];
        }
        return s;
    }

    /** One weight row dotted with two x rows; writes {@code y[y0] and y[y1]} plus {@code b}. */
    private static void dot2(
            ByteBuffer w, int r, int in, float[] x, int x0, int x1, float[] y, int y0, int y1, float b) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector c0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector c1 = FloatVector.zero(S);
        int bound2 = in - in % (2 * L);
        int k = 0;
        for (; k < bound2; k += 2 * L) {
            FloatVector wa = FloatVector.fromByteBuffer(S, w, r + 4 * k, LE);
            FloatVector wc = FloatVector.fromByteBuffer(S, w, r + 4 * k + 4 * L, LE);
            a0 = wa.fma(FloatVector.fromArray(S, x, x0 + k), a0);
            c0 = wc.fma(FloatVector.fromArray(S, x, x0 + k + L), c0);
            a1 = wa.fma(FloatVector.fromArray(S, x, x1 + k), a1);
            c1 = wc.fma(FloatVector.fromArray(S, x, x1 + k + L), c1);
        }
        if (k + L <= in) {
            FloatVector wa = FloatVector.fromByteBuffer(S, w, r + 4 * k, LE);
            a0 = wa.fma(FloatVector.fromArray(S, x, x0 + k), a0);
            a1 = wa.fma(FloatVector.fromArray(S, x, x1 + k), a1);
            k += L;
        }
        float s0 = a0.add(c0).reduceLanes(VectorOperators.ADD);
        float s1 = a1.add(c1).reduceLanes(VectorOperators.ADD);
        for (; k < in; k++) {
            float wk = w.getFloat(r + 4 * k);
            s0 += wk * x[x0 + k];
            s1 += wk * x[x1 + k];
        }
        y[y0] = s0 + b;
        y[y1] = s1 + b;
    }

    private static void fourRowsAtATime(
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
        ByteBuffer w = wf.bytes();
        int in = wf.cols();
        for (int o = from; o < to; o += 4) {
            int n = Math.min(4, to - o);
            int r0 = wf.rowByte(o);
            int r1 = wf.rowByte(o + Math.min(1, n - 1));
            int r2 = wf.rowByte(o + Math.min(2, n - 1));
            int r3 = wf.rowByte(o + Math.min(3, n - 1));
            for (int b = 0; b < batch; b += 4) {
                int xb = xOff + b * xStride;
                int yb = yOff + b * yStride + (o - lo);
                switch (Math.min(4, batch - b)) {
                    case 1 -> block1(w, r0, r1, r2, r3, in, x, xb, y, yb, yStride, n, bias, o);
                    case 2 -> block2(w, r0, r1, r2, r3, in, x, xb, xb + xStride, y, yb, yStride, n, bias, o);
                    case 3 ->
                        block3(
                                w,
                                r0,
                                r1,
                                r2,
                                r3,
                                in,
                                x,
                                xb,
                                xb + xStride,
                                xb + 2 * xStride,
                                y,
                                yb,
                                yStride,
                                n,
                                bias,
                                o);
                    default ->
                        block4(
                                w,
                                r0,
                                r1,
                                r2,
                                r3,
                                in,
                                x,
                                xb,
                                xb + xStride,
                                xb + 2 * xStride,
                                xb + 3 * xStride,
                                y,
                                yb,
                                yStride,
                                n,
                                bias,
                                o);
                }
            }
        }
    }

    /** Writes the first {@code n} of four sums, plus bias, to {@code y[yi ..]}. */
    private static void store(
            float[] y, int yi, int n, float s0, float s1, float s2, float s3, DirectFloats bias, int o) {
        if (bias != null) {
            s0 += bias.get(o);
            s1 += n > 1 ? bias.get(o + 1) : 0f;
            s2 += n > 2 ? bias.get(o + 2) : 0f;
            s3 += n > 3 ? bias.get(o + 3) : 0f;
        }
        y[yi] = s0;
        if (n > 1) {
            y[yi + 1] = s1;
        }
        if (n > 2) {
            y[yi + 2] = s2;
        }
        if (n > 3) {
            y[yi + 3] = s3;
        }
    }

    // blockN: four weight rows (byte offsets r0..r3, repeated when fewer remain) times N rows of x.
    // Written from one pattern; keep the four in step.

    private static void block1(
            ByteBuffer w,
            int r0,
            int r1,
            int r2,
            int r3,
            int in,
            float[] x,
            int x0,
            float[] y,
            int y0,
            int yStride,
            int n,
            DirectFloats bias,
            int o) {
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S);
        int bound = S.loopBound(in);
        for (int k = 0; k < bound; k += S.length()) {
            FloatVector v0 = FloatVector.fromArray(S, x, x0 + k);
            FloatVector w0 = FloatVector.fromByteBuffer(S, w, r0 + 4 * k, LE);
            a00 = w0.fma(v0, a00);
            FloatVector w1 = FloatVector.fromByteBuffer(S, w, r1 + 4 * k, LE);
            a10 = w1.fma(v0, a10);
            FloatVector w2 = FloatVector.fromByteBuffer(S, w, r2 + 4 * k, LE);
            a20 = w2.fma(v0, a20);
            FloatVector w3 = FloatVector.fromByteBuffer(S, w, r3 + 4 * k, LE);
            a30 = w3.fma(v0, a30);
        }
        float s00 = a00.reduceLanes(VectorOperators.ADD);
        float s10 = a10.reduceLanes(VectorOperators.ADD);
        float s20 = a20.reduceLanes(VectorOperators.ADD);
        float s30 = a30.reduceLanes(VectorOperators.ADD);
        for (int k = bound; k < in; k++) {
            float v0 = x[x0 + k];
            float w0 = w.getFloat(r0 + 4 * k);
            s00 += w0 * v0;
            float w1 = w.getFloat(r1 + 4 * k);
            s10 += w1 * v0;
            float w2 = w.getFloat(r2 + 4 * k);
            s20 += w2 * v0;
            float w3 = w.getFloat(r3 + 4 * k);
            s30 += w3 * v0;
        }
        store(y, y0, n, s00, s10, s20, s30, bias, o);
    }

    private static void block2(
            ByteBuffer w,
            int r0,
            int r1,
            int r2,
            int r3,
            int in,
            float[] x,
            int x0,
            int x1,
            float[] y,
            int y0,
            int yStride,
            int n,
            DirectFloats bias,
            int o) {
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S);
        FloatVector a11 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S);
        FloatVector a21 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S);
        FloatVector a31 = FloatVector.zero(S);
        int bound = S.loopBound(in);
        for (int k = 0; k < bound; k += S.length()) {
            FloatVector v0 = FloatVector.fromArray(S, x, x0 + k);
            FloatVector v1 = FloatVector.fromArray(S, x, x1 + k);
            FloatVector w0 = FloatVector.fromByteBuffer(S, w, r0 + 4 * k, LE);
            a00 = w0.fma(v0, a00);
            a01 = w0.fma(v1, a01);
            FloatVector w1 = FloatVector.fromByteBuffer(S, w, r1 + 4 * k, LE);
            a10 = w1.fma(v0, a10);
            a11 = w1.fma(v1, a11);
            FloatVector w2 = FloatVector.fromByteBuffer(S, w, r2 + 4 * k, LE);
            a20 = w2.fma(v0, a20);
            a21 = w2.fma(v1, a21);
            FloatVector w3 = FloatVector.fromByteBuffer(S, w, r3 + 4 * k, LE);
            a30 = w3.fma(v0, a30);
            a31 = w3.fma(v1, a31);
        }
        float s00 = a00.reduceLanes(VectorOperators.ADD);
        float s01 = a01.reduceLanes(VectorOperators.ADD);
        float s10 = a10.reduceLanes(VectorOperators.ADD);
        float s11 = a11.reduceLanes(VectorOperators.ADD);
        float s20 = a20.reduceLanes(VectorOperators.ADD);
        float s21 = a21.reduceLanes(VectorOperators.ADD);
        float s30 = a30.reduceLanes(VectorOperators.ADD);
        float s31 = a31.reduceLanes(VectorOperators.ADD);
        for (int k = bound; k < in; k++) {
            float v0 = x[x0 + k];
            float v1 = x[x1 + k];
            float w0 = w.getFloat(r0 + 4 * k);
            s00 += w0 * v0;
            s01 += w0 * v1;
            float w1 = w.getFloat(r1 + 4 * k);
            s10 += w1 * v0;
            s11 += w1 * v1;
            float w2 = w.getFloat(r2 + 4 * k);
            s20 += w2 * v0;
            s21 += w2 * v1;
            float w3 = w.getFloat(r3 + 4 * k);
            s30 += w3 * v0;
            s31 += w3 * v1;
        }
        store(y, y0, n, s00, s10, s20, s30, bias, o);
        store(y, y0 + 1 * yStride, n, s01, s11, s21, s31, bias, o);
    }

    private static void block3(
            ByteBuffer w,
            int r0,
            int r1,
            int r2,
            int r3,
            int in,
            float[] x,
            int x0,
            int x1,
            int x2,
            float[] y,
            int y0,
            int yStride,
            int n,
            DirectFloats bias,
            int o) {
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = FloatVector.zero(S);
        FloatVector a02 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S);
        FloatVector a11 = FloatVector.zero(S);
        FloatVector a12 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S);
        FloatVector a21 = FloatVector.zero(S);
        FloatVector a22 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S);
        FloatVector a31 = FloatVector.zero(S);
        FloatVector a32 = FloatVector.zero(S);
        int bound = S.loopBound(in);
        for (int k = 0; k < bound; k += S.length()) {
            FloatVector v0 = FloatVector.fromArray(S, x, x0 + k);
            FloatVector v1 = FloatVector.fromArray(S, x, x1 + k);
            FloatVector v2 = FloatVector.fromArray(S, x, x2 + k);
            FloatVector w0 = FloatVector.fromByteBuffer(S, w, r0 + 4 * k, LE);
            a00 = w0.fma(v0, a00);
            a01 = w0.fma(v1, a01);
            a02 = w0.fma(v2, a02);
            FloatVector w1 = FloatVector.fromByteBuffer(S, w, r1 + 4 * k, LE);
            a10 = w1.fma(v0, a10);
            a11 = w1.fma(v1, a11);
            a12 = w1.fma(v2, a12);
            FloatVector w2 = FloatVector.fromByteBuffer(S, w, r2 + 4 * k, LE);
            a20 = w2.fma(v0, a20);
            a21 = w2.fma(v1, a21);
            a22 = w2.fma(v2, a22);
            FloatVector w3 = FloatVector.fromByteBuffer(S, w, r3 + 4 * k, LE);
            a30 = w3.fma(v0, a30);
            a31 = w3.fma(v1, a31);
            a32 = w3.fma(v2, a32);
        }
        float s00 = a00.reduceLanes(VectorOperators.ADD);
        float s01 = a01.reduceLanes(VectorOperators.ADD);
        float s02 = a02.reduceLanes(VectorOperators.ADD);
        float s10 = a10.reduceLanes(VectorOperators.ADD);
        float s11 = a11.reduceLanes(VectorOperators.ADD);
        float s12 = a12.reduceLanes(VectorOperators.ADD);
        float s20 = a20.reduceLanes(VectorOperators.ADD);
        float s21 = a21.reduceLanes(VectorOperators.ADD);
        float s22 = a22.reduceLanes(VectorOperators.ADD);
        float s30 = a30.reduceLanes(VectorOperators.ADD);
        float s31 = a31.reduceLanes(VectorOperators.ADD);
        float s32 = a32.reduceLanes(VectorOperators.ADD);
        for (int k = bound; k < in; k++) {
            float v0 = x[x0 + k];
            float v1 = x[x1 + k];
            float v2 = x[x2 + k];
            float w0 = w.getFloat(r0 + 4 * k);
            s00 += w0 * v0;
            s01 += w0 * v1;
            s02 += w0 * v2;
            float w1 = w.getFloat(r1 + 4 * k);
            s10 += w1 * v0;
            s11 += w1 * v1;
            s12 += w1 * v2;
            float w2 = w.getFloat(r2 + 4 * k);
            s20 += w2 * v0;
            s21 += w2 * v1;
            s22 += w2 * v2;
            float w3 = w.getFloat(r3 + 4 * k);
            s30 += w3 * v0;
            s31 += w3 * v1;
            s32 += w3 * v2;
        }
        store(y, y0, n, s00, s10, s20, s30, bias, o);
        store(y, y0 + 1 * yStride, n, s01, s11, s21, s31, bias, o);
        store(y, y0 + 2 * yStride, n, s02, s12, s22, s32, bias, o);
    }

    private static void block4(
            ByteBuffer w,
            int r0,
            int r1,
            int r2,
            int r3,
            int in,
            float[] x,
            int x0,
            int x1,
            int x2,
            int x3,
            float[] y,
            int y0,
            int yStride,
            int n,
            DirectFloats bias,
            int o) {
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = FloatVector.zero(S);
        FloatVector a02 = FloatVector.zero(S);
        FloatVector a03 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S);
        FloatVector a11 = FloatVector.zero(S);
        FloatVector a12 = FloatVector.zero(S);
        FloatVector a13 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S);
        FloatVector a21 = FloatVector.zero(S);
        FloatVector a22 = FloatVector.zero(S);
        FloatVector a23 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S);
        FloatVector a31 = FloatVector.zero(S);
        FloatVector a32 = FloatVector.zero(S);
        FloatVector a33 = FloatVector.zero(S);
        int bound = S.loopBound(in);
        for (int k = 0; k < bound; k += S.length()) {
            FloatVector v0 = FloatVector.fromArray(S, x, x0 + k);
            FloatVector v1 = FloatVector.fromArray(S, x, x1 + k);
            FloatVector v2 = FloatVector.fromArray(S, x, x2 + k);
            FloatVector v3 = FloatVector.fromArray(S, x, x3 + k);
            FloatVector w0 = FloatVector.fromByteBuffer(S, w, r0 + 4 * k, LE);
            a00 = w0.fma(v0, a00);
            a01 = w0.fma(v1, a01);
            a02 = w0.fma(v2, a02);
            a03 = w0.fma(v3, a03);
            FloatVector w1 = FloatVector.fromByteBuffer(S, w, r1 + 4 * k, LE);
            a10 = w1.fma(v0, a10);
            a11 = w1.fma(v1, a11);
            a12 = w1.fma(v2, a12);
            a13 = w1.fma(v3, a13);
            FloatVector w2 = FloatVector.fromByteBuffer(S, w, r2 + 4 * k, LE);
            a20 = w2.fma(v0, a20);
            a21 = w2.fma(v1, a21);
            a22 = w2.fma(v2, a22);
            a23 = w2.fma(v3, a23);
            FloatVector w3 = FloatVector.fromByteBuffer(S, w, r3 + 4 * k, LE);
            a30 = w3.fma(v0, a30);
            a31 = w3.fma(v1, a31);
            a32 = w3.fma(v2, a32);
            a33 = w3.fma(v3, a33);
        }
        float s00 = a00.reduceLanes(VectorOperators.ADD);
        float s01 = a01.reduceLanes(VectorOperators.ADD);
        float s02 = a02.reduceLanes(VectorOperators.ADD);
        float s03 = a03.reduceLanes(VectorOperators.ADD);
        float s10 = a10.reduceLanes(VectorOperators.ADD);
        float s11 = a11.reduceLanes(VectorOperators.ADD);
        float s12 = a12.reduceLanes(VectorOperators.ADD);
        float s13 = a13.reduceLanes(VectorOperators.ADD);
        float s20 = a20.reduceLanes(VectorOperators.ADD);
        float s21 = a21.reduceLanes(VectorOperators.ADD);
        float s22 = a22.reduceLanes(VectorOperators.ADD);
        float s23 = a23.reduceLanes(VectorOperators.ADD);
        float s30 = a30.reduceLanes(VectorOperators.ADD);
        float s31 = a31.reduceLanes(VectorOperators.ADD);
        float s32 = a32.reduceLanes(VectorOperators.ADD);
        float s33 = a33.reduceLanes(VectorOperators.ADD);
        for (int k = bound; k < in; k++) {
            float v0 = x[x0 + k];
            float v1 = x[x1 + k];
            float v2 = x[x2 + k];
            float v3 = x[x3 + k];
            float w0 = w.getFloat(r0 + 4 * k);
            s00 += w0 * v0;
            s01 += w0 * v1;
            s02 += w0 * v2;
            s03 += w0 * v3;
            float w1 = w.getFloat(r1 + 4 * k);
            s10 += w1 * v0;
            s11 += w1 * v1;
            s12 += w1 * v2;
            s13 += w1 * v3;
            float w2 = w.getFloat(r2 + 4 * k);
            s20 += w2 * v0;
            s21 += w2 * v1;
            s22 += w2 * v2;
            s23 += w2 * v3;
            float w3 = w.getFloat(r3 + 4 * k);
            s30 += w3 * v0;
            s31 += w3 * v1;
            s32 += w3 * v2;
            s33 += w3 * v3;
        }
        store(y, y0, n, s00, s10, s20, s30, bias, o);
        store(y, y0 + 1 * yStride, n, s01, s11, s21, s31, bias, o);
        store(y, y0 + 2 * yStride, n, s02, s12, s22, s32, bias, o);
        store(y, y0 + 3 * yStride, n, s03, s13, s23, s33, bias, o);
    }

    @Override
    public String name() {
        return "vector(" + S.vectorBitSize() + "-bit)";
    }

    @Override
    public String toString() {
        return "VectorMatVec[" + S + ", " + par + "]";
    }
}
