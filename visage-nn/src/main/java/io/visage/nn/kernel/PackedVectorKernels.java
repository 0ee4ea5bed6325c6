package io.visage.nn.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API products with {@link PackedWeights} (bf16 or int8 weights, float32 accumulation),
 * without cross-lane conversions: one int lane holds 2 bf16 (or 4 int8) neighbouring weights, so a
 * load of L ints gives L-lane float vectors of the even and odd bf16 elements by a shift and a mask
 * ({@code bits << 16}, {@code bits & 0xFFFF0000}), or of the four int8 byte positions by two shifts
 * and a conversion. {@code x} is de-interleaved to match once per call (even/odd, or by position mod
 * 4), so each weight vector meets a plain {@code x} vector. Four weight rows (four streams from
 * memory; two measured 20-35 % slower per byte) × two batch rows per pass, one accumulator each;
 * columns past the last full vector step are summed in scalar code.
 *
 * <p>Only load this class when {@code jdk.incubator.vector} is in the boot layer.
 */
final class PackedVectorKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> SI = IntVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Weight bytes per parallel chunk (64-1024 KiB measured within noise; larger means fewer hand-offs). */
    private static final int MIN_CHUNK_BYTES = 256 * 1024;

    private static final IntVector HIGH_HALVES = IntVector.broadcast(SI, 0xFFFF0000);

    private PackedVectorKernels() {}

    static void multiply(
            Parallelism par, PackedWeights w, DirectFloats bias, float[] x, int xOff, float[] y, int yOff, int batch) {
        int in = w.cols();
        int out = w.rows();
        int group = w.format() == WeightFormat.BF16 ? 2 : 4;
        int span = L * group;
        int main = in - in % span;
        int lanes = main / group; // de-interleaved length of one position class
        float[] xs = new float[batch * main];
        for (int b = 0; b < batch; b++) {
            int src = xOff + b * in;
            int dst = b * main;
            for (int j = 0; j < lanes; j++) {
                for (int m = 0; m < group; m++) {
                    xs[dst + m * lanes + j] = x[src + group * j + m];
                }
            }
        }
        int rowBytes = Math.max(1, in * w.format().bytesPerWeight());
        int grain = Math.max(4, MIN_CHUNK_BYTES / rowBytes / 4 * 4);
        par.forRange(0, out, grain, (from, to) -> {
            int[] rows = new int[4];
            float[] sums = new float[8];
            for (int o = from; o < to; o += 4) {
                int n = Math.min(4, to - o);
                for (int i = 0; i < 4; i++) {
                    rows[i] = w.rowByte(o + Math.min(i, n - 1));
                }
                for (int b = 0; b < batch; b += 2) {
                    int b1 = Math.min(b + 1, batch - 1);
                    if (group == 2) {
                        bf16Block(w.data(), rows, xs, b * main, b1 * main, lanes, sums);
                    } else {
                        int8Block(w.data(), rows, xs, b * main, b1 * main, lanes, sums);
                    }
                    for (int i = 0; i < n; i++) {
                        store(w, bias, x, xOff, y, yOff, in, out, main, o + i, b, sums[2 * i]);
                        if (b1 > b) {
                            store(w, bias, x, xOff, y, yOff, in, out, main, o + i, b1, sums[2 * i + 1]);
                        }
                    }
                }
            }
        });
    }

    /** Adds the scalar tail columns, applies the INT8 scale and the bias, stores y[b][o]. */
    private static void store(
            PackedWeights w,
            DirectFloats bias,
            float[] x,
            int xOff,
            float[] y,
            int yOff,
            int in,
            int out,
            int main,
            int o,
            int b,
            float sum) {
        float acc = w.format() == WeightFormat.INT8 ? sum * w.scales()[o] : sum;
        for (int k = main; k < in; k++) {
            acc += w.get(o, k) * x[xOff + b * in + k];
        }
        y[yOff + b * out + o] = acc + (bias == null ? 0f : bias.get(o));
    }

    /**
     * Four weight rows (byte offsets {@code r[0..3]}, repeated when fewer remain) × the x rows at
     * {@code x0} and {@code x1} (de-interleaved even/odd): {@code sums[2i + j]} for row i, x row j.
     */
    private static void bf16Block(ByteBuffer d, int[] r, float[] xs, int x0, int x1, int lanes, float[] sums) {
        int r0 = r[0];
        int r1 = r[1];
        int r2 = r[2];
        int r3 = r[3];
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S);
        FloatVector a11 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S);
        FloatVector a21 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S);
        FloatVector a31 = FloatVector.zero(S);
        for (int j = 0; j < lanes; j += L) {
            FloatVector e0 = FloatVector.fromArray(S, xs, x0 + j);
            FloatVector d0 = FloatVector.fromArray(S, xs, x0 + lanes + j);
            FloatVector e1 = FloatVector.fromArray(S, xs, x1 + j);
            FloatVector d1 = FloatVector.fromArray(S, xs, x1 + lanes + j);
            IntVector i0 = IntVector.fromByteBuffer(SI, d, r0 + 4 * j, LE);
            FloatVector lo = i0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector hi = i0.and(HIGH_HALVES).reinterpretAsFloats();
            a00 = hi.fma(d0, lo.fma(e0, a00));
            a01 = hi.fma(d1, lo.fma(e1, a01));
            IntVector i1 = IntVector.fromByteBuffer(SI, d, r1 + 4 * j, LE);
            lo = i1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            hi = i1.and(HIGH_HALVES).reinterpretAsFloats();
            a10 = hi.fma(d0, lo.fma(e0, a10));
            a11 = hi.fma(d1, lo.fma(e1, a11));
            IntVector i2 = IntVector.fromByteBuffer(SI, d, r2 + 4 * j, LE);
            lo = i2.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            hi = i2.and(HIGH_HALVES).reinterpretAsFloats();
            a20 = hi.fma(d0, lo.fma(e0, a20));
            a21 = hi.fma(d1, lo.fma(e1, a21));
            IntVector i3 = IntVector.fromByteBuffer(SI, d, r3 + 4 * j, LE);
            lo = i3.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            hi = i3.and(HIGH_HALVES).reinterpretAsFloats();
            a30 = hi.fma(d0, lo.fma(e0, a30));
            a31 = hi.fma(d1, lo.fma(e1, a31));
        }
        reduceInto(sums, a00, a01, a10, a11, a20, a21, a30, a31);
    }

    /** As {@link #bf16Block} for int8 (x de-interleaved by position mod 4); the sums are unscaled. */
    private static void int8Block(ByteBuffer d, int[] r, float[] xs, int x0, int x1, int lanes, float[] sums) {
        int r0 = r[0];
        int r1 = r[1];
        int r2 = r[2];
        int r3 = r[3];
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S);
        FloatVector a11 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S);
        FloatVector a21 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S);
        FloatVector a31 = FloatVector.zero(S);
        for (int j = 0; j < lanes; j += L) {
            IntVector i0 = IntVector.fromByteBuffer(SI, d, r0 + 4 * j, LE);
            IntVector i1 = IntVector.fromByteBuffer(SI, d, r1 + 4 * j, LE);
            IntVector i2 = IntVector.fromByteBuffer(SI, d, r2 + 4 * j, LE);
            IntVector i3 = IntVector.fromByteBuffer(SI, d, r3 + 4 * j, LE);
            for (int m = 0; m < 4; m++) {
                FloatVector e0 = FloatVector.fromArray(S, xs, x0 + m * lanes + j);
                FloatVector e1 = FloatVector.fromArray(S, xs, x1 + m * lanes + j);
                FloatVector p = byteLane(i0, m);
                a00 = p.fma(e0, a00);
                a01 = p.fma(e1, a01);
                p = byteLane(i1, m);
                a10 = p.fma(e0, a10);
                a11 = p.fma(e1, a11);
                p = byteLane(i2, m);
                a20 = p.fma(e0, a20);
                a21 = p.fma(e1, a21);
                p = byteLane(i3, m);
                a30 = p.fma(e0, a30);
                a31 = p.fma(e1, a31);
            }
        }
        reduceInto(sums, a00, a01, a10, a11, a20, a21, a30, a31);
    }

    /** Byte {@code m} (0 = lowest) of every int lane, sign-extended, as float. */
    private static FloatVector byteLane(IntVector v, int m) {
        IntVector shifted = m == 3 ? v : v.lanewise(VectorOperators.LSHL, 24 - 8 * m);
        return (FloatVector) shifted.lanewise(VectorOperators.ASHR, 24).convert(VectorOperators.I2F, 0);
    }

    /** The lane sums of the eight accumulators, in row-major (row, x row) order. */
    private static void reduceInto(
            float[] sums,
            FloatVector a00,
            FloatVector a01,
            FloatVector a10,
            FloatVector a11,
            FloatVector a20,
            FloatVector a21,
            FloatVector a30,
            FloatVector a31) {
        sums[0] = a00.reduceLanes(VectorOperators.ADD);
        sums[1] = a01.reduceLanes(VectorOperators.ADD);
        sums[2] = a10.reduceLanes(VectorOperators.ADD);
        sums[3] = a11.reduceLanes(VectorOperators.ADD);
        sums[4] = a20.reduceLanes(VectorOperators.ADD);
        sums[5] = a21.reduceLanes(VectorOperators.ADD);
        sums[6] = a30.reduceLanes(VectorOperators.ADD);
        sums[7] = a31.reduceLanes(VectorOperators.ADD);
    }
}
