package io.visage.nn.kernel;

import io.visage.nn.ShapeMismatchException;
import io.visage.nn.testing.TensorAssert;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

class MatVecTest {
    private static Parallelism par;
    private static List<MatVec> fast;

    @BeforeAll
    static void setUp() {
        par = new Parallelism(2);
        fast = List.of(new VectorMatVec(par), new ScalarMatVec(par));
    }

    @AfterAll
    static void tearDown() {
        par.close();
    }

    static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }

    static INDArray matrix(SplittableRandom rnd, int rows, int cols) {
        return Nd4j.create(random(rnd, rows * cols), new long[] {rows, cols}, 'c');
    }

    private static void assertSameAsNaive(
            String label,
            MatVec mv,
            INDArray w,
            INDArray bias,
            int lo,
            int hi,
            float[] x,
            int xOff,
            int xStride,
            int yOff,
            int yStride,
            int batch) {
        int yLen = yOff + (batch - 1) * yStride + (hi - lo) + 3;
        float[] expected = new float[yLen];
        float[] actual = new float[yLen];
        java.util.Arrays.fill(expected, 42f); // untouched gaps must stay 42 in both
        java.util.Arrays.fill(actual, 42f);
        new NaiveMatVec().multiplyRows(w, bias, lo, hi, x, xOff, xStride, expected, yOff, yStride, batch);
        mv.multiplyRows(w, bias, lo, hi, x, xOff, xStride, actual, yOff, yStride, batch);
        double atol = 2e-6 * Math.sqrt(w.size(1)) + 1e-6;
        TensorAssert.assertClose(label + " " + mv.name(), new long[] {yLen}, expected, actual, 1e-5, atol);
    }

    @Test
    void multiply_oddSizesAndBatches_matchesNaive() {
        SplittableRandom rnd = new SplittableRandom(1);
        int[][] shapes = {{1, 1}, {7, 37}, {33, 19}, {5, 1}, {64, 100}, {130, 1025}, {3, 16}, {17, 48}, {9, 2051}};
        for (int[] s : shapes) {
            INDArray w = matrix(rnd, s[0], s[1]);
            INDArray bias = Nd4j.create(random(rnd, s[0]), new long[] {s[0]}, 'c');
            for (int batch : new int[] {1, 2, 3, 4, 5, 8}) {
                float[] x = random(rnd, batch * s[1]);
                for (MatVec mv : fast) {
                    String label = "W" + s[0] + "x" + s[1] + " B=" + batch;
                    assertSameAsNaive(label, mv, w, bias, 0, s[0], x, 0, s[1], 0, s[0], batch);
                    assertSameAsNaive(label + " no bias", mv, w, null, 0, s[0], x, 0, s[1], 0, s[0], batch);
                }
            }
        }
    }

    @Test
    void multiply_defaultMethod_writesPackedRows() {
        SplittableRandom rnd = new SplittableRandom(2);
        INDArray w = matrix(rnd, 9, 21);
        INDArray bias = Nd4j.create(random(rnd, 9), new long[] {9}, 'c');
        float[] x = random(rnd, 2 + 3 * 21);
        for (MatVec mv : fast) {
            float[] expected = new float[5 + 3 * 9];
            float[] actual = new float[5 + 3 * 9];
            new NaiveMatVec().multiply(w, bias, x, 2, expected, 5, 3);
            mv.multiply(w, bias, x, 2, actual, 5, 3);
            TensorAssert.assertClose(mv.name(), new long[] {expected.length}, expected, actual, 1e-5, 1e-5);
        }
    }

    @Test
    void naive_againstNd4jGemm_agrees() {
        SplittableRandom rnd = new SplittableRandom(3);
        INDArray w = matrix(rnd, 11, 23);
        INDArray bias = Nd4j.create(random(rnd, 11), new long[] {11}, 'c');
        float[] x = random(rnd, 2 * 23);
        INDArray expected =
                Nd4j.create(x, new long[] {2, 23}, 'c').mmul(w.transpose()).addRowVector(bias);
        float[] y = new float[2 * 11];
        new NaiveMatVec().multiply(w, bias, x, 0, y, 0, 2);
        TensorAssert.assertClose(
                "naive vs nd4j", new long[] {2, 11}, expected.dup('c').data().asFloat(), y, 1e-5, 1e-5);
    }

    @Test
    void multiplyRows_subsetWithStrides_matchesNaiveAndLeavesGaps() {
        SplittableRandom rnd = new SplittableRandom(4);
        INDArray w = matrix(rnd, 3 * 37, 29); // a stacked q/k/v-like weight
        INDArray bias = Nd4j.create(random(rnd, 3 * 37), new long[] {3 * 37}, 'c');
        for (int batch : new int[] {1, 2, 3}) {
            float[] x = random(rnd, 7 + batch * 40);
            for (MatVec mv : fast) {
                for (int[] r : new int[][] {{37, 74}, {0, 1}, {74, 111}, {5, 6}, {36, 41}, {10, 10}}) {
                    int n = r[1] - r[0];
                    assertSameAsNaive(
                            "rows " + r[0] + ".." + r[1] + " B=" + batch,
                            mv,
                            w,
                            bias,
                            r[0],
                            r[1],
                            x,
                            7,
                            40,
                            3,
                            n + 2,
                            batch);
                }
            }
        }
    }

    @Test
    void multiply_rowRangeView_matchesDuplicate() {
        SplittableRandom rnd = new SplittableRandom(5);
        INDArray big = matrix(rnd, 50, 33);
        INDArray bigBias = Nd4j.create(random(rnd, 50), new long[] {50}, 'c');
        INDArray view = big.get(interval(13, 31), all());
        INDArray biasView = bigBias.get(interval(13, 31));
        assertTrue(view.isView());
        INDArray copy = view.dup('c');
        INDArray biasCopy = biasView.dup('c');
        float[] x = random(rnd, 2 * 33);
        for (MatVec mv : fast) {
            float[] fromView = new float[2 * 18];
            float[] fromCopy = new float[2 * 18];
            mv.multiply(view, biasView, x, 0, fromView, 0, 2);
            new NaiveMatVec().multiply(copy, biasCopy, x, 0, fromCopy, 0, 2);
            TensorAssert.assertClose("view " + mv.name(), new long[] {2, 18}, fromCopy, fromView, 1e-5, 1e-5);
        }
        float[] naiveView = new float[2 * 18];
        float[] naiveCopy = new float[2 * 18];
        new NaiveMatVec().multiply(view, biasView, x, 0, naiveView, 0, 2);
        new NaiveMatVec().multiply(copy, biasCopy, x, 0, naiveCopy, 0, 2);
        TensorAssert.assertClose("naive view", new long[] {2, 18}, naiveCopy, naiveView, 0, 0);
    }

    @Test
    void multiply_nonContiguousWeight_throwsNamingShapeAndOrder() {
        SplittableRandom rnd = new SplittableRandom(6);
        INDArray w = matrix(rnd, 8, 12);
        float[] x = new float[12];
        float[] y = new float[12];
        for (MatVec mv : List.of(fast.get(0), fast.get(1), new NaiveMatVec())) {
            IllegalArgumentException cols = assertThrows(
                    IllegalArgumentException.class,
                    () -> mv.multiply(w.get(all(), interval(2, 6)), null, x, 0, y, 0, 1));
            assertTrue(
                    cols.getMessage().contains("shape [8, 4]")
                            && cols.getMessage().contains("strides [12, 1]"),
                    cols.getMessage());
            assertTrue(cols.getMessage().contains("row-major contiguous"), cols.getMessage());
            IllegalArgumentException transposed =
                    assertThrows(IllegalArgumentException.class, () -> mv.multiply(w.transpose(), null, x, 0, y, 0, 1));
            assertTrue(transposed.getMessage().contains("order 'f'"), transposed.getMessage());
            IllegalArgumentException dtype = assertThrows(
                    IllegalArgumentException.class, () -> mv.multiply(w.castTo(DataType.DOUBLE), null, x, 0, y, 0, 1));
            assertTrue(dtype.getMessage().contains("DOUBLE"), dtype.getMessage());
            IllegalArgumentException fOrder =
                    assertThrows(IllegalArgumentException.class, () -> mv.multiply(w.dup('f'), null, x, 0, y, 0, 1));
            assertTrue(fOrder.getMessage().contains("shape [8, 12]"), fOrder.getMessage());
        }
    }

    @Test
    void multiplyRows_invalidArguments_throw() {
        SplittableRandom rnd = new SplittableRandom(7);
        INDArray w = matrix(rnd, 8, 12);
        MatVec mv = fast.get(0);
        float[] x = new float[24];
        float[] y = new float[16];
        assertThrows(IllegalArgumentException.class, () -> mv.multiplyRows(w, null, 4, 9, x, 0, 12, y, 0, 8, 1));
        assertThrows(IllegalArgumentException.class, () -> mv.multiplyRows(w, null, 5, 4, x, 0, 12, y, 0, 8, 1));
        assertThrows(IllegalArgumentException.class, () -> mv.multiply(w, null, x, 0, y, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> mv.multiply(w, null, x, 1, y, 0, 2)); // x too short
        assertThrows(IllegalArgumentException.class, () -> mv.multiply(w, null, x, 0, y, 1, 2)); // y too short
        assertThrows(IllegalArgumentException.class, () -> mv.multiplyRows(w, null, 0, 8, x, 0, 11, y, 0, 8, 1));
        IllegalArgumentException bias = assertThrows(
                IllegalArgumentException.class, () -> mv.multiply(w, Nd4j.create(DataType.FLOAT, 7), x, 0, y, 0, 1));
        assertTrue(bias.getMessage().contains("bias"), bias.getMessage());
        float[] shared = new float[40];
        assertThrows(IllegalArgumentException.class, () -> mv.multiply(w, null, shared, 0, shared, 4, 1));
        mv.multiply(w, null, shared, 0, shared, 12, 1); // disjoint parts of one array are fine
        assertThrows(
                IllegalArgumentException.class,
                () -> mv.multiply(Nd4j.create(DataType.FLOAT, 2, 3, 4), null, x, 0, y, 0, 1));
    }

    @Test
    void multiply_denseWeights_equalsTheArrayForm_forEveryKernel() {
        SplittableRandom rnd = new SplittableRandom(5);
        INDArray w = matrix(rnd, 37, 70);
        INDArray bias = Nd4j.create(random(rnd, 37), new long[] {37}, 'c');
        DenseWeights d = new DenseWeights(w, bias);
        DenseWeights noBias = new DenseWeights(w, null);
        for (int batch : new int[] {1, 3}) {
            float[] x = random(rnd, batch * 70);
            for (MatVec mv : List.of(new VectorMatVec(par), new ScalarMatVec(par), new NaiveMatVec())) {
                float[] expected = new float[batch * 37];
                float[] actual = new float[batch * 37];
                mv.multiply(w, bias, x, 0, expected, 0, batch);
                mv.multiply(d, x, 0, actual, 0, batch);
                assertArrayEquals(expected, actual, mv.name());
                mv.multiply(w, null, x, 0, expected, 0, batch);
                mv.multiply(noBias, x, 0, actual, 0, batch);
                assertArrayEquals(expected, actual, mv.name() + " without bias");
            }
        }
        assertEquals(4L * (37 * 70 + 37), d.bytes());
        assertEquals(4L * 37 * 70, noBias.bytes());
    }

    @Test
    void denseWeights_badLayoutOrArguments_throwNamingThem() {
        SplittableRandom rnd = new SplittableRandom(6);
        INDArray w = matrix(rnd, 4, 6);
        var e = assertThrows(ShapeMismatchException.class, () -> new DenseWeights(w.transpose(), null));
        assertTrue(e.getMessage().contains("row-major contiguous float32"), e.getMessage());
        assertThrows(ShapeMismatchException.class, () -> new DenseWeights(w, Nd4j.zeros(DataType.FLOAT, 5)));
        DenseWeights d = new DenseWeights(w, null);
        MatVec mv = new VectorMatVec(par);
        assertThrows(IllegalArgumentException.class, () -> mv.multiply(d, new float[5], 0, new float[4], 0, 1));
        assertThrows(IllegalArgumentException.class, () -> mv.multiply(d, new float[6], 0, new float[3], 0, 1));
        assertThrows(IllegalArgumentException.class, () -> mv.multiply(d, new float[6], 0, new float[4], 0, 0));
    }
}
