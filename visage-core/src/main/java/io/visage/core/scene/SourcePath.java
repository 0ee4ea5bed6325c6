package io.visage.core.scene;

import io.visage.audio.foa.Direction;
import io.visage.nn.ConfigException;

/**
 * Where a source is over time, in the world (ambiX) frame: it starts at (azimuth, elevation) and
 * turns at constant angular velocities. The azimuth wraps to [−180°, 180°); the elevation is clamped
 * to ±{@value #MAX_ELEVATION_DEGREES}° (a source that reaches the limit stays there).
 *
 * @param azimuthDegrees                 start azimuth, counter-clockwise from the front (+X) toward the
 *                                       left (+Y), in [−180, 180]
 * @param elevationDegrees               start elevation, up, in [−{@value #MAX_ELEVATION_DEGREES},
 *                                       {@value #MAX_ELEVATION_DEGREES}]
 * @param azimuthVelocityDegreesPerSec   azimuth change per second, finite, |v| ≤ 360
 * @param elevationVelocityDegreesPerSec elevation change per second, finite, |v| ≤ 360
 */
public record SourcePath(
        double azimuthDegrees,
        double elevationDegrees,
        double azimuthVelocityDegreesPerSec,
        double elevationVelocityDegreesPerSec) {
    /** Largest |elevation| of a source, in degrees. */
    public static final double MAX_ELEVATION_DEGREES = 40;

    public SourcePath {
        if (!(azimuthDegrees >= -180 && azimuthDegrees <= 180)) {
            throw new ConfigException("source start azimuth must be in [-180, 180] degrees but was " + azimuthDegrees);
        }
        if (!(Math.abs(elevationDegrees) <= MAX_ELEVATION_DEGREES)) {
            throw new ConfigException("source start elevation must be in [-" + MAX_ELEVATION_DEGREES + ", "
                    + MAX_ELEVATION_DEGREES + "] degrees but was " + elevationDegrees);
        }
        if (!(Math.abs(azimuthVelocityDegreesPerSec) <= 360) || !(Math.abs(elevationVelocityDegreesPerSec) <= 360)) {
            throw new ConfigException("source angular velocities must be finite and within ±360 deg/s but were "
                    + azimuthVelocityDegreesPerSec + ", " + elevationVelocityDegreesPerSec);
        }
    }

    /** A source that does not move. */
    public static SourcePath fixed(double azimuthDegrees, double elevationDegrees) {
        return new SourcePath(azimuthDegrees, elevationDegrees, 0, 0);
    }

    /** Azimuth at time t (seconds), wrapped to [−180, 180). */
    public double azimuthDegreesAt(double t) {
        return wrapDegrees(azimuthDegrees + azimuthVelocityDegreesPerSec * t);
    }

    /** Elevation at time t (seconds), clamped to ±{@value #MAX_ELEVATION_DEGREES}. */
    public double elevationDegreesAt(double t) {
        double e = elevationDegrees + elevationVelocityDegreesPerSec * t;
        return Math.max(-MAX_ELEVATION_DEGREES, Math.min(MAX_ELEVATION_DEGREES, e));
    }

    /** The direction at time t (seconds). */
    public Direction at(double t) {
        return Direction.ofDegrees(azimuthDegreesAt(t), elevationDegreesAt(t));
    }

    /** An angle in degrees wrapped to [−180, 180). */
    static double wrapDegrees(double deg) {
        double w = (deg + 180) % 360;
        if (w < 0) {
            w += 360;
        }
        return w - 180;
    }
}
