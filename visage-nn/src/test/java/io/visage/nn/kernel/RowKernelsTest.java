package io.visage.nn.kernel;

import io.visage.nn.testing.TensorAssert;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

class RowKernelsTest {
    private static final int[] WIDTHS = {1, 2, 7, 16, 17, 33, 100, 1027};

    static float[] random(SplittableRandom rnd, int n, double scale, double shift) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale + shift);
        }
        return a;
    }

    /** torch.nn.LayerNorm in double. */
    static float[] layerNormNaive(float[] x, int rows, int n, float[] g, float[] b, float eps) {
        float[] y = new float[rows * n];
        for (int r = 0; r < rows; r++) {
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += x[r * n + i];
            }
            mean /= n;
            double var = 0;
            for (int i = 0; i < n; i++) {
                double d = x[r * n + i] - mean;
                var += d * d;
            }
            var /= n;
            for (int i = 0; i < n; i++) {
                y[r * n + i] = (float) ((x[r * n + i] - mean) / Math.sqrt(var + eps) * g[i] + b[i]);
            }
        }
        return y;
    }

    static float[] softmaxNaive(float[] x, int rows, int n) {
        float[] y = new float[rows * n];
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, x[r * n + i]);
            }
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += Math.exp(x[r * n + i] - max);
            }
            for (int i = 0; i < n; i++) {
                y[r * n + i] = (float) (Math.exp(x[r * n + i] - max) / sum);
            }
        }
        return y;
    }

    @Test
    void layerNorm_vectorAndScalar_matchNaive() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int n : WIDTHS) {
            for (int rows = 1; rows <= 3; rows++) {
                float[] x = random(rnd, 3 + rows * n, 2, 5); // offset mean: the two-pass variance matters
                float[] g = random(rnd, n, 1, 1);
                float[] b = random(rnd, n, 1, 0);
                float[] src = java.util.Arrays.copyOfRange(x, 3, 3 + rows * n);
                float[] expected = layerNormNaive(src, rows, n, g, b, 1e-5f);
                float[] vec = new float[1 + rows * n];
                float[] sca = new float[1 + rows * n];
                VectorRowKernels.layerNorm(x, 3, vec, 1, rows, n, g, b, null, null, 1e-5f);
                RowKernels.layerNormScalar(x, 3, sca, 1, rows, n, g, b, null, null, 1e-5f);
                long[] shape = {rows, n};
                TensorAssert.assertClose("vector n=" + n, shape, expected, tail(vec, 1), 1e-5, 1e-5);
                TensorAssert.assertClose("scalar n=" + n, shape, expected, tail(sca, 1), 1e-5, 1e-5);
                float[] pub = new float[rows * n];
                RowKernels.layerNorm(x, 3, pub, 0, rows, n, g, b, 1e-5f);
                TensorAssert.assertClose("public n=" + n, shape, expected, pub, 1e-5, 1e-5);
            }
        }
    }

    @Test
    void layerNorm_indArrayParamsIncludingViews_matchFloatArrays() {
        SplittableRandom rnd = new SplittableRandom(12);
        for (int n : WIDTHS) {
            float[] x = random(rnd, 2 * n, 1, 0);
            float[] g = random(rnd, n, 1, 1);
            float[] b = random(rnd, n, 1, 0);
            float[] expected = layerNormNaive(x, 2, n, g, b, 1e-5f);
            INDArray gBig = Nd4j.create(random(rnd, n + 9, 1, 0), new long[] {n + 9}, 'c');
            gBig.get(interval(4, 4 + n)).assign(Nd4j.create(g, new long[] {n}, 'c'));
            INDArray gView = gBig.get(interval(4, 4 + n));
            INDArray bArr = Nd4j.create(b, new long[] {1, n}, 'c');
            float[] vec = new float[2 * n];
            float[] sca = new float[2 * n];
            VectorRowKernels.layerNorm(
                    x,
                    0,
                    vec,
                    0,
                    2,
                    n,
                    null,
                    null,
                    DirectFloats.vector("t", "gamma", gView, n),
                    DirectFloats.vector("t", "beta", bArr, n),
                    1e-5f);
            RowKernels.layerNormScalar(
                    x,
                    0,
                    sca,
                    0,
                    2,
                    n,
                    null,
                    null,
                    DirectFloats.vector("t", "gamma", gView, n),
                    DirectFloats.vector("t", "beta", bArr, n),
                    1e-5f);
            TensorAssert.assertClose("vector n=" + n, new long[] {2, n}, expected, vec, 1e-5, 1e-5);
            TensorAssert.assertClose("scalar n=" + n, new long[] {2, n}, expected, sca, 1e-5, 1e-5);
            RowKernels.layerNorm(x, 0, x, 0, 2, n, gView, bArr, 1e-5f); // in place
            TensorAssert.assertClose("in place n=" + n, new long[] {2, n}, expected, x, 1e-5, 1e-5);
        }
    }

    @Test
    void layerNorm_badArguments_throw() {
        float[] x = new float[20];
        assertThrows(
                IllegalArgumentException.class,
                () -> RowKernels.layerNorm(x, 0, x, 0, 2, 10, new float[9], new float[10], 1e-5f));
        assertThrows(
                IllegalArgumentException.class,
                () -> RowKernels.layerNorm(x, 0, x, 1, 2, 10, new float[10], new float[10], 1e-5f));
        assertThrows(
                IllegalArgumentException.class,
                () -> RowKernels.layerNorm(x, 5, x, 5, 2, 10, new float[10], new float[10], 1e-5f));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> RowKernels.layerNorm(
                        x,
                        0,
                        x,
                        0,
                        2,
                        10,
                        Nd4j.create(new float[10], new long[] {10}, 'c')
                                .castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE),
                        Nd4j.ones(10),
                        1e-5f));
        assertTrue(e.getMessage().contains("gamma"), e.getMessage());
    }

    @Test
    void gelu_vectorScalarAndPublic_matchErfDefinition() {
        SplittableRandom rnd = new SplittableRandom(13);
        for (int n : WIDTHS) {
            float[] x = random(rnd, n, 6, 0);
            float[] expected = new float[n];
            for (int i = 0; i < n; i++) {
                expected[i] = (float) ErfTest.geluRef(x[i]);
            }
            float[] vec = new float[n];
            float[] sca = new float[n];
            VectorRowKernels.gelu(x, 0, vec, 0, n);
            RowKernels.geluScalar(x, 0, sca, 0, n);
            TensorAssert.assertClose("vector", new long[] {n}, expected, vec, 0, 1e-6);
            TensorAssert.assertClose("scalar", new long[] {n}, expected, sca, 0, 1e-6);
            RowKernels.gelu(x, 0, x, 0, n); // in place
            TensorAssert.assertClose("in place", new long[] {n}, expected, x, 0, 1e-6);
        }
    }

    @Test
    void softmax_vectorAndScalar_matchNaive() {
        SplittableRandom rnd = new SplittableRandom(14);
        for (int n : WIDTHS) {
            for (int rows = 1; rows <= 3; rows++) {
                float[] x = random(rnd, 2 + rows * n, 20, 30); // large values: needs the max shift
                if (n > 3) {
                    x[2 + 1] = Float.NEGATIVE_INFINITY; // a masked entry
                }
                float[] expected = softmaxNaive(tail(x, 2), rows, n);
                float[] vec = x.clone();
                float[] sca = x.clone();
                VectorRowKernels.softmax(vec, 2, rows, n);
                RowKernels.softmaxScalar(sca, 2, rows, n);
                TensorAssert.assertClose("vector n=" + n, new long[] {rows, n}, expected, tail(vec, 2), 1e-5, 1e-7);
                TensorAssert.assertClose("scalar n=" + n, new long[] {rows, n}, expected, tail(sca, 2), 1e-5, 1e-7);
                assertEquals(x[0], vec[0]);
                RowKernels.softmax(x, 2, rows, n);
                TensorAssert.assertClose("public n=" + n, new long[] {rows, n}, expected, tail(x, 2), 1e-5, 1e-7);
            }
        }
    }

    @Test
    void softmax_allMaskedRow_isNaNLikeTorch() {
        float[] x = new float[40];
        java.util.Arrays.fill(x, Float.NEGATIVE_INFINITY);
        float[] y = x.clone();
        VectorRowKernels.softmax(x, 0, 1, 40);
        RowKernels.softmaxScalar(y, 0, 1, 40);
        assertTrue(Float.isNaN(x[0]) && Float.isNaN(x[39]) && Float.isNaN(y[0]));
    }

    @Test
    void add_residual_addsElementwise() {
        float[] acc = {1, 2, 3, 4, 5};
        float[] delta = {9, 10, 20, 30};
        RowKernels.add(acc, 1, delta, 1, 3);
        TensorAssert.assertClose("add", new long[] {5}, new float[] {1, 12, 23, 34, 5}, acc, 0, 0);
        assertThrows(IllegalArgumentException.class, () -> RowKernels.add(acc, 3, delta, 0, 3));
    }

    private static float[] tail(float[] a, int from) {
        return java.util.Arrays.copyOfRange(a, from, a.length);
    }

    @Test
    void layerNorm_normWeights_equalsTheArrayForm() {
        SplittableRandom rnd = new SplittableRandom(9);
        int rows = 3;
        int n = 45;
        float[] x = new float[rows * n];
        float[] g = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < n; i++) {
            g[i] = (float) rnd.nextGaussian();
            b[i] = (float) rnd.nextGaussian();
        }
        float[] expected = new float[x.length];
        float[] actual = new float[x.length];
        RowKernels.layerNorm(x, 0, expected, 0, rows, n, g, b, 1e-5f);
        NormWeights w =
                new NormWeights(Nd4j.create(g, new long[] {n}, 'c'), Nd4j.create(b, new long[] {n}, 'c'), 1e-5f);
        RowKernels.layerNorm(x, 0, actual, 0, rows, w);
        assertArrayEquals(expected, actual);
        assertEquals(n, w.width());
        assertThrows(IllegalArgumentException.class, () -> new NormWeights(Nd4j.ones(n), Nd4j.zeros(n), 0f));
    }
}
