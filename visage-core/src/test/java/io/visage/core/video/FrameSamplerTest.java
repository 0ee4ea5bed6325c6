package io.visage.core.video;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameSamplerTest {
    static final String BARS = "/video/smptebars-640x360-25fps-high.mp4";
    // Properties of the committed clip (see src/test/resources/video/README.md).
    private static final int SOURCE_W = 640;
    private static final int SOURCE_H = 360;
    private static final int SOURCE_FPS = 25;
    private static final int SOURCE_FRAMES = 125;
    private static final int BOX_X0 = 150;
    private static final int BOX_STEP = 13;
    private static final int BOX_PERIOD = 25;
    private static final int BOX_Y = 100;
    private static final int BOX_H = 40;
    private static final int BAR_COUNT = 7;
    private static final int[][] BAR_RGB = {
        {191, 191, 191}, {191, 191, 0}, {0, 191, 191}, {0, 191, 0}, {191, 0, 191}, {191, 0, 0}, {0, 0, 191}
    };

    static Path bars() {
        try {
            return Path.of(FrameSamplerTest.class.getResource(BARS).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reference rule written independently: slot n shows the last frame i with round(fps·i/25) ≤ n. */
    private static List<Integer> expectedSourceFrames(int fps) {
        int slots = (int) Math.floor((double) SOURCE_FRAMES * fps / SOURCE_FPS + 0.5);
        List<Integer> out = new ArrayList<>();
        for (int n = 0; n < slots; n++) {
            int best = 0;
            for (int i = 0; i < SOURCE_FRAMES; i++) {
                if ((2L * fps * i + SOURCE_FPS) / (2L * SOURCE_FPS) <= n) {
                    best = i;
                }
            }
            out.add(best);
        }
        return out;
    }

    @Test
    void readAll_barsClip_sampledFramesMatchFfmpegFpsRule() {
        int size = 224;
        List<RgbImage> frames = FrameSampler.readAll(bars(), 4, size);
        List<Integer> expected = expectedSourceFrames(4);
        assertEquals(expected.size(), frames.size(), "frame count at 4 fps");
        FrameGeometry g = FrameGeometry.of(SOURCE_W, SOURCE_H, size);
        double sx = (double) g.scaledWidth() / SOURCE_W;
        int row = (int) ((BOX_Y + BOX_H / 2.0) * g.scaledHeight() / SOURCE_H) - g.cropY();
        for (int n = 0; n < frames.size(); n++) {
            RgbImage f = frames.get(n);
            assertEquals(size, f.width());
            assertEquals(size, f.height());
            int left = -1;
            for (int x = 0; x < size && left < 0; x++) {
                if (f.get(x, row, 0) > 225 && f.get(x, row, 1) > 225 && f.get(x, row, 2) > 225) {
                    left = x;
                }
            }
            int phase = (expected.get(n) + 1) % BOX_PERIOD;
            double expectedLeft = (BOX_X0 + BOX_STEP * phase) * sx - g.cropX();
            if (expectedLeft >= 2 && expectedLeft < size - 2) {
                assertTrue(
                        Math.abs(left - expectedLeft) <= 2.5,
                        "slot " + n + ": expected source frame " + expected.get(n) + " (box at x~" + expectedLeft
                                + ") but the box is at x=" + left);
            }
        }
    }

    @Test
    void readAll_barsClip_colourBarsAtTheirCroppedPositions() {
        int size = 224;
        RgbImage f = FrameSampler.readAll(bars(), 4, size).get(0);
        FrameGeometry g = FrameGeometry.of(SOURCE_W, SOURCE_H, size);
        double sx = (double) g.scaledWidth() / SOURCE_W;
        int row = 20; // top section, above the box
        int checked = 0;
        for (int b = 0; b < BAR_COUNT; b++) {
            double centre = (b + 0.5) * SOURCE_W / BAR_COUNT * sx - g.cropX();
            if (centre < 6 || centre >= size - 6) {
                continue;
            }
            for (int c = 0; c < 3; c++) {
                int v = f.get((int) centre, row, c);
                assertTrue(
                        Math.abs(v - BAR_RGB[b][c]) <= 12,
                        "bar " + b + " channel " + c + ": " + v + " vs " + BAR_RGB[b][c]);
            }
            checked++;
        }
        assertTrue(checked >= 3, "at least three bars inside the crop");
    }

    @Test
    void geometry_followsReferenceIntegerRules() {
        FrameGeometry g = FrameGeometry.of(640, 360, 224);
        assertEquals(224 * 640 / 360, g.scaledWidth());
        assertEquals(224, g.scaledHeight());
        assertEquals((224 * 640 / 360 - 224) / 2, g.cropX());
        FrameGeometry p = FrameGeometry.of(360, 641, 224);
        assertEquals(224, p.scaledWidth());
        assertEquals(224 * 641 / 360, p.scaledHeight());
        assertEquals(0, p.cropX());
        assertEquals((224 * 641 / 360 - 224) / 2, p.cropY());
    }

    @Test
    void fpsRule_copiesSumToOutputLength_andDuplicateForSlowSources() {
        for (int srcFps : new int[] {2, 3, 4, 24, 25, 30}) {
            int frames = srcFps * 5;
            double[] pts = new double[frames];
            for (int i = 0; i < frames; i++) {
                pts[i] = (double) i / srcFps;
            }
            int[] copies = FpsRule.copies(pts, 5.0, 4);
            int sum = 0;
            for (int c : copies) {
                sum += c;
            }
            assertEquals(20, sum, "5 s at " + srcFps + " fps -> 20 frames at 4 fps");
        }
    }

    @Test
    void open_notMp4_throwsNamingFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("noise.mp4");
        Files.write(f, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20});
        VideoFormatException e = assertThrows(VideoFormatException.class, () -> FrameSampler.readAll(f, 4, 224));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertEquals(f, e.file());
    }

    @Test
    void open_missingFile_throwsNamingFile(@TempDir Path dir) {
        Path f = dir.resolve("absent.mp4");
        VideoFormatException e = assertThrows(VideoFormatException.class, () -> FrameSampler.open(f, 4, 224));
        assertTrue(e.getMessage().contains("absent.mp4") && e.getMessage().contains("no such"), e.getMessage());
    }

    @Test
    void readAll_truncatedFile_throwsNamingFile(@TempDir Path dir) throws IOException {
        byte[] all = Files.readAllBytes(bars());
        Path f = dir.resolve("cut.mp4");
        Files.write(f, java.util.Arrays.copyOf(all, all.length * 2 / 3));
        VideoFormatException e = assertThrows(VideoFormatException.class, () -> FrameSampler.readAll(f, 4, 224));
        assertTrue(e.getMessage().contains("cut.mp4"), e.getMessage());
    }

    @Test
    void next_streamsWithoutHoldingTheVideo() {
        try (FrameSampler s = FrameSampler.open(bars(), 4, 224)) {
            RgbImage first = s.next();
            assertNotNull(first);
            assertNotNull(s.geometry());
            assertEquals(224 * SOURCE_W / SOURCE_H, s.geometry().scaledWidth());
        }
    }

    @Test
    void readAll_jcodecEncodedClip_frameCountAndBars(@TempDir Path dir) {
        Path f = dir.resolve("synthetic.mp4");
        int fps = 10;
        int frames = 25; // 2.5 s
        SyntheticVideo.writeColourBars(f, 320, 180, fps, frames);
        List<RgbImage> out = FrameSampler.readAll(f, 4, 64);
        assertEquals(Math.round(4.0 * frames / fps), out.size(), "2.5 s at 4 fps");
        FrameGeometry g = FrameGeometry.of(320, 180, 64);
        RgbImage first = out.get(0);
        double sx = (double) g.scaledWidth() / 320;
        for (int b = 0; b < BAR_COUNT; b++) {
            double centre = (b + 0.5) * 320 / BAR_COUNT * sx - g.cropX();
            if (centre < 3 || centre >= 61) {
                continue;
            }
            for (int c = 0; c < 3; c++) {
                int v = first.get((int) centre, 5, c);
                assertTrue(Math.abs(v - SyntheticVideo.BARS[b][c]) <= 16, "bar " + b + " channel " + c + ": " + v);
            }
        }
    }
}
