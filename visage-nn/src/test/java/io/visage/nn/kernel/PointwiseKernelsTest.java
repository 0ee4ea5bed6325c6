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
