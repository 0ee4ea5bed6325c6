package io.visage.examples;

import io.visage.audio.io.AudioBuffer;
import io.visage.audio.io.Wav;
import io.visage.core.direction.CameraDirection;
import io.visage.core.generate.Sampler;
import io.visage.core.pipeline.PipelineProgress;
import io.visage.core.scene.SceneRenderer;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoCommandTest {
    @TempDir
    Path dir;

    @Test
    void sceneDemo_writesTheSceneItsTruthTheGeneratedFoaAndScoresIt() throws Exception {
        CameraDirection camera = new CameraDirection(45, 135);
        DemoCommand.Outcome o = DemoCommand.runScene(
                dir,
                camera,
                DemoScene.DEFAULT_SEED,
                new DemoCommand.Networks(null, 5),
                new Sampler.TopK(16, 1.0, new SplittableRandom(3)),
                StageTimings.startingNow(PipelineProgress.NONE));

        for (String f : new String[] {
            "demo-input.mp4", "demo-truth.wav", "demo.wav", "demo.mp4", "demo-stereo.wav", "demo-energy.png"
        }) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f + " missing; wrote " + o.written());
            assertTrue(o.written().contains(dir.resolve(f)) || f.equals("demo-input.mp4"), f + " not reported");
        }
        AudioBuffer truth = Wav.read(dir.resolve("demo-truth.wav"));
        float[][] expected = SceneRenderer.foa(DemoScene.of(camera, DemoScene.DEFAULT_SEED));
        assertEquals(4, truth.channelCount());
        for (int ch = 0; ch < 4; ch++) {
            assertArrayEquals(expected[ch], truth.channels()[ch], "truth channel " + ch);
        }
        AudioBuffer gen = Wav.read(dir.resolve("demo.wav"));
        assertEquals(4, gen.channelCount());
        assertEquals(DemoCommand.RATE_HZ, gen.sampleRate());
        assertNotNull(o.scores());
        assertTrue(
                o.scores().corrAll() >= -1 && o.scores().corrAll() <= 1,
                "CC " + o.scores().corrAll());
        assertTrue(
                o.scores().aucJAll() >= 0 && o.scores().aucJAll() <= 1,
                "AUC " + o.scores().aucJAll());
        BufferedImage png = ImageIO.read(dir.resolve("demo-energy.png").toFile());
        assertTrue(png.getWidth() > 2 * 180, "two maps side by side: " + png.getWidth());
    }

    @Test
    void cli_sceneDemo_printsTheScores() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = VisageCli.execute(
                new PrintWriter(out),
                new PrintWriter(err),
                "demo",
                "--scene",
                "--out",
                dir.toString(),
                "--camera-index",
                "45,90",
                "--top-k",
                "8");
        assertEquals(0, status, err.toString());
        assertTrue(out.toString().contains("against demo-truth.wav: CC "), out.toString());
        assertTrue(out.toString().contains("(synthetic scene)"), out.toString());
        assertTrue(err.toString().contains("RANDOM, UNTRAINED"), err.toString());
        assertTrue(Files.isRegularFile(dir.resolve("demo-truth.wav")));
    }

    @Test
    void sceneAndVideo_together_isAUsageError() {
        StringWriter err = new StringWriter();
        int status = VisageCli.execute(
                new PrintWriter(new StringWriter()),
                new PrintWriter(err),
                "demo",
                "--scene",
                "--video",
                "x.mp4",
                "--out",
                dir.toString());
        assertEquals(2, status, err.toString());
        assertTrue(err.toString().contains("give --scene or --video, not both"), err.toString());
    }

    @Test
    void badSampling_isAUsageError() {
        StringWriter err = new StringWriter();
        int status = VisageCli.execute(
                new PrintWriter(new StringWriter()),
                new PrintWriter(err),
                "demo",
                "--out",
                dir.toString(),
                "--top-k",
                "0");
        assertEquals(2, status, err.toString());
        assertTrue(err.toString().contains("--top-k must be >= 1"), err.toString());
    }
}
