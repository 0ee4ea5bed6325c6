package io.visage.nn.kernel;

import io.visage.nn.ShapeMismatchException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PointwiseKernelsTest {
    private static INDArray random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * 3);
        }
        return Nd4j.createFromArray(v);
    }

    /** erf by its series/continued fraction in double is overkill here: the exact GELU from double erf. */
    private static double erf(double x) {
        // Abramowitz–Stegun 7.1.26 is too coarse; integrate the density instead (Simpson, fine grid)
        int n = 20_000;
        double h = x / n;
        double s = 0;
        for (int i = 0; i <= n; i++) {
            double t = i * h;
            double f = Math.exp(-t * t);
            s += (i == 0 || i == n) ? f : (i % 2 == 1 ? 4 * f : 2 * f);
        }
        return s * h / 3 * 2 / Math.sqrt(Math.PI);
    }

    @Test
    void gelu_andItsDerivative_matchTheDoubleFormulas_onEveryChunkSplit() {
        int n = 20_011; // several chunks and a tail
        INDArray x = random(n, 1);
        INDArray y = x.ulike();
        INDArray dy = x.ulike();
        try (Parallelism par = new Parallelism(2)) {
            PointwiseKernels.gelu(x, y, par);
            PointwiseKernels.geluDerivative(x, dy, par);
        }
        for (int i = 0; i < n; i += 397) {
            double v = x.getDouble(i);
            double cdf = 0.5 * (1 + erf(v / Math.sqrt(2)));
            double pdf = Math.exp(-v * v / 2) / Math.sqrt(2 * Math.PI);
            assertEquals(v * cdf, y.getDouble(i), 2e-6 * Math.max(1, Math.abs(v)), "gelu(" + v + ")");
            assertEquals(cdf + v * pdf, dy.getDouble(i), 2e-6, "gelu'(" + v + ")");
        }
    }

    @Test
    void dropout_isCounterBased_sameMaskForAnyThreadCount_andDropsAboutP() {
        int n = 50_001;
        INDArray ones = Nd4j.ones(DataType.FLOAT, n);
        INDArray a = ones.dup();
        INDArray b = ones.dup();
        try (Parallelism one = Parallelism.serial();
                Parallelism two = new Parallelism(2)) {
            PointwiseKernels.dropout(a, 77, 0.2, one);
            PointwiseKernels.dropout(b, 77, 0.2, two);
        }
        assertEquals(a, b);
        double dropped = a.eq(0.0).castTo(DataType.DOUBLE).meanNumber().doubleValue();
        assertEquals(0.2, dropped, 0.01);
        assertEquals(1 / 0.8f, a.maxNumber().floatValue());
        INDArray c = ones.dup();
        try (Parallelism one = Parallelism.serial()) {
            PointwiseKernels.dropout(c, 78, 0.2, one);
        }
        assertFalse(a.equals(c), "another seed, another mask");
    }

    @Test
    void softmaxCrossEntropy_matchesTheFloat64Formula_forAnyThreadCount() {
        SplittableRandom r = new SplittableRandom(11);
        int rows = 37;
        int v = 1031; // not a multiple of any vector width
        INDArray logits = random(rows * v, 12).reshape('c', rows, v).muli(4); // wide, as untrained heads
        logits.putScalar(new long[] {3, 5}, 80f); // one row dominated by a single logit
        int[] labels = new int[rows];
        float[] scale = new float[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = r.nextInt(v);
            scale[i] = (float) (0.1 + r.nextDouble());
        }
        labels[3] = 5;
        double[][] expectedGrad = new double[rows][v];
        double[] expectedNll = new double[rows];
        for (int i = 0; i < rows; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < v; j++) {
                max = Math.max(max, logits.getDouble(i, j));
            }
            double sum = 0;
            for (int j = 0; j < v; j++) {
                sum += Math.exp(logits.getDouble(i, j) - max);
            }
            expectedNll[i] = Math.log(sum) - (logits.getDouble(i, labels[i]) - max);
            for (int j = 0; j < v; j++) {
                double p = Math.exp(logits.getDouble(i, j) - max) / sum;
                expectedGrad[i][j] = (p - (j == labels[i] ? 1 : 0)) * scale[i];
            }
        }
        INDArray first = null;
        for (int threads : new int[] {1, 2, 3}) {
            INDArray x = logits.dup('c');
            double[] nll = new double[rows];
            try (Parallelism par = new Parallelism(threads)) {
                PointwiseKernels.softmaxCrossEntropy(x, labels, scale, nll, par);
            }
            for (int i = 0; i < rows; i++) {
                assertEquals(expectedNll[i], nll[i], 1e-4 * Math.max(1, expectedNll[i]), "nll of row " + i);
                for (int j = 0; j < v; j++) {
                    assertEquals(expectedGrad[i][j], x.getDouble(i, j), 2e-6, "gradient at " + i + "," + j);
                }
            }
            if (first == null) {
                first = x;
            } else {
                assertEquals(first, x, "the same result for " + threads + " threads");
            }
        }
        assertTrue(Math.abs(expectedNll[3]) < 1e-6, "the dominated row's label has probability ~1");
        INDArray x = logits.dup('c');
        double[] nll = new double[rows];
        int[] bad = labels.clone();
        bad[7] = v;
        try (Parallelism par = new Parallelism(1)) {
            assertThrows(
                    IndexOutOfBoundsException.class,
                    () -> PointwiseKernels.softmaxCrossEntropy(x, bad, scale, nll, par));
            assertThrows(
                    ShapeMismatchException.class,
                    () -> PointwiseKernels.softmaxCrossEntropy(x, new int[rows - 1], scale, nll, par));
        }
    }

    @Test
    void applies_onlyToContiguousFloat32() {
        assertTrue(PointwiseKernels.applies(Nd4j.zeros(DataType.FLOAT, 3, 4)));
        assertFalse(PointwiseKernels.applies(Nd4j.zeros(DataType.DOUBLE, 3, 4)));
        assertFalse(PointwiseKernels.applies(Nd4j.zeros(DataType.FLOAT, 3, 4).transpose()));
        try (Parallelism one = Parallelism.serial()) {
            assertThrows(
                    ShapeMismatchException.class,
                    () -> PointwiseKernels.gelu(Nd4j.zeros(DataType.FLOAT, 3), Nd4j.zeros(DataType.FLOAT, 4), one));
        }
    }
}
