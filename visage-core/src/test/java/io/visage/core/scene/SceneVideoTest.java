package io.visage.core.scene;

import io.visage.core.direction.CameraDirection;
import io.visage.core.frontend.FrontEnd;
import io.visage.core.media.Mp4Box;
import io.visage.core.media.Mp4Boxes;
import io.visage.core.video.RgbImage;
import io.visage.core.video.VideoDecoder;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SceneVideoTest {
    @TempDir
    Path tmp;

    /** A red ball crossing the view right to left at 20°/s and a static yellow diamond low on the right. */
    private static Scene movingScene() {
        return new Scene(
                CameraDirection.parse("45,90"),
                List.of(
                        new SceneObject(SoundClass.RED_BALL, new SourcePath(-41, 5, 20, 0)),
                        new SceneObject(SoundClass.YELLOW_STAR, SourcePath.fixed(-25, -20))),
                SceneConfig.DEFAULT);
    }

    private static int distance(RgbImage img, int x, int y, int[] rgb) {
        int d = 0;
        for (int c = 0; c < 3; c++) {
            d = Math.max(d, Math.abs(img.get(x, y, c) - rgb[c]));
        }
        return d;
    }

    /** Mean position of the pixels within {@code tol} of the colour: {count, x, y}. */
    private static double[] near(RgbImage img, int[] rgb, int tol) {
        double n = 0;
        double sx = 0;
        double sy = 0;
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                if (distance(img, x, y, rgb) <= tol) {
                    n++;
                    sx += x + 0.5;
                    sy += y + 0.5;
                }
            }
        }
        return new double[] {n, sx / n, sy / n};
    }

    @Test
    void video_decodesThroughTheProjectsPath_atFourFps_withTheObjectsWhereTheyAre() {
        Scene scene = movingScene();
        Path mp4 = tmp.resolve("scene.mp4");
        SceneVideo.write(scene, mp4);

        List<RgbImage> frames = VideoDecoder.JCODEC.readAll(mp4, FrontEnd.FPS, 224);
        assertEquals(20, frames.size()); // 5 s at 4 fps
        assertEquals(20, VideoDecoder.AUTO.readAll(mp4, FrontEnd.FPS, 224).size());
        SceneCamera cam = SceneCamera.of(scene);
        double r = cam.radiusPixels(12);
        int checked = 0;
        for (int k = 0; k < frames.size(); k++) {
            RgbImage f = frames.get(k);
            double t = k / FrontEnd.FPS; // the 4-fps sampler shows the 8-fps frame at k / 4 s
            for (SceneObject o : scene.objects()) {
                int[] rgb = o.soundClass().rgb();
                double[] p = cam.project(o.path().at(t));
                if (p[0] < r || p[0] > 224 - r) {
                    continue; // partly outside the frame: its centroid is off its centre
                }
                assertTrue(
                        distance(f, (int) p[0], (int) p[1], rgb) <= 40,
                        o.soundClass() + " frame " + k + " at " + (int) p[0] + "," + (int) p[1]);
                double[] st = near(f, rgb, 40);
                checked++;
                assertEquals(Math.PI * r * r, st[0], 0.15 * Math.PI * r * r, o.soundClass() + " area, frame " + k);
                assertEquals(p[0], st[1], 1.5, o.soundClass() + " x, frame " + k);
                assertEquals(p[1], st[2], 1.5, o.soundClass() + " y, frame " + k);
            }
            // background far from both objects: sky at the top, ground at the bottom
            assertTrue(distance(f, 112, 4, SceneRenderer.SKY) <= 12, "sky, frame " + k);
            assertTrue(distance(f, 20, 220, SceneRenderer.GROUND) <= 12, "ground, frame " + k);
        }
        // the ball crosses from 40° right of the camera (t = 0) to 30° left of it (t = 3.5 s)
        assertEquals(
                112 + 112 * Math.tan(Math.toRadians(40)), near(frames.get(0), SoundClass.RED_BALL.rgb(), 40)[1], 1.5);
        assertEquals(
                112 - 112 * Math.tan(Math.toRadians(30)), near(frames.get(14), SoundClass.RED_BALL.rgb(), 40)[1], 1.5);
        assertTrue(checked >= 30, "object positions checked: " + checked);
    }

    @Test
    void video_isReproducible_withoutWallClockTimesInItsHeaders() throws Exception {
        Scene scene = movingScene();
        Path a = tmp.resolve("a.mp4");
        Path b = tmp.resolve("b.mp4");
        SceneVideo.write(scene, a);
        SceneVideo.write(scene, b);
        byte[] bytes = Files.readAllBytes(a);
        assertArrayEquals(bytes, Files.readAllBytes(b));

        Mp4Box moov = Mp4Boxes.parseChildren(ByteBuffer.wrap(bytes), a, "").stream()
                .filter(x -> x.type().equals("moov"))
                .findFirst()
                .orElseThrow();
        List<Mp4Box> headers = List.of(
                moov.child("mvhd").orElseThrow(),
                moov.find("trak", "tkhd").orElseThrow(),
                moov.find("trak", "mdia", "mdhd").orElseThrow());
        for (Mp4Box h : headers) {
            ByteBuffer body = h.body();
            int version = body.get(0);
            assertEquals(0, version, h.type());
            assertEquals(0, body.getInt(4), h.type() + " creation time");
            assertEquals(0, body.getInt(8), h.type() + " modification time");
        }
        try (var s = Files.list(tmp)) {
            assertEquals(2, s.count(), "no temporary files left");
        }
    }
}
