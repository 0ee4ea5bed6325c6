package io.visage.eval.spatial;

import io.visage.nn.ShapeMismatchException;
import java.util.Arrays;

/**
 * RMS energy of first-order ambisonic beams over the sphere ({@code AmbiDecomposition.get_energy_map}
 * in the reference): for each grid direction g, {@code sqrt(mean_t (sum_ch x_ch(t) * D[ch][g])^2)},
 * then the reference's vertical flip so that map row 0 is the highest elevation.
 *
 * <p>{@link #compute} uses the identity {@code mean_t s_g(t)^2 = d_g^T C d_g} with the 4 x 4 channel
 * covariance {@code C = mean_t x(t) x(t)^T}: O(16 N + 16 G) instead of O(4 N G) work, in float64.
 * {@link #computeDirect} is the literal per-beam loop, kept as the reference implementation.
 *
 * @param grid   the direction grid
 * @param values [rows*cols] row-major, flipped (row 0 = highest elevation, column 0 = largest azimuth)
 */
public record AudioEnergyMap(SphereGrid grid, double[] values) {
    public AudioEnergyMap {
        if (values.length != grid.size()) {
            throw new ShapeMismatchException("energy map: expected " + grid.rows() + " x " + grid.cols() + " = "
                    + grid.size() + " values but found " + values.length);
        }
    }

    /**
     * Energy map of a window of FOA audio.
     *
     * @param foa     [4][N] channels W, Y, Z, X
     * @param from    first sample of the window
     * @param length  window length in samples (&gt; 0; {@code from + length <= N})
     * @param decoder decoding weights ({@link SphericalHarmonicDecoder#REFERENCE_SQRT2} for parity)
     * @param grid    direction grid
     */
    public static AudioEnergyMap compute(
            float[][] foa, int from, int length, SphericalHarmonicDecoder decoder, SphereGrid grid) {
        checkWindow(foa, from, length);
        double[][] cov = new double[4][4];
        for (int i = 0; i < 4; i++) {
            float[] xi = foa[i];
            for (int j = i; j < 4; j++) {
                float[] xj = foa[j];
                double s = 0;
                for (int n = from, end = from + length; n < end; n++) {
                    s += (double) xi[n] * xj[n];
                }
                cov[i][j] = s / length;
                cov[j][i] = cov[i][j];
            }
        }
        return fromCovariance(cov, decoder, grid);
    }

    /** Energy map of a whole buffer of FOA audio ({@code foa} [4][N]). */
    public static AudioEnergyMap compute(float[][] foa, SphericalHarmonicDecoder decoder, SphereGrid grid) {
        return compute(foa, 0, foa.length == 0 ? 0 : foa[0].length, decoder, grid);
    }

    /**
     * Energy map from the 4 x 4 channel covariance {@code C = mean_t x(t) x(t)^T} (negative rounding
     * residues of {@code d^T C d} are clamped to 0 before the square root).
     */
    public static AudioEnergyMap fromCovariance(double[][] cov, SphericalHarmonicDecoder decoder, SphereGrid grid) {
        int rows = grid.rows();
        int cols = grid.cols();
        double[] out = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            double nu = grid.gridElevationRad(r);
            int mapRow = rows - 1 - r;
            for (int c = 0; c < cols; c++) {
                double[] d = decoder.gains(grid.azimuthRad(c), nu);
                double e = 0;
                for (int i = 0; i < 4; i++) {
                    double row = 0;
                    for (int j = 0; j < 4; j++) {
                        row += cov[i][j] * d[j];
                    }
                    e += d[i] * row;
                }
                out[mapRow * cols + c] = Math.sqrt(Math.max(0.0, e));
            }
        }
        return new AudioEnergyMap(grid, out);
    }

    /**
     * The literal reference computation: every beam signal formed and its RMS taken, in float64.
     * O(4 N G); for tests and as the obviously-correct reference of {@link #compute}.
     */
    public static AudioEnergyMap computeDirect(
            float[][] foa, int from, int length, SphericalHarmonicDecoder decoder, SphereGrid grid) {
        checkWindow(foa, from, length);
        double[][] m = decoder.matrix(grid);
        int rows = grid.rows();
        int cols = grid.cols();
        double[] out = new double[rows * cols];
        for (int k = 0; k < grid.size(); k++) {
            double acc = 0;
            for (int n = from; n < from + length; n++) {
                double s = foa[0][n] * m[0][k] + foa[1][n] * m[1][k] + foa[2][n] * m[2][k] + foa[3][n] * m[3][k];
                acc += s * s;
            }
            int r = k / cols;
            int c = k % cols;
            out[(rows - 1 - r) * cols + c] = Math.sqrt(acc / length);
        }
        return new AudioEnergyMap(grid, out);
    }

    private static void checkWindow(float[][] foa, int from, int length) {
        if (foa.length != SphericalHarmonicDecoder.CHANNELS) {
            throw new ShapeMismatchException("FOA audio: expected 4 channels (W, Y, Z, X) but found " + foa.length);
        }
        for (int ch = 1; ch < 4; ch++) {
            if (foa[ch].length != foa[0].length) {
                throw new ShapeMismatchException("FOA audio: channel " + ch + " has " + foa[ch].length
                        + " samples but channel 0 has " + foa[0].length);
            }
        }
        if (length <= 0 || from < 0 || from + length > foa[0].length) {
            throw new IllegalArgumentException("FOA audio: window [" + from + ", " + (from + length)
                    + ") is empty or outside the " + foa[0].length + " samples");
        }
    }

    public int rows() {
        return grid.rows();
    }

    public int cols() {
        return grid.cols();
    }

    /** Value at a map cell (row 0 = highest elevation). */
    public double value(int row, int col) {
        return values[row * grid.cols() + col];
    }

    /** A copy of row {@code row} [cols]. */
    public double[] row(int row) {
        return Arrays.copyOfRange(values, row * grid.cols(), (row + 1) * grid.cols());
    }

    /** The maximum's cell, first occurrence in row-major order ({@code np.argmax} on the flipped map). */
    public MapIndex argmax() {
        int best = 0;
        for (int k = 1; k < values.length; k++) {
            if (values[k] > values[best]) {
                best = k;
            }
        }
        return new MapIndex(best / grid.cols(), best % grid.cols());
    }
}
