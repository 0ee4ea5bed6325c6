package io.visage.eval.spatial;

import io.visage.nn.ShapeMismatchException;

/**
 * The reference's {@code er_sphere_sample}: each map row is resampled to a number of points
 * proportional to the circumference of its latitude circle, so that every direction on the sphere
 * carries about the same weight in the metrics. For map row e of H rows and W columns:
 * {@code S = rint(W sin(pi (e + 0.5) / H))} (round half to even) samples at positions
 * {@code x_k = k (W - W / (2 S)) / S}, linearly interpolated over the row with NumPy's
 * {@code interp(..., period=360)} semantics (between column W-1 and 360 the value runs from the last
 * column to the first). The rows are concatenated: 10,312 values for the 2-degree grid.
 */
public final class EqualAreaSampler {
    private static final double PERIOD = 360.0;

    private EqualAreaSampler() {}

    /** Number of samples of map row {@code row} (of {@code rows} x {@code cols}). */
    public static int rowLength(int row, int rows, int cols) {
        return (int) Math.rint(cols * Math.sin(Math.PI * (row + 0.5) / rows));
    }

    /** Length of the sampled vector for a grid (10,312 for 2 degrees). */
    public static int sampledLength(SphereGrid grid) {
        int n = 0;
        for (int e = 0; e < grid.rows(); e++) {
            n += rowLength(e, grid.rows(), grid.cols());
        }
        return n;
    }

    /**
     * Equal-area resampling of a map.
     *
     * @return [sampledLength(grid)] float64
     */
    public static double[] sample(AudioEnergyMap map) {
        return sample(map.values(), map.rows(), map.cols());
    }

    /**
     * Equal-area resampling of a row-major map [rows*cols].
     *
     * @return the concatenated row samples
     */
    public static double[] sample(double[] map, int rows, int cols) {
        if (map.length != rows * cols) {
            throw new ShapeMismatchException("er_sphere_sample: expected " + rows + " x " + cols + " = " + rows * cols
                    + " values but found " + map.length);
        }
        int total = 0;
        for (int e = 0; e < rows; e++) {
            total += rowLength(e, rows, cols);
        }
        double[] out = new double[total];
        int o = 0;
        for (int e = 0; e < rows; e++) {
            int s = rowLength(e, rows, cols);
            double step = (cols - 0.5 * cols / s) / s;
            int base = e * cols;
            for (int k = 0; k < s; k++) {
                out[o++] = interpPeriodic(k * step, map, base, cols);
            }
        }
        return out;
    }

    /** NumPy {@code interp(x, arange(cols), row, period=360)} for one point. */
    private static double interpPeriodic(double x, double[] map, int base, int cols) {
        double xm = x % PERIOD;
        if (xm < 0) {
            xm += PERIOD;
        }
        if (xm <= cols - 1) {
            int i = (int) Math.floor(xm);
            if (i >= cols - 1) {
                return map[base + cols - 1];
            }
            double t = xm - i;
            return map[base + i] + t * (map[base + i + 1] - map[base + i]);
        }
        double t = (xm - (cols - 1)) / (PERIOD - (cols - 1));
        return map[base + cols - 1] + t * (map[base] - map[base + cols - 1]);
    }

    /**
     * Approximate inverse for display: every row's samples interpolated back onto its {@code cols}
     * columns (clamped at the row ends). Not part of any metric.
     *
     * @param sampled [sampledLength(grid)]
     * @return [rows*cols] row-major map
     */
    public static double[] toMap(double[] sampled, SphereGrid grid) {
        int rows = grid.rows();
        int cols = grid.cols();
        if (sampled.length != sampledLength(grid)) {
            throw new ShapeMismatchException("equal-area samples: expected " + sampledLength(grid) + " values for a "
                    + rows + " x " + cols + " grid but found " + sampled.length);
        }
        double[] map = new double[rows * cols];
        int o = 0;
        for (int e = 0; e < rows; e++) {
            int s = rowLength(e, rows, cols);
            double step = (cols - 0.5 * cols / s) / s;
            for (int c = 0; c < cols; c++) {
                double u = Math.min(s - 1, c / step);
                int i = (int) Math.floor(u);
                double t = u - i;
                double v = i + 1 < s ? sampled[o + i] + t * (sampled[o + i + 1] - sampled[o + i]) : sampled[o + i];
                map[e * cols + c] = v;
            }
            o += s;
        }
        return map;
    }
}
