package io.visage.core.direction;

import io.visage.nn.ConfigException;

/**
 * Where the field-of-view camera looks, as YT-Ambigen's {@code ambi.json} grid indices
 * ({@code [elevation_idx, azimuth_idx]}, 2° per unit) and as the 3-vector the model takes
 * (reference {@code data/preprocess_ambi.py prepare_ambi}).
 *
 * <p>Angles: polar tilt θ = (89 − 2·e)°, yaw ψ = (2·a − 179)°, and the vector is
 * R_y(ψ)·R_x(θ)·(0, 0, 1)ᵀ = (sin ψ·cos θ, −sin θ, cos ψ·cos θ), computed in double and rounded
 * to float like the reference's {@code np.float32(direction)}.
 *
 * @param elevationIndex 0..{@value #MAX_ELEVATION_INDEX} (0 = 89° above the horizon)
 * @param azimuthIndex   0..{@value #MAX_AZIMUTH_INDEX} (0 = yaw −179°)
 */
public record CameraDirection(int elevationIndex, int azimuthIndex) {
    /** Largest elevation index in {@code ambi.json} (README: elevation 0–90). */
    public static final int MAX_ELEVATION_INDEX = 90;
    /** Largest azimuth index in {@code ambi.json} (README: azimuth 0–180). */
    public static final int MAX_AZIMUTH_INDEX = 180;
    /** Degrees per grid unit. */
    public static final double DEGREES_PER_INDEX = 2.0;
    /** Azimuth shift of the reference's rotation augmentation, in grid units (90°). */
    public static final int AUGMENT_AZIMUTH_SHIFT = 45;

    public CameraDirection {
        if (elevationIndex < 0 || elevationIndex > MAX_ELEVATION_INDEX) {
            throw new ConfigException("elevation index must be in [0, " + MAX_ELEVATION_INDEX
                    + "] (ambi.json, 2° per unit)" + " but was " + elevationIndex);
        }
        if (azimuthIndex < 0 || azimuthIndex > MAX_AZIMUTH_INDEX) {
            throw new ConfigException("azimuth index must be in [0, " + MAX_AZIMUTH_INDEX + "] (ambi.json, 2° per unit)"
                    + " but was " + azimuthIndex);
        }
    }

    /**
     * The grid direction whose angles are the given ones, which must lie on the 2° grid.
     *
     * @param tiltDeg θ = 89 − 2e, one of 89, 87, ..., −91
     * @param yawDeg  ψ = 2a − 179, one of −179, −177, ..., 181
     * @throws ConfigException when an angle is off the grid or out of range
     */
    public static CameraDirection ofGridDegrees(double tiltDeg, double yawDeg) {
        return new CameraDirection(
                gridIndex("tilt", (89 - tiltDeg) / DEGREES_PER_INDEX, tiltDeg),
                gridIndex("yaw", (yawDeg + 179) / DEGREES_PER_INDEX, yawDeg));
    }

    private static int gridIndex(String what, double index, double degrees) {
        long rounded = Math.round(index);
        if (!Double.isFinite(index) || Math.abs(index - rounded) > 1e-9) {
            throw new ConfigException(what + " " + degrees + "° is not on the 2° ambi.json grid (odd degrees only)");
        }
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, rounded));
    }

    /** θ = (89 − 2·elevationIndex)°, the tilt about the x axis (positive looks up). */
    public double tiltDegrees() {
        return 89 - DEGREES_PER_INDEX * elevationIndex;
    }

    /** ψ = (2·azimuthIndex − 179)°, the yaw about the y axis. */
    public double yawDegrees() {
        return DEGREES_PER_INDEX * azimuthIndex - 179;
    }

    /** The model's direction input, float32 [3] (reference {@code prepare_ambi(augment=False)}). */
    public float[] vector() {
        return vectorFromDegrees(tiltDegrees(), yawDegrees());
    }

    /**
     * The reference's training-time rotation augmentation ({@code prepare_ambi(augment=True)}):
     * azimuth + 45 units, minus 180 when the result exceeds 179.
     */
    public CameraDirection augmented() {
        int a = azimuthIndex + AUGMENT_AZIMUTH_SHIFT;
        if (a > 179) {
            a -= 180;
        }
        return new CameraDirection(elevationIndex, a);
    }

    /**
     * R_y(ψ)·R_x(θ)·(0, 0, 1)ᵀ for arbitrary angles (not limited to the grid), float32 [3].
     *
     * @param tiltDeg θ in degrees, finite
     * @param yawDeg  ψ in degrees, finite
     */
    public static float[] vectorFromDegrees(double tiltDeg, double yawDeg) {
        if (!Double.isFinite(tiltDeg) || !Double.isFinite(yawDeg)) {
            throw new ConfigException(
                    "direction angles must be finite, got tilt " + tiltDeg + "°, yaw " + yawDeg + "°");
        }
        // Same product and rounding as the reference: radians = deg * pi / 180 in float64.
        double theta = tiltDeg * Math.PI / 180;
        double psi = yawDeg * Math.PI / 180;
        double cosT = Math.cos(theta);
        return new float[] {(float) (Math.sin(psi) * cosT), (float) (-Math.sin(theta)), (float) (Math.cos(psi) * cosT)};
    }

    /** Parses {@code "ELEV,AZIM"} (the CLI's {@code --camera-index}). */
    public static CameraDirection parse(String text) {
        String[] parts = text.split(",");
        if (parts.length != 2) {
            throw new ConfigException("camera index must be ELEV,AZIM (two integers) but was '" + text + "'");
        }
        try {
            return new CameraDirection(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new ConfigException("camera index must be ELEV,AZIM (two integers) but was '" + text + "'", e);
        }
    }
}
