package io.visage.core.scene;

import io.visage.audio.foa.Direction;
import io.visage.core.direction.CameraDirection;
import io.visage.nn.ConfigException;

/**
 * A rectilinear pinhole camera in the world (ambiX) frame, with no roll: the image's right axis is
 * horizontal and its up axis is world up projected onto the image plane.
 *
 * <p>Pixel coordinates are continuous: column x runs right from 0 at the left edge to width at the
 * right edge, row y runs down from 0 at the top to height at the bottom; pixel (i, j) covers
 * [i, i+1) × [j, j+1) and its centre is (i + ½, j + ½). The optical axis meets the image at
 * (width / 2, height / 2). A direction to the left of the camera (larger azimuth) lands left of
 * centre, a higher one lands above it (smaller row). The focal length in pixels is
 * {@code (width / 2) / tan(fov / 2)} for both axes (square pixels).
 */
public final class SceneCamera {
    private final double[] forward;
    private final double[] right;
    private final double[] up;
    private final double focal;
    private final int width;
    private final int height;

    /**
     * @param look       the optical axis, |elevation| &lt; 90°
     * @param fovDegrees horizontal field of view, (0, 180)
     * @param width      image width in pixels, &gt; 0
     * @param height     image height in pixels, &gt; 0
     */
    public SceneCamera(Direction look, double fovDegrees, int width, int height) {
        if (look == null || Math.abs(look.elevation()) >= Math.PI / 2 - 1e-9) {
            throw new ConfigException("the camera must look away from the poles (|elevation| < 90°) but looks at "
                    + (look == null ? "nothing" : look.elevationDegrees() + "°"));
        }
        if (!(fovDegrees > 0 && fovDegrees < 180) || width <= 0 || height <= 0) {
            throw new ConfigException("camera needs a field of view in (0, 180) degrees and a positive size, got "
                    + fovDegrees + "°, " + width + "x" + height);
        }
        double az = look.azimuth();
        double el = look.elevation();
        this.forward = look.unitVector();
        this.right = new double[] {Math.sin(az), -Math.cos(az), 0};
        this.up = new double[] {-Math.sin(el) * Math.cos(az), -Math.sin(el) * Math.sin(az), Math.cos(el)};
        this.focal = (width / 2.0) / Math.tan(Math.toRadians(fovDegrees) / 2);
        this.width = width;
        this.height = height;
    }

    /** The camera of a scene: its {@link #lookDirection}, field of view and image size. */
    public static SceneCamera of(Scene scene) {
        SceneConfig c = scene.config();
        return new SceneCamera(lookDirection(scene.camera()), c.fovDegrees(), c.width(), c.height());
    }

    /**
     * The world (ambiX) direction a camera index looks at: azimuth φ = (179 − 2a)°, elevation
     * θ = (89 − 2e)° for {@code ambi.json} indices (e, a). So (45, 90) looks at the front (−1°, −1°)
     * and (45, 135) to the right (−91°, −1°); a growing azimuth index turns the camera clockwise
     * seen from above. This is the convention under which the reference's rotation augmentation is
     * consistent: the FOA map Y′ = −X, X′ = Y turns the sound field by −90° while the index grows by
     * 45 (90°), turning the camera by −90° too. Index e = 90 (θ = −91°) is returned as the same
     * physical direction, (φ + 180°, −89°).
     */
    public static Direction lookDirection(CameraDirection camera) {
        double az = 179 - CameraDirection.DEGREES_PER_INDEX * camera.azimuthIndex();
        double el = 89 - CameraDirection.DEGREES_PER_INDEX * camera.elevationIndex();
        if (Math.abs(el) <= 90) {
            return Direction.ofDegrees(az, el);
        }
        return Direction.ofDegrees(SourcePath.wrapDegrees(az + 180), Math.signum(el) * 180 - el);
    }

    /** Focal length in pixels. */
    public double focalPixels() {
        return focal;
    }

    /** Image width in pixels. */
    public int width() {
        return width;
    }

    /** Image height in pixels. */
    public int height() {
        return height;
    }

    /**
     * Where a direction lands in the image.
     *
     * @return {x, y} in continuous pixel coordinates (possibly outside the image), or null when the
     *     direction is not in front of the camera (at or behind its image plane's parallel through the
     *     centre of projection)
     */
    public double[] project(Direction d) {
        double[] v = d.unitVector();
        double z = dot(v, forward);
        if (z <= 1e-9) {
            return null;
        }
        return new double[] {width / 2.0 + focal * dot(v, right) / z, height / 2.0 - focal * dot(v, up) / z};
    }

    /** The world direction seen at continuous pixel coordinates (x, y). */
    public Direction ray(double x, double y) {
        double[] r = rayVector(x, y);
        return Direction.ofVector(r[0], r[1], r[2]);
    }

    /** True when the ray through (x, y) points above the world horizon (sky), false at or below it. */
    public boolean isSky(double x, double y) {
        return rayVector(x, y)[2] > 0;
    }

    /** Pixel radius of an object of angular radius {@code degrees}: focal · tan(radius). */
    public double radiusPixels(double degrees) {
        return focal * Math.tan(Math.toRadians(degrees));
    }

    private double[] rayVector(double x, double y) {
        double h = (x - width / 2.0) / focal;
        double v = (height / 2.0 - y) / focal;
        return new double[] {
            forward[0] + h * right[0] + v * up[0], forward[1] + h * right[1] + v * up[1], forward[2] + v * up[2]
        };
    }

    private static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }
}
