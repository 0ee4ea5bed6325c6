package io.visage.eval.saliency;

import io.visage.nn.ShapeMismatchException;

/** Input validation shared by the metrics. */
final class MapChecks {
    private MapChecks() {}

    static void finite(String metric, String which, double[] map) {
        if (map.length == 0) {
            throw new IllegalArgumentException(metric + ": " + which + " map is empty");
        }
        for (int i = 0; i < map.length; i++) {
            if (!Double.isFinite(map[i])) {
                throw new IllegalArgumentException(metric + ": " + which + " map has a non-finite value " + map[i]
                        + " at index " + i + " (of " + map.length + ")");
            }
        }
    }

    static void sameLength(String metric, double[] a, double[] b) {
        if (a.length != b.length) {
            throw new ShapeMismatchException(
                    metric + ": saliency map has " + a.length + " values but the ground-truth map has " + b.length);
        }
    }

    static double mean(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v;
        }
        return s / a.length;
    }

    /** Population standard deviation (NumPy {@code np.std}, ddof 0). */
    static double std(double[] a, double mean) {
        double s = 0;
        for (double v : a) {
            double d = v - mean;
            s += d * d;
        }
        return Math.sqrt(s / a.length);
    }
}
