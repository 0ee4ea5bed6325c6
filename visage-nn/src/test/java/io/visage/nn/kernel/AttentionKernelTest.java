package io.visage.nn.kernel;

import io.visage.nn.testing.TensorAssert;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttentionKernelTest {
    private static Parallelism par;

    @BeforeAll
    static void setUp() {
        par = new Parallelism(2);
    }

    @AfterAll
    static void tearDown() {
        par.close();
    }

    /** Per (b, h): scores in double, softmax in double, weighted sum in double. */
    static float[] naive(float[] q, float[][][][] k, float[][][][] v, int batch, int heads, int dh, int length) {
        float[] out = new float[batch * heads * dh];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                double[] s = new double[length];
                double max = Double.NEGATIVE_INFINITY;
                for (int t = 0; t < length; t++) {
                    for (int d = 0; d < dh; d++) {
                        s[t] += (double) q[(b * heads + h) * dh + d] * k[b][h][t][d];
                    }
                    max = Math.max(max, s[t]);
                }
                double sum = 0;
                for (int t = 0; t < length; t++) {
                    s[t] = Math.exp(s[t] - max);
                    sum += s[t];
                }
                for (int d = 0; d < dh; d++) {
                    double o = 0;
                    for (int t = 0; t < length; t++) {
                        o += s[t] / sum * v[b][h][t][d];
                    }
                    out[(b * heads + h) * dh + d] = (float) o;
                }
            }
        }
        return out;
    }

    static float[][][][] random4(SplittableRandom rnd, int b, int h, int t, int d) {
        float[][][][] a = new float[b][h][t][d];
        for (float[][][] x : a) {
            for (float[][] y : x) {
                for (float[] z : y) {
                    for (int i = 0; i < d; i++) {
                        z[i] = (float) (rnd.nextDouble() * 4 - 2);
                    }
                }
            }
        }
        return a;
    }

    /** Appends positions one at a time through KvLayout.write, as a decoder step does. */
    static float[] fill(KvLayout layout, float[][][][] src, int length) {
        float[] cache = new float[layout.size()];
        int width = layout.width();
        for (int t = 0; t < length; t++) {
            float[] step = new float[layout.batch() * width]; // one step's projection [B, H*Dh]
            for (int b = 0; b < layout.batch(); b++) {
                for (int h = 0; h < layout.heads(); h++) {
                    System.arraycopy(src[b][h][t], 0, step, b * width + h * layout.headDim(), layout.headDim());
                }
            }
            layout.write(cache, t, step, 0, width);
        }
        return cache;
    }

    @Test
    void attend_vectorAndScalar_matchNaive() {
        SplittableRandom rnd = new SplittableRandom(21);
        int[][] cases = { // B, H, Dh, L, Tmax
            {2, 3, 5, 1, 4},
            {2, 3, 16, 1, 1},
            {2, 2, 64, 7, 9},
            {1, 4, 19, 37, 40},
            {2, 16, 64, 130, 200},
            {3, 1, 33, 5, 5},
            {2, 2, 17, 4, 8}
        };
        for (int[] c : cases) {
            int batch = c[0];
            int heads = c[1];
            int dh = c[2];
            int length = c[3];
            KvLayout layout = new KvLayout(batch, heads, c[4], dh);
            float[][][][] k = random4(rnd, batch, heads, c[4], dh);
            float[][][][] v = random4(rnd, batch, heads, c[4], dh);
            float[] keys = fill(layout, k, c[4]); // positions >= L hold data that must be ignored
            float[] values = fill(layout, v, c[4]);
            float[] q = MatVecTest.random(rnd, batch * heads * dh);
            for (int i = 0; i < q.length; i++) {
                q[i] /= (float) Math.sqrt(dh) / 2;
            }
            float[] expected = naive(q, k, v, batch, heads, dh, length);
            for (boolean vector : new boolean[] {true, false}) {
                float[] out = new float[3 + q.length];
                new AttentionKernel(par, vector).attend(q, 0, keys, values, layout, length, out, 3);
                TensorAssert.assertClose(
                        (vector ? "vector " : "scalar ") + layout + " L=" + length,
                        new long[] {batch, heads, dh},
                        expected,
                        java.util.Arrays.copyOfRange(out, 3, out.length),
                        1e-4,
                        1e-5);
            }
        }
    }

    @Test
    void attend_lengthOne_returnsFirstValueRow() {
        SplittableRandom rnd = new SplittableRandom(22);
        KvLayout layout = new KvLayout(2, 3, 6, 7);
        float[][][][] v = random4(rnd, 2, 3, 6, 7);
        float[] keys = fill(layout, random4(rnd, 2, 3, 6, 7), 6);
        float[] values = fill(layout, v, 6);
        float[] q = MatVecTest.random(rnd, 2 * 3 * 7);
        float[] out = new float[q.length];
        new AttentionKernel(par).attend(q, 0, keys, values, layout, 1, out, 0);
        float[] expected = new float[q.length];
        for (int b = 0; b < 2; b++) {
            for (int h = 0; h < 3; h++) {
                System.arraycopy(v[b][h][0], 0, expected, (b * 3 + h) * 7, 7);
            }
        }
        TensorAssert.assertClose("L=1", new long[] {2, 3, 7}, expected, out, 1e-6, 1e-7);
    }

    @Test
    void attend_batchRowsWithDifferentData_areIndependent() {
        SplittableRandom rnd = new SplittableRandom(23);
        int heads = 4;
        int dh = 16;
        int length = 9;
        KvLayout two = new KvLayout(2, heads, 12, dh);
        KvLayout one = new KvLayout(1, heads, 12, dh);
        float[][][][] k = random4(rnd, 2, heads, 12, dh);
        float[][][][] v = random4(rnd, 2, heads, 12, dh);
        float[] q = MatVecTest.random(rnd, 2 * heads * dh);
        float[] out = new float[q.length];
        AttentionKernel kernel = new AttentionKernel(par);
        kernel.attend(q, 0, fill(two, k, 12), fill(two, v, 12), two, length, out, 0);
        for (int b = 0; b < 2; b++) {
            float[][][][] kb = {k[b]};
            float[][][][] vb = {v[b]};
            float[] alone = new float[heads * dh];
            kernel.attend(q, b * heads * dh, fill(one, kb, 12), fill(one, vb, 12), one, length, alone, 0);
            TensorAssert.assertClose(
                    "row " + b,
                    new long[] {heads, dh},
                    alone,
                    java.util.Arrays.copyOfRange(out, b * heads * dh, (b + 1) * heads * dh),
                    0,
                    0);
        }
        float[] inPlace = q.clone();
        kernel.attend(inPlace, 0, fill(two, k, 12), fill(two, v, 12), two, length, inPlace, 0);
        TensorAssert.assertClose("in place", new long[] {2, heads, dh}, out, inPlace, 0, 0);
    }

    @Test
    void attend_crossAttentionFromEncoderOutput_matchesNaive() {
        SplittableRandom rnd = new SplittableRandom(24);
        int batch = 2;
        int heads = 2;
        int dh = 8;
        int s = 11;
        int width = heads * dh;
        float[] encK = MatVecTest.random(rnd, batch * s * width); // projected encoder keys [B, S, D]
        float[] encV = MatVecTest.random(rnd, batch * s * width);
        KvLayout layout = new KvLayout(batch, heads, s, dh);
        float[] keys = new float[layout.size()];
        float[] values = new float[layout.size()];
        for (int t = 0; t < s; t++) {
            layout.write(keys, t, encK, t * width, s * width);
            layout.write(values, t, encV, t * width, s * width);
        }
        float[][][][] k = new float[batch][heads][s][dh];
        float[][][][] v = new float[batch][heads][s][dh];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int t = 0; t < s; t++) {
                    for (int d = 0; d < dh; d++) {
                        k[b][h][t][d] = encK[(b * s + t) * width + h * dh + d];
                        v[b][h][t][d] = encV[(b * s + t) * width + h * dh + d];
                    }
                }
            }
        }
        float[] q = MatVecTest.random(rnd, batch * width);
        float[] out = new float[q.length];
        new AttentionKernel(par).attend(q, 0, keys, values, layout, s, out, 0);
        TensorAssert.assertClose(
                "cross", new long[] {batch, heads, dh}, naive(q, k, v, batch, heads, dh, s), out, 1e-4, 1e-5);
    }

    @Test
    void attend_badArguments_throwWithContext() {
        KvLayout layout = new KvLayout(2, 2, 4, 3);
        float[] cache = new float[layout.size()];
        float[] q = new float[12];
        AttentionKernel kernel = new AttentionKernel(par);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> kernel.attend(q, 0, cache, cache, layout, 5, q, 0));
        assertTrue(e.getMessage().contains("length 5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> kernel.attend(q, 0, cache, cache, layout, 0, q, 0));
        assertThrows(IllegalArgumentException.class, () -> kernel.attend(q, 1, cache, cache, layout, 2, q, 1));
        assertThrows(
                IllegalArgumentException.class,
                () -> kernel.attend(q, 0, new float[5], cache, layout, 2, new float[12], 0));
        assertThrows(IllegalArgumentException.class, () -> new KvLayout(0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> layout.write(cache, 4, q, 0, 6));
        assertThrows(IllegalArgumentException.class, () -> layout.write(cache, 0, q, 0, 5));
        assertThrows(IllegalArgumentException.class, () -> layout.write(cache, 0, q, 1, 6));
    }
}
