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
 * 4), so each weight vector meets a plain {@code x} vector. Two weight rows × two batch rows per
 * pass, two accumulators each; columns past the last full vector step are summed in scalar code.
 *
 * <p>Only load this class when {@code jdk.incubator.vector} is in the boot layer.
 */
final class PackedVectorKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> SI = IntVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int MIN_CHUNK_BYTES = 64 * 1024;

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
        int grain = Math.max(2, MIN_CHUNK_BYTES / rowBytes / 2 * 2);
        par.forRange(0, out, grain, (from, to) -> {
            for (int o = from; o < to; o += 2) {
                int o1 = Math.min(o + 1, to - 1);
                for (int b = 0; b < batch; b += 2) {
                    int b1 = Math.min(b + 1, batch - 1);
                    float[] s = group == 2
                            ? bf16Block(w, o, o1, xs, b * main, b1 * main, lanes)
                            : int8Block(w, o, o1, xs, b * main, b1 * main, lanes);
                    finish(w, bias, x, xOff, y, yOff, in, out, main, o, o1, b, b1, s);
                }
            }
        });
    }

    /** Adds the scalar tail columns, applies INT8 scales and the bias, stores up to 2×2 results. */
    private static void finish(
            PackedWeights w,
            DirectFloats bias,
            float[] x,
            int xOff,
            float[] y,
            int yOff,
            int in,
            int out,
            int main,
            int o0,
            int o1,
            int b0,
            int b1,
            float[] s) {
        int[] rows = {o0, o1};
        int[] bs = {b0, b1};
        for (int i = 0; i < (o1 > o0 ? 2 : 1); i++) {
            int o = rows[i];
            for (int j = 0; j < (b1 > b0 ? 2 : 1); j++) {
                int b = bs[j];
                float acc = s[2 * i + j];
                if (w.format() == WeightFormat.INT8) {
                    acc *= w.scales()[o];
                }
                for (int k = main; k < in; k++) {
                    acc += w.get(o, k) * x[xOff + b * in + k];
                }
                y[yOff + b * out + o] = acc + (bias == null ? 0f : bias.get(o));
            }
        }
    }

    /** Rows o0, o1 × x rows at x0, x1 (de-interleaved): {s00, s01, s10, s11}. */
    private static float[] bf16Block(PackedWeights w, int o0, int o1, float[] xs, int x0, int x1, int lanes) {
        ByteBuffer d = w.data();
        int r0 = w.rowByte(o0);
        int r1 = w.rowByte(o1);
        FloatVector a00 = FloatVector.zero(S);
        FloatVector c00 = FloatVector.zero(S);
        FloatVector a01 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector a11 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        for (int j = 0; j < lanes; j += L) {
            FloatVector e0 = FloatVector.fromArray(S, xs, x0 + j);
            FloatVector d0 = FloatVector.fromArray(S, xs, x0 + lanes + j);
            FloatVector e1 = FloatVector.fromArray(S, xs, x1 + j);
            FloatVector d1 = FloatVector.fromArray(S, xs, x1 + lanes + j);
            IntVector i0 = IntVector.fromByteBuffer(SI, d, r0 + 4 * j, LE);
            FloatVector lo0 = i0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector hi0 = i0.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats();
            a00 = lo0.fma(e0, a00);
            c00 = hi0.fma(d0, c00);
            a01 = lo0.fma(e1, a01);
            c01 = hi0.fma(d1, c01);
            IntVector i1 = IntVector.fromByteBuffer(SI, d, r1 + 4 * j, LE);
            FloatVector lo1 = i1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector hi1 = i1.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats();
            a10 = lo1.fma(e0, a10);
            c10 = hi1.fma(d0, c10);
            a11 = lo1.fma(e1, a11);
            c11 = hi1.fma(d1, c11);
        }
        return new float[] {
            a00.add(c00).reduceLanes(VectorOperators.ADD),
            a01.add(c01).reduceLanes(VectorOperators.ADD),
            a10.add(c10).reduceLanes(VectorOperators.ADD),
            a11.add(c11).reduceLanes(VectorOperators.ADD)
        };
    }

    /** Rows o0, o1 × x rows at x0, x1 (de-interleaved by position mod 4): unscaled {s00, s01, s10, s11}. */
    private static float[] int8Block(PackedWeights w, int o0, int o1, float[] xs, int x0, int x1, int lanes) {
        ByteBuffer d = w.data();
        int r0 = w.rowByte(o0);
        int r1 = w.rowByte(o1);
        FloatVector a00 = FloatVector.zero(S);
        FloatVector c00 = FloatVector.zero(S);
        FloatVector a01 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector a11 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        for (int j = 0; j < lanes; j += L) {
            IntVector i0 = IntVector.fromByteBuffer(SI, d, r0 + 4 * j, LE);
            IntVector i1 = IntVector.fromByteBuffer(SI, d, r1 + 4 * j, LE);
            for (int m = 0; m < 4; m += 2) {
                FloatVector e0 = FloatVector.fromArray(S, xs, x0 + m * lanes + j);
                FloatVector e1 = FloatVector.fromArray(S, xs, x1 + m * lanes + j);
                FloatVector g0 = FloatVector.fromArray(S, xs, x0 + (m + 1) * lanes + j);
                FloatVector g1 = FloatVector.fromArray(S, xs, x1 + (m + 1) * lanes + j);
                FloatVector p0 = byteLane(i0, m);
                FloatVector q0 = byteLane(i0, m + 1);
                a00 = p0.fma(e0, a00);
                c00 = q0.fma(g0, c00);
                a01 = p0.fma(e1, a01);
                c01 = q0.fma(g1, c01);
                FloatVector p1 = byteLane(i1, m);
                FloatVector q1 = byteLane(i1, m + 1);
                a10 = p1.fma(e0, a10);
                c10 = q1.fma(g0, c10);
                a11 = p1.fma(e1, a11);
                c11 = q1.fma(g1, c11);
            }
        }
        return new float[] {
            a00.add(c00).reduceLanes(VectorOperators.ADD),
            a01.add(c01).reduceLanes(VectorOperators.ADD),
            a10.add(c10).reduceLanes(VectorOperators.ADD),
            a11.add(c11).reduceLanes(VectorOperators.ADD)
        };
    }

    /** Byte {@code m} (0 = lowest) of every int lane, sign-extended, as float. */
    private static FloatVector byteLane(IntVector v, int m) {
        IntVector shifted = m == 3 ? v : v.lanewise(VectorOperators.LSHL, 24 - 8 * m);
        return (FloatVector) shifted.lanewise(VectorOperators.ASHR, 24).convert(VectorOperators.I2F, 0);
    }
}
