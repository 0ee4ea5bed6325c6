package io.visage.core.scene;

import io.visage.audio.foa.Direction;
import io.visage.audio.foa.Foa;
import io.visage.audio.foa.FoaFormat;
import io.visage.core.direction.CameraDirection;
import io.visage.core.video.RgbImage;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SceneRendererTest {
    private static final CameraDirection FRONT_CAMERA = CameraDirection.parse("45,90"); // looks at (−1°, −1°)
    private static final SceneConfig SHORT = SceneConfig.DEFAULT.withSeconds(0.5);

    private static Scene staticScene(SceneConfig cfg, Object... classAzEl) {
        List<SceneObject> objects = new java.util.ArrayList<>();
        for (int i = 0; i < classAzEl.length; i += 3) {
            objects.add(new SceneObject(
                    (SoundClass) classAzEl[i],
                    SourcePath.fixed(
                            ((Number) classAzEl[i + 1]).doubleValue(), ((Number) classAzEl[i + 2]).doubleValue())));
        }
        return new Scene(FRONT_CAMERA, objects, cfg);
    }

    private static float[] scaled(float[] x, double g) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) (g * x[i]);
        }
        return y;
    }

    @Test
    void foa_ofAStaticSource_isTheClassSoundEncodedFromItsDirection() {
        double[][] azEl = {{0, 0}, {90, 0}, {0, 40}, {180, 0}, {-90, 0}, {-135, -25}};
        for (double[] d : azEl) {
            Scene s = staticScene(SHORT, SoundClass.GREEN_TRIANGLE, d[0], d[1]);
            float[][] foa = SceneRenderer.foa(s);
            float[] mono = scaled(SoundClass.GREEN_TRIANGLE.sound(16000, SHORT.samples()), SHORT.sourceGain());
            float[][] want = Foa.encode(mono, Direction.ofDegrees(d[0], d[1]), FoaFormat.AMBIX);
            assertEquals(4, foa.length);
            for (int c = 0; c < 4; c++) {
                assertArrayEquals(want[c], foa[c], 1e-6f, "channel " + c + " at " + d[0] + "," + d[1]);
            }
        }
    }

    @Test
    void foa_channelsPointWhereTheSourceIs() {
        float[] w;
        // front: X = W, Y = Z = 0
        float[][] front = SceneRenderer.foa(staticScene(SHORT, SoundClass.RED_BALL, 0, 0));
        w = front[0];
        assertArrayEquals(w, front[3], 1e-6f);
        assertArrayEquals(new float[w.length], front[1], 1e-6f);
        // left: Y = W
        float[][] left = SceneRenderer.foa(staticScene(SHORT, SoundClass.RED_BALL, 90, 0));
        assertArrayEquals(left[0], left[1], 1e-6f);
        assertArrayEquals(new float[w.length], left[3], 1e-6f);
        // right: Y = −W; back: X = −W
        float[][] right = SceneRenderer.foa(staticScene(SHORT, SoundClass.RED_BALL, -90, 0));
        assertArrayEquals(scaled(right[0], -1), right[1], 1e-6f);
        float[][] back = SceneRenderer.foa(staticScene(SHORT, SoundClass.RED_BALL, 180, 0));
        assertArrayEquals(scaled(back[0], -1), back[3], 1e-6f);
        // up (the highest a source goes, 40°): Z = sin 40° · W
        float[][] up = SceneRenderer.foa(staticScene(SHORT, SoundClass.RED_BALL, 0, 40));
        assertArrayEquals(scaled(up[0], Math.sin(Math.toRadians(40))), up[2], 1e-6f);
        // W is the sound times the gain (SN3D)
        assertArrayEquals(scaled(SoundClass.RED_BALL.sound(16000, SHORT.samples()), 0.3), w, 1e-7f);
    }

    @Test
    void foa_ofTwoSources_isTheSumOfEach() {
        Scene both = staticScene(SHORT, SoundClass.BLUE_BOX, 30, 10, SoundClass.YELLOW_STAR, -120, -20);
        float[][] a = SceneRenderer.foa(staticScene(SHORT, SoundClass.BLUE_BOX, 30, 10));
        float[][] b = SceneRenderer.foa(staticScene(SHORT, SoundClass.YELLOW_STAR, -120, -20));
        float[][] sum = SceneRenderer.foa(both);
        for (int c = 0; c < 4; c++) {
            float[] want = new float[a[c].length];
            for (int i = 0; i < want.length; i++) {
                want[i] = a[c][i] + b[c][i];
            }
            assertArrayEquals(want, sum[c], 1e-6f, "channel " + c);
        }
    }

    @Test
    void foa_ofAMovingSource_usesTheDirectionAtEachSample() {
        SourcePath p = new SourcePath(170, 30, 20, 5); // wraps past 180°, reaches the 40° limit at 2 s
        Scene s = new Scene(FRONT_CAMERA, List.of(new SceneObject(SoundClass.BLUE_BOX, p)), SceneConfig.DEFAULT);
        float[][] foa = SceneRenderer.foa(s);
        float[] mono = SoundClass.BLUE_BOX.sound(16000, 80000);
        for (int n : new int[] {0, 1, 7999, 16001, 40000, 79999}) {
            double[] g = Foa.gains(p.at(n / 16000.0), FoaFormat.AMBIX);
            for (int c = 0; c < 4; c++) {
                assertEquals(0.3 * g[c] * mono[n], foa[c][n], 1e-6, "channel " + c + " sample " + n);
            }
        }
        assertEquals(-170, p.azimuthDegreesAt(1), 1e-9);
        assertEquals(40, p.elevationDegreesAt(3), 0);
    }

    /** Pixels of exactly the class colour: {count, mean x of centres, mean y of centres}. */
    static double[] colourStats(RgbImage img, int[] rgb) {
        double n = 0;
        double sx = 0;
        double sy = 0;
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                if (img.get(x, y, 0) == rgb[0] && img.get(x, y, 1) == rgb[1] && img.get(x, y, 2) == rgb[2]) {
                    n++;
                    sx += x + 0.5;
                    sy += y + 0.5;
                }
            }
        }
        return new double[] {n, sx / n, sy / n};
    }

    @Test
    void frame_drawsObjectsWhereTheyAre() {
        double tan30 = Math.tan(Math.toRadians(30));
        double tan20 = Math.tan(Math.toRadians(20));
        for (SoundClass c : SoundClass.values()) {
            double[] centre = colourStats(SceneRenderer.frame(staticScene(SHORT, c, -1, -1), 0), c.rgb());
            assertEquals(112, centre[1], 0.5, c + " at the camera direction: x");
            assertEquals(112, centre[2], 0.5, c + " at the camera direction: y");

            double[] left = colourStats(SceneRenderer.frame(staticScene(SHORT, c, 29, -1), 0), c.rgb());
            assertEquals(112 - 112 * tan30, left[1], 1.5, c + " 30° to the left: x");
            assertEquals(112, left[2], 1.5, c + " 30° to the left: y");

            double[] up = colourStats(SceneRenderer.frame(staticScene(SHORT, c, -1, 19), 0), c.rgb());
            assertEquals(112, up[1], 0.5, c + " 20° up: x");
            assertEquals(112 - 112 * tan20, up[2], 1.5, c + " 20° up: y");
        }
    }

    @Test
    void frame_ofAnObjectBehindTheCamera_isBackgroundOnly() {
        RgbImage empty = SceneRenderer.frame(new Scene(FRONT_CAMERA, List.of(), SHORT), 0);
        for (SoundClass c : SoundClass.values()) {
            assertEquals(empty, SceneRenderer.frame(staticScene(SHORT, c, 179, 1), 0), c.name());
            assertEquals(empty, SceneRenderer.frame(staticScene(SHORT, c, 100, 0), 0), c + " 101° to the side");
        }
        assertTrue(!empty.equals(SceneRenderer.frame(staticScene(SHORT, SoundClass.RED_BALL, 40, 0), 0)));
    }

    @Test
    void frame_objectArea_isPiRSquared_andGrowsWithTheRadius() {
        for (SoundClass c : SoundClass.values()) {
            double last = 0;
            for (double deg : new double[] {4, 8, 12, 20}) {
                SceneConfig cfg = SHORT.withObjectRadiusDegrees(deg);
                double n = colourStats(SceneRenderer.frame(staticScene(cfg, c, -1, -1), 0), c.rgb())[0];
                double r = 112 * Math.tan(Math.toRadians(deg));
                assertEquals(Math.PI * r * r, n, 0.03 * Math.PI * r * r + 3 * r, c + " radius " + deg + "°");
                assertTrue(n > last);
                last = n;
            }
        }
    }

    @Test
    void frame_clipsObjectsAtTheBorder() {
        // 44° to the left: the disc's centre is 3.6 px inside the left border, about half of it shows
        SceneCamera cam = SceneCamera.of(staticScene(SHORT));
        Scene s = staticScene(SHORT, SoundClass.RED_BALL, 43, -1);
        double[] p = cam.project(Direction.ofDegrees(43, -1));
        double[] st = colourStats(SceneRenderer.frame(s, 0), SoundClass.RED_BALL.rgb());
        double r = cam.radiusPixels(12);
        assertTrue(p[0] > 0 && p[0] < r, "centre " + p[0]);
        assertTrue(st[0] > 0.4 * Math.PI * r * r && st[0] < 0.75 * Math.PI * r * r, "pixels " + st[0]);
    }
}
