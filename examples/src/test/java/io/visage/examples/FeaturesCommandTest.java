package io.visage.examples;

import io.visage.core.direction.CameraDirection;
import io.visage.core.video.SyntheticVideo;
import io.visage.nn.io.Npy;
import io.visage.nn.testing.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeaturesCommandTest {

    @Test
    void run_tinyWeights_writesThreeNpyFiles(@TempDir Path dir) {
        Path video = dir.resolve("in.mp4");
        int fps = 10;
        int frames = 20; // 2 s -> 8 frames at 4 fps
        SyntheticVideo.writeColourBars(video, 160, 96, fps, frames);
        CameraDirection d = new CameraDirection(45, 90);
        StringWriter err = new StringWriter();
        FeaturesCommand.Result r = FeaturesCommand.run(
                video, d, Fixtures.set("clip-tiny"), dir.resolve("out"), 3, 0, new PrintWriter(err, true));
        assertEquals(Math.round(4.0 * frames / fps), r.frames());
        INDArray clip = Npy.read(dir.resolve("out/clip.npy"));
        INDArray energy = Npy.read(dir.resolve("out/energy_map.npy"));
        INDArray direction = Npy.read(dir.resolve("out/direction.npy"));
        assertArrayEquals(new long[] {r.frames(), r.clipDim()}, clip.shape());
        assertArrayEquals(new long[] {r.frames(), r.patches()}, energy.shape());
        assertArrayEquals(d.vector(), direction.toFloatVector());
        assertTrue(!r.randomWeights() && err.toString().isEmpty(), err.toString());
    }

    @Test
    void cli_badVideo_exitsOneWithFileName(@TempDir Path dir) throws Exception {
        Path video = dir.resolve("broken.mp4");
        Files.writeString(video, "not a video at all, definitely not an mp4 file");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = VisageCli.execute(
                new PrintWriter(out),
                new PrintWriter(err),
                "features",
                "--video",
                video.toString(),
                "--camera-index",
                "45,90",
                "--weights",
                Fixtures.set("clip-tiny").toString(),
                "--out",
                dir.resolve("o").toString());
        assertEquals(1, status, err.toString());
        assertTrue(err.toString().contains("broken.mp4"), err.toString());
    }

    @Test
    void cli_cameraIndexOutOfRange_failsWithRange(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        int status = VisageCli.execute(
                new PrintWriter(new StringWriter()),
                new PrintWriter(err),
                "features",
                "--video",
                dir.resolve("x.mp4").toString(),
                "--camera-index",
                "95,10",
                "--out",
                dir.toString());
        assertEquals(1, status);
        assertTrue(err.toString().contains("elevation index") && err.toString().contains("95"), err.toString());
    }
}
