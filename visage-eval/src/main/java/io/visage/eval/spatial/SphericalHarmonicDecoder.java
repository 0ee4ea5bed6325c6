package io.visage.eval.spatial;

/**
 * First-order real spherical-harmonic decoding gains for ACN channels W, Y, Z, X; a beam towards
 * direction (phi, nu) is {@code s(t) = sum_ch x_ch(t) * g_ch(phi, nu)}.
 */
public enum SphericalHarmonicDecoder {
    /**
     * The reference evaluation's matrix ({@code spherical_harmonics_matrix(., 1)} in
     * {@code utils/view_video.py}): {@code [1, sqrt2 cos(nu) sin(phi), sin(nu), sqrt2 cos(nu) cos(phi)]}.
     * The sqrt(2) on the |m| = 1 terms but not on Z biases map peaks toward the horizon:
     * {@code tan(nu_peak) = tan(nu_0) / 2} for a plane wave encoded with these same gains (the
     * fixture's plane waves), {@code tan(nu_0) / sqrt 2} for an SN3D-encoded one. Use for parity.
     */
    REFERENCE_SQRT2(Math.sqrt(2.0)),
    /**
     * Consistent SN3D weights {@code [1, cos(nu) sin(phi), sin(nu), cos(nu) cos(phi)]}: the map of an
     * SN3D plane wave peaks at the source direction (azimuth and elevation).
     */
    SN3D(1.0);

    private final double horizontalGain;

    SphericalHarmonicDecoder(double horizontalGain) {
        this.horizontalGain = horizontalGain;
    }

    /** The number of FOA channels (W, Y, Z, X). */
    public static final int CHANNELS = 4;

    /**
     * Decoding gains towards one direction.
     *
     * @return [4] in ACN order W, Y, Z, X
     */
    public double[] gains(double azimuthRad, double elevationRad) {
        double cn = Math.cos(elevationRad);
        return new double[] {
            1.0,
            horizontalGain * cn * Math.sin(azimuthRad),
            Math.sin(elevationRad),
            horizontalGain * cn * Math.cos(azimuthRad)
        };
    }

    /**
     * The decoding matrix over a grid, as the reference's {@code matrix} buffer.
     *
     * @return [4][rows*cols]; column k is grid position k = gridRow*cols + col (before the flip)
     */
    public double[][] matrix(SphereGrid grid) {
        int rows = grid.rows();
        int cols = grid.cols();
        double[][] m = new double[CHANNELS][rows * cols];
        for (int r = 0; r < rows; r++) {
            double nu = grid.gridElevationRad(r);
            for (int c = 0; c < cols; c++) {
                double[] g = gains(grid.azimuthRad(c), nu);
                for (int ch = 0; ch < CHANNELS; ch++) {
                    m[ch][r * cols + c] = g[ch];
                }
            }
        }
        return m;
    }
}
