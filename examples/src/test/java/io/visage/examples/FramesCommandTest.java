package io.visage.examples;

import io.visage.nn.io.Npy;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code visage frames} on the committed clips of visage-core's tests (copied out of its test jar). */
class FramesCommandTest {
    private static String out;
    private static String err;

    private static int run(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int status = VisageCli.execute(new PrintWriter(o), new PrintWriter(e), args);
        out = o.toString();
        err = e.toString();
        return status;
    }

    static Path copyResource(String name, Path dir) throws IOException {
        try (InputStream in = FramesCommandTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + name + " is missing (visage-core test jar)");
            }
            Path f = dir.resolve(Path.of(name).getFileName().toString());
            Files.copy(in, f);
            return f;
        }
    }

    private static List<String> goldenHashes(String clip) throws IOException {
        try (InputStream in = FramesCommandTest.class.getResourceAsStream("/video/ffmpeg/" + clip + ".golden")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> !l.startsWith("#"))
                    .toList();
        }
    }

    @Test
    void ffmpeg_webm_writesFramesNpyEqualToTheGoldenFrames(@TempDir Path dir) throws Exception {
        Path video = copyResource("/video/ffmpeg/vp9.webm", dir);
        Path o = dir.resolve("frames-out");
        assertEquals(
                0, run("frames", "--video", video.toString(), "--out", o.toString(), "--video-decoder", "ffmpeg"), err);
        INDArray a = Npy.read(o.resolve("frames.npy"));
        List<String> golden = goldenHashes("vp9.webm");
        assertEquals(DataType.UBYTE, a.dataType());
        assertArrayEquals(new long[] {golden.size(), 224, 224, 3}, a.shape());
        byte[] all = Files.readAllBytes(o.resolve("frames.npy"));
        int frameBytes = 224 * 224 * 3;
        int offset = all.length - golden.size() * frameBytes;
        for (int i = 0; i < golden.size(); i++) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(all, offset + i * frameBytes, frameBytes);
            assertEquals(golden.get(i), HexFormat.of().formatHex(md.digest()), "frame " + i);
        }
        assertTrue(out.contains(golden.size() + " frames (ffmpeg)"), out);
        try (Stream<Path> s = Files.list(o)) {
            assertEquals(
                    List.of("frames.npy"),
                    s.map(p -> p.getFileName().toString()).toList(),
                    "no leftovers");
        }
    }

    @Test
    void auto_mp4_usesJcodec_andTheSizeOption(@TempDir Path dir) throws IOException {
        Path video = copyResource("/video/smptebars-640x360-25fps-high.mp4", dir);
        assertEquals(0, run("frames", "--video", video.toString(), "--out", dir.toString(), "--size", "32"), err);
        INDArray a = Npy.read(dir.resolve("frames.npy"));
        assertEquals(32, a.size(1));
        assertTrue(out.contains("(jcodec)"), out);
    }

    @Test
    void badInput_oneLineNamingTheFile_exitOne_nothingWritten(@TempDir Path dir) throws IOException {
        for (String name : List.of("/video/ffmpeg/audio-only.m4a", "/video/ffmpeg/too-short.mp4")) {
            Path video = copyResource(name, dir);
            Path o = dir.resolve("o-" + video.getFileName());
            assertEquals(1, run("frames", "--video", video.toString(), "--out", o.toString()), err);
            assertTrue(err.startsWith("visage frames: " + video), err);
            assertEquals(1, err.strip().lines().count(), err);
            assertFalse(Files.exists(o), "nothing written for " + name);
        }
        Path missing = dir.resolve("nope.mkv");
        assertEquals(
                1,
                run(
                        "frames",
                        "--video",
                        missing.toString(),
                        "--out",
                        dir.resolve("x").toString()),
                err);
        assertTrue(err.contains("nope.mkv") && err.contains("no such video file"), err);
    }

    @Test
    void unknownDecoder_isAUsageError() {
        assertEquals(2, run("frames", "--video", "x.mp4", "--out", ".", "--video-decoder", "gstreamer"));
        assertTrue(err.contains("'gstreamer' is not a video decoder"), err);
    }
}
