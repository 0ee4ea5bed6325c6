package io.visage.nn.testing;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Element-wise closeness with the fixture rule {@code |actual - expected| <= atol + rtol * |expected|}.
 * A failure names the tensor, its shape, the worst element (flat and multi-index), its expected and
 * actual values, how many elements fail, and the first few failing pairs.
 */
public final class TensorAssert {
    private TensorAssert() {}

    public static void assertClose(String label, INDArray expected, INDArray actual, double rtol, double atol) {
        if (!Arrays.equals(expected.shape(), actual.shape())) {
            fail(label + ": shape expected " + Arrays.toString(expected.shape()) + " but was "
                    + Arrays.toString(actual.shape()));
        }
        assertClose(
                label,
                expected.shape(),
                expected.dup('c').data().asDouble(),
                actual.dup('c').data().asDouble(),
                rtol,
                atol);
    }

    public static void assertClose(
            String label, long[] shape, float[] expected, float[] actual, double rtol, double atol) {
        double[] e = new double[expected.length];
        double[] a = new double[actual.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = expected[i];
        }
        for (int i = 0; i < a.length; i++) {
            a[i] = actual[i];
        }
        assertClose(label, shape, e, a, rtol, atol);
    }

    public static void assertClose(
            String label, long[] shape, double[] expected, double[] actual, double rtol, double atol) {
        if (expected.length != actual.length) {
            fail(label + ": expected " + expected.length + " elements but got " + actual.length);
        }
        int worst = -1;
        double worstExcess = 0;
        int failures = 0;
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            boolean ok;
            double excess;
            if (Double.isNaN(e) || Double.isInfinite(e)) {
                ok = Double.compare(e, a) == 0;
                excess = ok ? 0 : Double.POSITIVE_INFINITY;
            } else {
                double diff = Math.abs(a - e);
                double tol = atol + rtol * Math.abs(e);
                ok = diff <= tol; // NaN actual fails here
                excess = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff - tol;
            }
            if (!ok) {
                failures++;
                if (failures <= 5) {
                    first.append(String.format("%n  [%s] expected %.9g actual %.9g", index(shape, i), e, a));
                }
                if (worst < 0 || excess > worstExcess) {
                    worst = i;
                    worstExcess = excess;
                }
            }
        }
        if (failures > 0) {
            fail(String.format(
                    "%s %s: %d of %d elements outside rtol=%g atol=%g; worst at [%s]: expected %.9g actual %.9g"
                            + " (|diff| %.3g)%s",
                    label,
                    Arrays.toString(shape),
                    failures,
                    expected.length,
                    rtol,
                    atol,
                    index(shape, worst),
                    expected[worst],
                    actual[worst],
                    Math.abs(actual[worst] - expected[worst]),
                    first));
        }
    }

    /** Exact equality for integer tensors, reporting the first mismatch with its index. */
    public static void assertExact(String label, long[] shape, long[] expected, long[] actual) {
        if (expected.length != actual.length) {
            fail(label + ": expected " + expected.length + " elements but got " + actual.length);
        }
        int mismatches = 0;
        int firstAt = -1;
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                if (firstAt < 0) {
                    firstAt = i;
                }
                mismatches++;
            }
        }
        if (mismatches > 0) {
            fail(label + " " + Arrays.toString(shape) + ": " + mismatches + " of " + expected.length
                    + " elements differ; first at [" + index(shape, firstAt) + "]: expected " + expected[firstAt]
                    + " actual " + actual[firstAt]);
        }
    }

    static String index(long[] shape, int flat) {
        if (shape.length == 0) {
            return "";
        }
        long[] idx = new long[shape.length];
        long rem = flat;
        for (int d = shape.length - 1; d >= 0; d--) {
            long s = Math.max(shape[d], 1);
            idx[d] = rem % s;
            rem /= s;
        }
        StringBuilder sb = new StringBuilder();
        for (int d = 0; d < idx.length; d++) {
            if (d > 0) {
                sb.append(", ");
            }
            sb.append(idx[d]);
        }
        return sb.toString();
    }
}
