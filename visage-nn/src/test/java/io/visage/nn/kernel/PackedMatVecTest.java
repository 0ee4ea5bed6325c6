package io.visage.nn.kernel;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BF16 and INT8 weights: the conversions, and every kernel against a naive float64 product of the stored weights. */
class PackedMatVecTest {

    private static INDArray randomMatrix(SplittableRandom r, int rows, int cols, double scale) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (scale * r.nextGaussian());
        }
        return Nd4j.create(v, new long[] {rows, cols}, DataType.FLOAT);
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @Test
    void toBf16_roundsToNearestEven_andKeepsSpecials() {
        assertEquals(1.0f, WeightFormat.fromBf16(WeightFormat.toBf16(1.0f)));
        // 1 + 2^-8 is half-way between 1 and 1 + 2^-7: ties go to the even mantissa (1.0)
        assertEquals(1.0f, WeightFormat.fromBf16(WeightFormat.toBf16(1f + 0x1p-8f)));
        // 1 + 3·2^-8 is half-way between 1 + 2^-7 and 1 + 2^-6: even is 1 + 2^-6
        assertEquals(1f + 0x1p-6f, WeightFormat.fromBf16(WeightFormat.toBf16(1f + 3 * 0x1p-8f)));
        // just above half-way rounds up
        assertEquals(1f + 0x1p-7f, WeightFormat.fromBf16(WeightFormat.toBf16(1f + 0x1p-8f + 0x1p-20f)));
        assertEquals(Float.POSITIVE_INFINITY, WeightFormat.fromBf16(WeightFormat.toBf16(Float.POSITIVE_INFINITY)));
        assertTrue(Float.isNaN(WeightFormat.fromBf16(WeightFormat.toBf16(Float.NaN))));
        assertEquals(-0.0f, WeightFormat.fromBf16(WeightFormat.toBf16(-0.0f)));
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 10_000; i++) {
            float v = (float) (r.nextGaussian() * Math.exp(r.nextGaussian() * 10));
            float b = WeightFormat.fromBf16(WeightFormat.toBf16(v));
            assertTrue(Math.abs(b - v) <= Math.abs(v) * 0x1p-8, v + " -> " + b + " (relative error above 2^-8)");
        }
    }

    @Test
    void int8_perRowScales_quantiseWithinHalfAStep() {
        SplittableRandom r = new SplittableRandom(6);
        INDArray w = randomMatrix(r, 7, 45, 0.3);
        w.putScalar(new long[] {3, 10}, 0f);
        for (int k = 0; k < 45; k++) {
            w.putScalar(new long[] {5, k}, 0f); // an all-zero row
        }
        DenseWeights d = new DenseWeights(w, null, WeightFormat.INT8);
        assertEquals(WeightFormat.INT8, d.format());
        for (int o = 0; o < 7; o++) {
            double max = 0;
            for (int k = 0; k < 45; k++) {
                max = Math.max(max, Math.abs(w.getFloat(o, k)));
            }
            double step = max / 127;
            for (int k = 0; k < 45; k++) {
                assertEquals(w.getFloat(o, k), d.storedWeight(o, k), step / 2 + 1e-7, "[" + o + ", " + k + "]");
            }
        }
        assertEquals(0f, d.storedWeight(5, 3));
        assertEquals(7L * 45 + 4L * 7, d.bytes(), "int8 bytes plus one scale per row");
        assertEquals(7L * 45 * 2, d.as(WeightFormat.BF16).bytes());
        assertSame(d, d.as(WeightFormat.INT8));
    }

    /** y = x · storedᵀ + bias in float64. */
    private static float[] naive(DenseWeights w, INDArray bias, float[] x, int batch) {
        int in = w.in();
        int out = w.out();
        float[] y = new float[batch * out];
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < out; o++) {
                double s = bias == null ? 0 : bias.getFloat(o);
                for (int k = 0; k < in; k++) {
                    s += (double) w.storedWeight(o, k) * x[b * in + k];
                }
                y[b * out + o] = (float) s;
            }
        }
        return y;
    }

    @ParameterizedTest
    @EnumSource(
            value = WeightFormat.class,
            names = {"BF16", "INT8"})
    void everyKernel_matchesTheNaiveProductOfTheStoredWeights(WeightFormat format) {
        SplittableRandom r = new SplittableRandom(format.ordinal() * 31L + 1);
        int[][] shapes = {{1, 1}, {3, 17}, {5, 64}, {33, 100}, {64, 256}, {129, 1024}, {7, 1000}, {2, 4096}};
        for (int threads = 1; threads <= 3; threads++) {
            try (Parallelism par = new Parallelism(threads)) {
                List<MatVec> kernels = List.of(new VectorMatVec(par), new ScalarMatVec(par), new NaiveMatVec());
                for (int[] sh : shapes) {
                    int out = sh[0];
                    int in = sh[1];
                    INDArray w = randomMatrix(r, out, in, 1.0 / Math.sqrt(in));
                    INDArray bias =
                            r.nextBoolean() ? Nd4j.create(random(r, out), new long[] {out}, DataType.FLOAT) : null;
                    DenseWeights d = new DenseWeights(w, bias, format);
                    for (int batch = 1; batch <= 5; batch++) {
                        float[] x = random(r, batch * in + 3);
                        float[] xb = java.util.Arrays.copyOfRange(x, 3, x.length);
                        float[] expected = naive(d, bias, xb, batch);
                        for (MatVec mv : kernels) {
                            float[] y = new float[batch * out + 2];
                            y[0] = 42f;
                            mv.multiply(d, x, 3, y, 1, batch);
                            assertEquals(42f, y[0], "writes nothing before yOff");
                            assertEquals(0f, y[y.length - 1], "writes nothing after the output");
                            for (int i = 0; i < expected.length; i++) {
                                double tol = 1e-5 * (1 + Math.abs(expected[i])) + 2e-6 * Math.sqrt(in);
                                assertEquals(
                                        expected[i],
                                        y[1 + i],
                                        tol,
                                        mv.name() + " " + format + " [" + out + ", " + in + "] batch " + batch
                                                + " threads " + threads + " element " + i);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void packedWeights_stayCloseToFloat32() {
        SplittableRandom r = new SplittableRandom(9);
        int out = 256;
        int in = 1024;
        INDArray w = randomMatrix(r, out, in, 1.0 / Math.sqrt(in));
        float[] x = random(r, in);
        try (Parallelism par = new Parallelism(2)) {
            MatVec mv = new VectorMatVec(par);
            float[] ref = new float[out];
            mv.multiply(new DenseWeights(w, null), x, 0, ref, 0, 1);
            for (WeightFormat f : List.of(WeightFormat.BF16, WeightFormat.INT8)) {
                float[] y = new float[out];
                mv.multiply(new DenseWeights(w, null, f), x, 0, y, 0, 1);
                double num = 0;
                double den = 0;
                for (int o = 0; o < out; o++) {
                    num += (y[o] - ref[o]) * (y[o] - ref[o]);
                    den += ref[o] * ref[o];
                }
                double rel = Math.sqrt(num / den);
                // bf16 keeps 8 significant bits (relative error per weight <= 2^-9), int8 7 bits of the row max
                assertTrue(rel < (f == WeightFormat.BF16 ? 0.01 : 0.03), f + ": relative RMS error " + rel);
                assertTrue(rel > 0, f + ": differs from fp32 at all");
            }
        }
    }

    @Test
    void parse_namesAndErrors() {
        assertEquals(WeightFormat.BF16, WeightFormat.parse("bf16"));
        assertEquals(WeightFormat.INT8, WeightFormat.parse(" INT8 "));
        assertEquals("fp32", WeightFormat.FP32.label());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WeightFormat.parse("fp16"));
        assertTrue(e.getMessage().contains("fp16") && e.getMessage().contains("bf16"), e.getMessage());
    }
}
