package io.visage.audio.foa;

/**
 * A direction in the ambiX frame (+X front, +Y left, +Z up).
 *
 * @param azimuth radians, counter-clockwise seen from above, from the front (+X, 0) toward the left
 *     (+Y, π/2); any real value (not wrapped)
 * @param elevation radians up from the horizontal plane, in [−π/2, π/2]
 */
public record Direction(double azimuth, double elevation) {
    public static final Direction FRONT = new Direction(0, 0);
    public static final Direction LEFT = new Direction(Math.PI / 2, 0);
    public static final Direction BACK = new Direction(Math.PI, 0);
    public static final Direction RIGHT = new Direction(-Math.PI / 2, 0);
    public static final Direction UP = new Direction(0, Math.PI / 2);
    public static final Direction DOWN = new Direction(0, -Math.PI / 2);

    private static final double EPS = 1e-12;

    public Direction {
        if (!Double.isFinite(azimuth) || !Double.isFinite(elevation)) {
            throw new IllegalArgumentException(
                    "direction angles must be finite but were azimuth " + azimuth + ", elevation " + elevation);
        }
        if (Math.abs(elevation) > Math.PI / 2 + EPS) {
            throw new IllegalArgumentException("elevation must be in [-pi/2, pi/2] but was " + elevation + " rad ("
                    + Math.toDegrees(elevation) + " deg)");
        }
    }

    /** A direction from degrees (azimuth CCW from front toward left, elevation up). */
    public static Direction ofDegrees(double azimuthDeg, double elevationDeg) {
        return new Direction(Math.toRadians(azimuthDeg), Math.toRadians(elevationDeg));
    }

    /** The direction of a non-zero vector (x front, y left, z up). */
    public static Direction ofVector(double x, double y, double z) {
        double h = Math.hypot(x, y);
        if (h == 0 && z == 0) {
            throw new IllegalArgumentException("the zero vector has no direction");
        }
        return new Direction(Math.atan2(y, x), Math.atan2(z, h));
    }

    /** Unit vector {@code (cos el·cos az, cos el·sin az, sin el)} = (x front, y left, z up). */
    public double[] unitVector() {
        double ce = Math.cos(elevation);
        return new double[] {ce * Math.cos(azimuth), ce * Math.sin(azimuth), Math.sin(elevation)};
    }

    /** Azimuth in degrees. */
    public double azimuthDegrees() {
        return Math.toDegrees(azimuth);
    }

    /** Elevation in degrees. */
    public double elevationDegrees() {
        return Math.toDegrees(elevation);
    }

    /** Angle to another direction in radians, in [0, π]. */
    public double angleTo(Direction other) {
        double[] a = unitVector();
        double[] b = other.unitVector();
        double dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
        double[] cross = {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
        return Math.atan2(Math.sqrt(cross[0] * cross[0] + cross[1] * cross[1] + cross[2] * cross[2]), dot);
    }
}
