package io.visage.core.video;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The FFmpeg backend against frames the ffmpeg command line extracted with the reference's filter
 * chain ({@code src/test/resources/video/ffmpeg/make-golden.sh}; each {@code .golden} file holds the
 * command and the SHA-256 of every rgb24 frame), and its failures on bad input.
 */
class FfmpegFrameSourceTest {
    private static final String DIR = "/video/ffmpeg";

    static Path resource(String name) {
        try {
            return Path.of(FfmpegFrameSourceTest.class.getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resource " + name + " is missing", e);
        }
    }

    /** Every committed clip with a golden file (the clip's name is the golden file's minus ".golden"). */
    static Stream<String> goldenFiles() throws IOException {
        Path dir = resource(DIR);
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".golden"))
                    .sorted()
                    .forEach(names::add);
        }
        assertTrue(names.size() >= 10, "expected the committed golden files in " + dir + ", found " + names);
        return names.stream();
    }

    private record Golden(String command, int size, List<String> hashes) {}

    private static Golden readGolden(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            String command = lines.get(0).substring(2);
            String[] header = lines.get(1).split("[ ,]+");
            int frames = Integer.parseInt(header[2]);
            int size = Integer.parseInt(header[4]);
            List<String> hashes = lines.subList(2, lines.size());
            assertEquals(frames, hashes.size(), file + ": frame count in the header");
            return new Golden(command, size, hashes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path clipOf(String goldenName) {
        String clip = goldenName.substring(0, goldenName.length() - ".golden".length());
        return clip.startsWith("smptebars") ? resource("/video/" + clip) : resource(DIR + "/" + clip);
    }

    static String sha256(RgbImage img) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(img.rgb()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenFiles")
    void frames_equalTheFfmpegCommandLinesBytes(String goldenName) {
        Golden g = readGolden(resource(DIR + "/" + goldenName));
        Path clip = clipOf(goldenName);
        List<String> got = new ArrayList<>();
        try (FfmpegFrameSource s = FfmpegFrameSource.open(clip, 4, g.size())) {
            for (RgbImage f = s.next(); f != null; f = s.next()) {
                assertEquals(g.size(), f.width());
                assertEquals(g.size(), f.height());
                got.add(sha256(f));
            }
            assertNull(s.next(), "stays at the end");
        }
        assertEquals(g.hashes().size(), got.size(), clip + ": frame count (golden: " + g.command() + ")");
        for (int i = 0; i < got.size(); i++) {
            assertEquals(g.hashes().get(i), got.get(i), clip + ": frame " + i + " differs from " + g.command());
        }
    }

    @Test
    void rotatedClip_isTurnedUpright_andTheGeometryUsesTheUprightSize() {
        Path clip = resource(DIR + "/h264-rotated90.mp4");
        try (FfmpegFrameSource s = FfmpegFrameSource.open(clip, 4, 224)) {
            assertTrue(s.rotation().swapsAxes(), "rotation " + s.rotation());
            assertNotNull(s.next());
            FrameGeometry geo = s.filter().geometry();
            assertEquals(180, geo.sourceWidth());
            assertEquals(320, geo.sourceHeight());
            assertEquals(224, geo.scaledWidth());
            assertEquals(224 * 320 / 180, geo.scaledHeight());
        }
    }

    @Test
    void barsClip_sameFrameCountAsJcodec_andCloseToIt() {
        Path clip = resource("/video/smptebars-640x360-25fps-high.mp4");
        List<RgbImage> jcodec = FrameSampler.readAll(clip, 4, 224);
        List<RgbImage> ffmpeg = new ArrayList<>();
        try (FrameSource s = VideoDecoder.FFMPEG.open(clip, 4, 224)) {
            assertEquals(VideoDecoder.FFMPEG, s.decoder());
            for (RgbImage f = s.next(); f != null; f = s.next()) {
                ffmpeg.add(f);
            }
        }
        assertEquals(jcodec.size(), ffmpeg.size());
        for (int i = 0; i < ffmpeg.size(); i++) {
            double psnr = psnr(jcodec.get(i), ffmpeg.get(i));
            assertTrue(
                    psnr > 25, "frame " + i + ": JCodec vs FFmpeg PSNR " + psnr + " dB (same source frame expected)");
        }
    }

    private static double psnr(RgbImage a, RgbImage b) {
        double se = 0;
        for (int i = 0; i < a.rgb().length; i++) {
            double d = (a.rgb()[i] & 0xff) - (b.rgb()[i] & 0xff);
            se += d * d;
        }
        double mse = se / a.rgb().length;
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
    }

    @Test
    void auto_usesJcodecForH264Mp4_andFfmpegForOtherCodecs() {
        try (FrameSource s = VideoDecoder.AUTO.open(resource("/video/smptebars-640x360-25fps-high.mp4"), 4, 64)) {
            assertEquals(VideoDecoder.JCODEC, s.decoder());
            assertNotNull(s.next());
        }
        for (String clip : List.of("vp9.webm", "h264-10bit.mp4", "mpeg4.avi")) {
            Path file = resource(DIR + "/" + clip);
            Golden g = readGolden(resource(DIR + "/" + clip + ".golden"));
            try (FrameSource s = VideoDecoder.AUTO.open(file, 4, g.size())) {
                assertEquals(VideoDecoder.FFMPEG, s.decoder(), clip);
                assertEquals(g.hashes().get(0), sha256(s.next()), clip + ": first frame");
            }
        }
    }

    @Test
    void jcodec_rejectsWhatFfmpegReads() {
        for (String clip : List.of("vp9.webm", "h264-10bit.mp4")) {
            Path file = resource(DIR + "/" + clip);
            assertThrows(VideoFormatException.class, () -> {
                try (FrameSource s = VideoDecoder.JCODEC.open(file, 4, 64)) {
                    s.next();
                }
            });
        }
    }

    private static VideoFormatException failure(Path file) {
        return assertThrows(VideoFormatException.class, () -> {
            try (FfmpegFrameSource s = FfmpegFrameSource.open(file, 4, 224)) {
                while (s.next() != null) {
                    // drain
                }
            }
        });
    }

    private static void assertOneLineNaming(VideoFormatException e, Path file, String problem) {
        String m = e.getMessage();
        assertTrue(m.startsWith(file.toString() + ": "), "names the file: " + m);
        assertTrue(m.contains(problem), "says '" + problem + "': " + m);
        assertTrue(!m.contains("\n"), "one line: " + m);
        assertEquals(file, e.file());
    }

    @Test
    void audioOnlyFile_noVideoStream() {
        Path f = resource(DIR + "/audio-only.m4a");
        assertOneLineNaming(failure(f), f, "no video stream");
    }

    @Test
    void clipShorterThanOneFrameAt4Fps() {
        Path f = resource(DIR + "/too-short.mp4");
        assertOneLineNaming(failure(f), f, "shorter than one frame");
    }

    @Test
    void missingEmptyAndGarbageFiles(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("nope.mp4");
        assertOneLineNaming(failure(missing), missing, "no such video file");
        Path empty = Files.write(dir.resolve("empty.mkv"), new byte[0]);
        assertOneLineNaming(failure(empty), empty, "not a readable video file");
        byte[] junk = new byte[4096];
        new java.util.Random(7).nextBytes(junk);
        Path garbage = Files.write(dir.resolve("garbage.webm"), junk);
        assertOneLineNaming(failure(garbage), garbage, "not a readable video file");
    }

    @Test
    void truncatedFiles(@TempDir Path dir) throws IOException {
        // index (moov) first, media cut: fewer packets than the index lists
        byte[] bars = Files.readAllBytes(resource("/video/smptebars-640x360-25fps-high.mp4"));
        Path cut = Files.write(dir.resolve("cut.mp4"), java.util.Arrays.copyOf(bars, bars.length / 2));
        assertOneLineNaming(failure(cut), cut, "truncated");
        // index at the end (x264's default mp4 layout), cut before it
        byte[] hevc = Files.readAllBytes(resource(DIR + "/hevc.mp4"));
        Path noIndex = Files.write(dir.resolve("noindex.mp4"), java.util.Arrays.copyOf(hevc, hevc.length / 2));
        assertOneLineNaming(failure(noIndex), noIndex, "not a readable video file");
    }

    @Test
    void videoTrackWithoutFrames_endsInsideItsHeaders(@TempDir Path dir) throws IOException {
        // the WebM's headers (EBML, Segment, Tracks with the VP9 track) up to its first Cluster
        // (the first Cluster ID after the Tracks element; the SeekHead before it holds the ID too)
        byte[] webm = Files.readAllBytes(resource(DIR + "/vp9.webm"));
        int tracks = indexOf(webm, new byte[] {0x16, 0x54, (byte) 0xAE, 0x6B}, 0);
        assertTrue(tracks > 0, "the WebM has a Tracks element");
        int cluster = indexOf(webm, new byte[] {0x1F, 0x43, (byte) 0xB6, 0x75}, tracks);
        assertTrue(cluster > 0, "the WebM has a Cluster");
        Path f = Files.write(dir.resolve("zero-frames.webm"), java.util.Arrays.copyOf(webm, cluster));
        assertOneLineNaming(failure(f), f, "ends inside its headers");
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = from; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void damagedData_failsWithTheFileName_orDecodesEveryFrame(@TempDir Path dir) throws IOException {
        byte[] webm = Files.readAllBytes(resource(DIR + "/vp9.webm"));
        byte[] bad = webm.clone();
        java.util.Random r = new java.util.Random(3);
        for (int i = bad.length / 3; i < bad.length; i += 97) {
            bad[i] = (byte) r.nextInt();
        }
        Path f = Files.write(dir.resolve("damaged.webm"), bad);
        try (FfmpegFrameSource s = FfmpegFrameSource.open(f, 4, 64)) {
            int n = 0;
            while (s.next() != null) {
                n++;
            }
            fail("damaged data decoded without an error (" + n + " frames)");
        } catch (VideoFormatException e) {
            assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        }
    }

    @Test
    void closedSource_throws_andCloseTwiceIsHarmless() {
        FfmpegFrameSource s = FfmpegFrameSource.open(resource(DIR + "/vp8.webm"), 4, 64);
        assertNotNull(s.next());
        s.close();
        s.close();
        assertThrows(IllegalStateException.class, s::next);
    }
}
