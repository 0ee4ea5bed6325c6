package io.visage.eval.spatial;

/**
 * The equirectangular direction grid of the evaluation ({@code spherical_grid(res)} in the
 * reference): azimuth per column {@code phi_c = 180 - res - res*c} degrees (descending, 178 down to
 * -180 for 2 degrees), elevation per grid row {@code nu_r = -90 + res*r} degrees (ascending, before
 * the energy map's vertical flip). Grid position {@code k = r*cols + c}.
 *
 * @param resolutionDeg angular step; must divide 180
 */
public record SphereGrid(double resolutionDeg) {
    /** The grid of the reference evaluation (2 degrees: 90 x 180 = 16,200 directions). */
    public static final SphereGrid REFERENCE = new SphereGrid(2.0);

    public SphereGrid {
        if (!(resolutionDeg > 0) || Math.abs(180.0 / resolutionDeg - Math.rint(180.0 / resolutionDeg)) > 1e-9) {
            throw new IllegalArgumentException(
                    "grid resolution must be a positive divisor of 180 degrees, was " + resolutionDeg);
        }
    }

    /** Number of elevation rows (90 for 2 degrees). */
    public int rows() {
        return (int) Math.rint(180.0 / resolutionDeg);
    }

    /** Number of azimuth columns (180 for 2 degrees). */
    public int cols() {
        return 2 * rows();
    }

    /** Number of directions, rows x cols. */
    public int size() {
        return rows() * cols();
    }

    /** Azimuth of column {@code c} in degrees: {@code 180 - res*(c + 1)}. */
    public double azimuthDeg(int col) {
        return 180.0 - resolutionDeg * (col + 1);
    }

    /** Azimuth of column {@code c} in radians. */
    public double azimuthRad(int col) {
        return azimuthDeg(col) * Math.PI / 180.0;
    }

    /** Elevation of grid row {@code r} (before the flip) in degrees: {@code -90 + res*r}. */
    public double gridElevationDeg(int gridRow) {
        return -90.0 + resolutionDeg * gridRow;
    }

    /** Elevation of grid row {@code r} (before the flip) in radians. */
    public double gridElevationRad(int gridRow) {
        return gridElevationDeg(gridRow) * Math.PI / 180.0;
    }

    /** Elevation of map row {@code m} (after the flip: row 0 = highest) in degrees. */
    public double mapElevationDeg(int mapRow) {
        return gridElevationDeg(rows() - 1 - mapRow);
    }
}
