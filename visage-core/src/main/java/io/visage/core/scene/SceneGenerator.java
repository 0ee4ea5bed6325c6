package io.visage.core.scene;

import io.visage.audio.foa.Direction;
import io.visage.core.direction.CameraDirection;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws random scenes whose objects are usually in view and sometimes off screen.
 *
 * <ul>
 *   <li>Camera: elevation index e uniform in [{@value #MIN_CAMERA_ELEVATION_INDEX},
 *       {@value #MAX_CAMERA_ELEVATION_INDEX}] (elevation −21°..19°), azimuth index a uniform in
 *       [0, {@value #MAX_CAMERA_AZIMUTH_INDEX}].</li>
 *   <li>One object with probability {@value #P_ONE_OBJECT}, else two objects of different classes;
 *       classes uniform.</li>
 *   <li>Each object starts in view with probability {@value #P_IN_VIEW}: within
 *       ±{@value #IN_VIEW_AZIMUTH_DEGREES}° of the camera azimuth and ±{@value #IN_VIEW_ELEVATION_DEGREES}°
 *       of its elevation (clamped to the source band ±40°); otherwise anywhere on that band (azimuth
 *       uniform on the circle, elevation uniform in ±40°).</li>
 *   <li>Velocities uniform in ±{@value #MAX_AZIMUTH_VELOCITY}°/s (azimuth) and
 *       ±{@value #MAX_ELEVATION_VELOCITY}°/s (elevation).</li>
 * </ul>
 *
 * The draws happen in a fixed order (camera, object count, then per object class, start, velocities),
 * so a generator seeded the same way gives the same scene on every machine.
 */
public final class SceneGenerator {
    public static final int MIN_CAMERA_ELEVATION_INDEX = 35;
    public static final int MAX_CAMERA_ELEVATION_INDEX = 55;
    public static final int MAX_CAMERA_AZIMUTH_INDEX = 179;
    public static final double P_ONE_OBJECT = 0.6;
    public static final double P_IN_VIEW = 0.8;
    public static final double IN_VIEW_AZIMUTH_DEGREES = 35;
    public static final double IN_VIEW_ELEVATION_DEGREES = 25;
    public static final double MAX_AZIMUTH_VELOCITY = 20;
    public static final double MAX_ELEVATION_VELOCITY = 5;

    private SceneGenerator() {}

    /** A random scene with a random camera. */
    public static Scene random(SplittableRandom rng, SceneConfig cfg) {
        CameraDirection camera = randomCamera(rng);
        return new Scene(camera, randomObjects(rng, camera), cfg);
    }

    /**
     * A random scene seen from a fixed camera. The random camera is still drawn (and ignored), so the
     * objects are placed relative to {@code camera} exactly as {@link #random(SplittableRandom,
     * SceneConfig)} would place them relative to its own camera.
     */
    public static Scene random(SplittableRandom rng, SceneConfig cfg, CameraDirection camera) {
        if (camera == null) {
            throw new IllegalArgumentException("the fixed camera direction is null");
        }
        randomCamera(rng);
        return new Scene(camera, randomObjects(rng, camera), cfg);
    }

    private static CameraDirection randomCamera(SplittableRandom rng) {
        int e = rng.nextInt(MIN_CAMERA_ELEVATION_INDEX, MAX_CAMERA_ELEVATION_INDEX + 1);
        int a = rng.nextInt(0, MAX_CAMERA_AZIMUTH_INDEX + 1);
        return new CameraDirection(e, a);
    }

    private static List<SceneObject> randomObjects(SplittableRandom rng, CameraDirection camera) {
        int count = rng.nextDouble() < P_ONE_OBJECT ? 1 : 2;
        SoundClass[] classes = SoundClass.values();
        List<SoundClass> left = new ArrayList<>(List.of(classes));
        Direction look = SceneCamera.lookDirection(camera);
        List<SceneObject> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            SoundClass c = left.remove(rng.nextInt(left.size()));
            double az;
            double el;
            double band = SourcePath.MAX_ELEVATION_DEGREES;
            if (rng.nextDouble() < P_IN_VIEW) {
                az = look.azimuthDegrees() + rng.nextDouble(-IN_VIEW_AZIMUTH_DEGREES, IN_VIEW_AZIMUTH_DEGREES);
                el = look.elevationDegrees() + rng.nextDouble(-IN_VIEW_ELEVATION_DEGREES, IN_VIEW_ELEVATION_DEGREES);
            } else {
                az = rng.nextDouble(-180, 180);
                el = rng.nextDouble(-band, band);
            }
            double vAz = rng.nextDouble(-MAX_AZIMUTH_VELOCITY, MAX_AZIMUTH_VELOCITY);
            double vEl = rng.nextDouble(-MAX_ELEVATION_VELOCITY, MAX_ELEVATION_VELOCITY);
            out.add(new SceneObject(
                    c, new SourcePath(SourcePath.wrapDegrees(az), Math.max(-band, Math.min(band, el)), vAz, vEl)));
        }
        return out;
    }
}
