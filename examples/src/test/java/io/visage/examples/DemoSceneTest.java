package io.visage.examples;

import io.visage.audio.foa.Direction;
import io.visage.core.direction.CameraDirection;
import io.visage.core.scene.Scene;
import io.visage.core.scene.SceneCamera;
import io.visage.core.scene.SceneObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoSceneTest {
    @Test
    void demoScene_keepsEveryObjectInView_forTheRequestedCamera() {
        for (CameraDirection camera : new CameraDirection[] {
            new CameraDirection(45, 90), new CameraDirection(45, 135), new CameraDirection(38, 10)
        }) {
            Scene s = DemoScene.of(camera, DemoScene.DEFAULT_SEED);
            assertEquals(camera, s.camera());
            Direction look = SceneCamera.lookDirection(camera);
            SceneCamera cam = SceneCamera.of(s);
            for (SceneObject o : s.objects()) {
                for (double t = 0; t <= s.config().seconds(); t += 0.25) {
                    double angle = Math.toDegrees(o.path().at(t).angleTo(look));
                    assertTrue(angle <= DemoScene.IN_VIEW_DEGREES + 1e-9, camera + " t=" + t + ": " + angle + "°");
                    double[] xy = cam.project(o.path().at(t));
                    assertTrue(
                            xy != null && xy[0] >= 0 && xy[0] <= cam.width() && xy[1] >= 0 && xy[1] <= cam.height(),
                            "object centre on the image at t=" + t);
                }
            }
        }
    }

    @Test
    void demoScene_isDeterministic_andDependsOnTheSeed() {
        CameraDirection c = new CameraDirection(45, 90);
        assertEquals(DemoScene.of(c, 7), DemoScene.of(c, 7));
        assertNotEquals(DemoScene.of(c, 7).objects(), DemoScene.of(c, 7_000_000).objects());
    }

    @Test
    void allInView_rejectsAnObjectThatLeavesTheView() {
        Scene s = DemoScene.of(new CameraDirection(45, 90), 3);
        double az = s.objects().get(0).path().azimuthDegreesAt(0) + 90;
        Direction away = Direction.ofDegrees(az >= 180 ? az - 360 : az, 0);
        assertFalse(DemoScene.allInView(s, away));
        assertTrue(DemoScene.allInView(s, SceneCamera.lookDirection(s.camera())));
    }
}
