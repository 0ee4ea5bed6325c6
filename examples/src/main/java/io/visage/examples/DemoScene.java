package io.visage.examples;

import io.visage.audio.foa.Direction;
import io.visage.core.direction.CameraDirection;
import io.visage.core.scene.Scene;
import io.visage.core.scene.SceneCamera;
import io.visage.core.scene.SceneConfig;
import io.visage.core.scene.SceneGenerator;
import io.visage.core.scene.SceneObject;
import java.util.SplittableRandom;

/**
 * The synthetic scene {@code visage demo} shows: a random scene of the training world
 * ({@link SceneGenerator}, {@link SceneConfig#DEFAULT}) seen from the requested camera, drawn from
 * the seeds {@code seed, seed + 1, ...} until every object stays inside the view for the whole clip
 * (so that there is something to see and to hear where it is). The scene sets the networks were
 * trained on draw each clip from a (set seed, index) pair, never from a bare seed like this.
 */
public final class DemoScene {
    /** The demo's default scene seed. */
    public static final long DEFAULT_SEED = 2026;

    /** Largest angle between an object and the optical axis that counts as in view, in degrees. */
    static final double IN_VIEW_DEGREES = 30;

    private static final int MAX_TRIES = 10_000;

    private DemoScene() {}

    /** The first scene of the seeds from {@code seed} on whose objects all stay in view. */
    public static Scene of(CameraDirection camera, long seed) {
        Direction look = SceneCamera.lookDirection(camera);
        for (int i = 0; i < MAX_TRIES; i++) {
            Scene s = SceneGenerator.random(new SplittableRandom(seed + i), SceneConfig.DEFAULT, camera);
            if (allInView(s, look)) {
                return s;
            }
        }
        throw new IllegalStateException("no scene with every object in view among " + MAX_TRIES + " seeds from " + seed
                + " for camera " + camera);
    }

    static boolean allInView(Scene s, Direction look) {
        double seconds = s.config().seconds();
        for (SceneObject o : s.objects()) {
            for (int k = 0; k <= 10; k++) {
                if (Math.toDegrees(o.path().at(seconds * k / 10).angleTo(look)) > IN_VIEW_DEGREES) {
                    return false;
                }
            }
        }
        return true;
    }
}
