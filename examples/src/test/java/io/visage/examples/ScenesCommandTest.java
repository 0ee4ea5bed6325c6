package io.visage.examples;

import io.visage.audio.io.AudioBuffer;
import io.visage.audio.io.Wav;
import io.visage.core.data.AmbiIndex;
import io.visage.core.direction.CameraDirection;
import io.visage.core.frontend.FrontEnd;
import io.visage.core.scene.SceneJson;
import io.visage.core.video.VideoDecoder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScenesCommandTest {
    @TempDir
    Path tmp;

    record Run(int status, String out, String err) {}

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = VisageCli.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void scenes_writesTwoClipsReadyForPrepare() {
        Path out = tmp.resolve("set");
        Run run = cli("scenes", "--out", out.toString(), "--count", "2", "--seed", "3", "--seconds", "2");

        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().startsWith("scenes: 2 clips in " + out + " (2 rendered, 0 kept"), run.out());
        assertTrue(run.out().contains("visage prepare --videos " + out.resolve("video")), run.out());
        Map<String, CameraDirection> ambi = AmbiIndex.read(out.resolve("ambi.json"));
        assertEquals(java.util.Set.of("s3-00000", "s3-00001"), ambi.keySet());
        assertEquals(2, SceneJson.read(out.resolve("scenes.json")).scenes().size());
        for (String id : ambi.keySet()) {
            AudioBuffer foa = Wav.read(out.resolve("foa").resolve(id + ".wav"));
            assertEquals(4, foa.channelCount());
            assertEquals(32000, foa.frames());
            assertEquals(
                    8,
                    VideoDecoder.JCODEC
                            .readAll(out.resolve("video").resolve(id + ".mp4"), FrontEnd.FPS, 224)
                            .size());
        }

        Run again = cli("scenes", "--out", out.toString(), "--count", "2", "--seed", "3", "--seconds", "2");
        assertEquals(0, again.status(), again.err());
        assertTrue(again.out().contains("(0 rendered, 2 kept"), again.out());
    }

    @Test
    void scenes_fixedCamera_andFov() {
        Path out = tmp.resolve("fixed");
        Run run = cli(
                "scenes",
                "--out",
                out.toString(),
                "--count",
                "1",
                "--seed",
                "1",
                "--seconds",
                "1",
                "--fov",
                "60",
                "--camera-index",
                "45,135");
        assertEquals(0, run.status(), run.err());
        assertEquals(
                new CameraDirection(45, 135),
                AmbiIndex.read(out.resolve("ambi.json")).get("s1-00000"));
        assertEquals(60, SceneJson.read(out.resolve("scenes.json")).config().fovDegrees());
        assertTrue(run.out().contains("camera 45,135"), run.out());
    }

    @Test
    void badArguments_areOneLineErrors() throws Exception {
        String dir = tmp.resolve("x").toString();
        for (String[] args : new String[][] {
            {"scenes", "--out", dir, "--count", "0", "--seed", "1"},
            {"scenes", "--out", dir, "--count", "2", "--seed", "1", "--seconds", "0.01"},
            {"scenes", "--out", dir, "--count", "2", "--seed", "1", "--fov", "200"},
            {"scenes", "--out", dir, "--count", "2", "--seed", "1", "--camera-index", "45"},
            {"scenes", "--out", dir, "--count", "2", "--seed", "1", "--camera-index", "45,200"}
        }) {
            Run r = cli(args);
            assertEquals(2, r.status(), String.join(" ", args));
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().startsWith("visage scenes: --"), r.err());
        }
        assertFalse(Files.exists(tmp.resolve("x")), "nothing written for bad arguments");

        Path foreign = Files.createDirectories(tmp.resolve("foreign"));
        Files.writeString(foreign.resolve("keep.txt"), "x");
        Run r = cli("scenes", "--out", foreign.toString(), "--count", "1", "--seed", "1");
        assertEquals(1, r.status());
        assertTrue(r.err().strip().endsWith("choose a new or empty folder"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
