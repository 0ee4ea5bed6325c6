package io.visage.core.scene;

import io.visage.audio.foa.Direction;
import io.visage.core.direction.CameraDirection;
import io.visage.core.video.RgbImage;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class SceneCameraTest {
    private static final double EPS = 1e-9;

    @Test
    void lookDirection_followsTheIndexConvention() {
        Direction front = SceneCamera.lookDirection(CameraDirection.parse("45,90"));
        assertEquals(-1, front.azimuthDegrees(), EPS);
        assertEquals(-1, front.elevationDegrees(), EPS);

        Direction right = SceneCamera.lookDirection(CameraDirection.parse("45,135"));
        assertEquals(-91, right.azimuthDegrees(), EPS);
        assertEquals(-1, right.elevationDegrees(), EPS);

        Direction upLeftBack = SceneCamera.lookDirection(new CameraDirection(0, 0));
        assertEquals(179, upLeftBack.azimuthDegrees(), EPS);
        assertEquals(89, upLeftBack.elevationDegrees(), EPS);

        // e = 90 means 91° below the horizon: the same physical direction as (φ + 180°, −89°)
        CameraDirection beyond = new CameraDirection(90, 90);
        Direction d = SceneCamera.lookDirection(beyond);
        assertEquals(-89, d.elevationDegrees(), EPS);
        double t = Math.toRadians(-91);
        double p = Math.toRadians(-1);
        double[] expected = {Math.cos(t) * Math.cos(p), Math.cos(t) * Math.sin(p), Math.sin(t)};
        double[] got = d.unitVector();
        for (int i = 0; i < 3; i++) {
            assertEquals(expected[i], got[i], 1e-12);
        }
    }

    @Test
    void augmentedIndex_turnsTheCameraByMinus90Degrees_likeTheFoaRotation() {
        for (int a : new int[] {0, 17, 90, 134}) {
            CameraDirection c = new CameraDirection(40, a);
            Direction before = SceneCamera.lookDirection(c);
            Direction after = SceneCamera.lookDirection(c.augmented());
            double turn = SourcePath.wrapDegrees(after.azimuthDegrees() - before.azimuthDegrees());
            assertEquals(-90, turn, 1e-9, "index " + a);
            assertEquals(before.elevationDegrees(), after.elevationDegrees(), EPS);
        }
    }

    @Test
    void project_putsTheAxisAtTheCentre_leftOnTheLeft_upAbove_behindNowhere() {
        CameraDirection cam = CameraDirection.parse("45,90");
        SceneCamera c = new SceneCamera(SceneCamera.lookDirection(cam), 90, 224, 224);
        assertEquals(112, c.focalPixels(), 1e-9);

        double[] centre = c.project(Direction.ofDegrees(-1, -1));
        assertEquals(112, centre[0], 1e-9);
        assertEquals(112, centre[1], 1e-9);

        double[] left = c.project(Direction.ofDegrees(29, -1));
        assertEquals(112 - 112 * Math.tan(Math.toRadians(30)), left[0], 0.1);
        assertEquals(112, left[1], 1.0);

        double[] up = c.project(Direction.ofDegrees(-1, 19));
        assertEquals(112, up[0], 1e-9);
        assertEquals(112 - 112 * Math.tan(Math.toRadians(20)), up[1], 1e-9);

        assertNull(c.project(Direction.ofDegrees(179, 1)));
        assertNull(c.project(Direction.ofDegrees(89, 0))); // 90° off the axis: on the camera plane
        assertNotNull(c.project(Direction.ofDegrees(80, 0)));
    }

    @Test
    void ray_invertsProject() {
        SceneCamera c = new SceneCamera(Direction.ofDegrees(37, 15), 70, 320, 240);
        for (double[] px : new double[][] {{0.5, 0.5}, {160, 120}, {300.25, 17}, {12, 233}}) {
            double[] back = c.project(c.ray(px[0], px[1]));
            assertEquals(px[0], back[0], 1e-9);
            assertEquals(px[1], back[1], 1e-9);
        }
    }

    @Test
    void background_horizonIsLevelAndMovesWhenTheCameraTilts() {
        SceneConfig cfg = SceneConfig.DEFAULT;
        // e = 55 looks 21° down: the horizon is above the centre, at row 112 − 112·tan 21°
        RgbImage down = SceneRenderer.frame(new Scene(new CameraDirection(55, 20), List.of(), cfg), 0);
        double horizon = 112 - 112 * Math.tan(Math.toRadians(21));
        for (int y = 0; y < 224; y++) {
            if (Math.abs(y + 0.5 - horizon) < 1) {
                continue;
            }
            int[] want = y + 0.5 < horizon ? SceneRenderer.SKY : SceneRenderer.GROUND;
            for (int x = 0; x < 224; x += 37) {
                for (int k = 0; k < 3; k++) {
                    assertEquals(want[k], down.get(x, y, k), "pixel " + x + "," + y);
                }
            }
        }
        // e = 0 looks 89° up: everything is sky
        RgbImage up = SceneRenderer.frame(new Scene(new CameraDirection(0, 20), List.of(), cfg), 0);
        for (int y = 0; y < 224; y += 7) {
            for (int x = 0; x < 224; x += 7) {
                assertEquals(SceneRenderer.SKY[2], up.get(x, y, 2));
            }
        }
    }
}
