package io.visage.examples;

import io.visage.audio.io.AudioBuffer;
import io.visage.audio.io.Wav;
import io.visage.core.direction.CameraDirection;
import io.visage.core.generate.Sampler;
import io.visage.core.media.SpatialAudioBox;
import io.visage.core.media.SpatialMp4Reader;
import io.visage.core.pipeline.Components;
import io.visage.core.pipeline.PipelineProgress;
import io.visage.core.video.SyntheticVideo;
import io.visage.core.video.VideoFormatException;
import io.visage.nn.ConfigException;
import io.visage.nn.testing.Fixtures;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The end-to-end pipeline with small random networks, and bad input as a new user would give it. */
class GenerateCommandTest {

    private static int[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = VisageCli.execute(new PrintWriter(out), new PrintWriter(err), args);
        lastErr = err.toString();
        return new int[] {status};
    }

    private static String lastErr = "";

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void demo_writesFoaWavSpatialMp4PreviewAndPng_withTheReferenceSampleCount(@TempDir Path dir) throws IOException {
        int seconds = 2;
        Path input = dir.resolve("in.mp4");
        SyntheticVideo.writeColourBars(input, 64, 48, 8, 8 * seconds);
        GenerateCommand.Result r =
                DemoCommand.runRandomWeights(dir, input, new CameraDirection(40, 60), 7, PipelineProgress.NONE);

        // reference lengths: ceil(int(F/4 * 44100) / 512) codec frames of 512 samples, resampled 44.1 -> 16 kHz
        int frames = seconds * 4;
        long codecFrames = (long) Math.ceil((double) (long) (frames / 4.0 * 44100) / 512);
        long expected16k = (long) Math.ceil(codecFrames * 512 * 160 / 441.0);
        AudioBuffer wav = Wav.read(dir.resolve("demo.wav"));
        assertEquals(4, wav.channelCount());
        assertEquals(16000, wav.sampleRate());
        assertEquals(expected16k, wav.channels()[0].length);
        assertEquals(expected16k, r.samples());

        SpatialAudioBox box =
                SpatialMp4Reader.readSpatialAudio(dir.resolve("demo.mp4")).orElseThrow();
        assertEquals(1, box.order());
        assertEquals(List.of(0, 1, 2, 3), box.channelMap());
        assertEquals(2, Wav.read(dir.resolve("demo-stereo.wav")).channelCount());
        BufferedImage png = ImageIO.read(dir.resolve("demo-energy.png").toFile());
        assertTrue(png.getWidth() > 180 && png.getHeight() > 90, "energy map picture");
        assertTrue(
                files(dir).stream().noneMatch(f -> f.endsWith(".part") || f.endsWith(".tmp")),
                files(dir).toString());
    }

    @Test
    void demo_webmInput_decodedByFfmpeg_writesTheWavButNoMp4(@TempDir Path dir) throws IOException {
        Path input = FramesCommandTest.copyResource("/video/ffmpeg/vp8.webm", dir);
        GenerateCommand.Result r = DemoCommand.runRandomWeights(
                dir,
                input,
                io.visage.core.video.VideoDecoder.AUTO,
                new CameraDirection(40, 60),
                7,
                0,
                io.visage.core.pipeline.WindowPlan.Join.CROSSFADE,
                StageTimings.startingNow(PipelineProgress.NONE));
        assertEquals(4, Wav.read(dir.resolve("demo.wav")).channelCount());
        assertTrue(r.samples() > 0);
        assertTrue(Files.exists(dir.resolve("demo-input.webm")));
        assertFalse(Files.exists(dir.resolve("demo.mp4")), "no MP4 from a WebM input");
        assertFalse(r.written().contains(dir.resolve("demo.mp4")), r.written().toString());
    }

    @Test
    void mp4OutputFromAWebmInput_failsBeforeGenerating(@TempDir Path dir) throws IOException {
        Path input = FramesCommandTest.copyResource("/video/ffmpeg/vp9.webm", dir);
        GenerateCommand.Options o = new GenerateCommand.Options(
                input,
                io.visage.core.video.VideoDecoder.FFMPEG,
                GenerateCommand.CameraSpec.ofIndex(new CameraDirection(45, 90)),
                dir.resolve("out.wav"),
                dir.resolve("out.mp4"),
                null,
                null,
                null,
                new Sampler.TopK(16, 1.0, new SplittableRandom(1)),
                16000);
        int[] steps = {0};
        PipelineProgress counting = (stage, done, total) -> steps[0]++;
        ConfigException e;
        try (Components nets = DemoModels.create(3)) {
            e = assertThrows(ConfigException.class, () -> GenerateCommand.run(nets, o, counting));
        }
        assertTrue(e.getMessage().contains("--mp4") && e.getMessage().contains("vp9.webm"), e.getMessage());
        assertEquals(0, steps[0], "nothing ran");
        assertEquals(List.of("vp9.webm"), files(dir));
    }

    @Test
    void demo_ofALongVideo_joinsOverlappingWindows_toTheExpectedLength(@TempDir Path dir) throws IOException {
        int seconds = 6; // 24 CLIP frames: windows [0, 20) and [16, 24) with a 1-s overlap
        Path input = dir.resolve("long.mp4");
        SyntheticVideo.writeColourBars(input, 64, 48, 8, 8 * seconds);
        GenerateCommand.Result r = DemoCommand.runRandomWeights(
                dir,
                input,
                io.visage.core.video.VideoDecoder.AUTO,
                new CameraDirection(45, 90),
                5,
                1.0,
                io.visage.core.pipeline.WindowPlan.Join.CROSSFADE,
                StageTimings.startingNow(PipelineProgress.NONE));
        assertEquals(2, r.windows());
        // 4 s up to the last window's start (16 frames) + its 8-frame decode with the reference's padding
        long lastStart = 16L * 44100 / 4;
        long lastFrames = (long) Math.ceil((double) (long) (8 / 4.0 * 44100) / 512);
        long expected16k = (long) Math.ceil((lastStart + lastFrames * 512) * 160 / 441.0);
        assertEquals(expected16k, r.samples());
        assertEquals(expected16k, Wav.read(dir.resolve("demo.wav")).channels()[0].length);
    }

    @Test
    void overlapAndJoinOptions_areValidatedAndDocumented(@TempDir Path dir) throws IOException {
        int[] s = run("demo", "--out", dir.toString(), "--overlap", "0.3");
        assertEquals(1, s[0]);
        assertTrue(lastErr.contains("0.3 s is not a whole number of CLIP frames"), lastErr);
        assertFalse(lastErr.contains("\tat "), lastErr);
        s = run("demo", "--out", dir.toString(), "--overlap", "5");
        assertEquals(1, s[0]);
        assertTrue(lastErr.contains("leaves no hop"), lastErr);
        s = run("demo", "--out", dir.toString(), "--join", "blend");
        assertEquals(2, s[0]);
        assertTrue(lastErr.contains("crossfade or cut"), lastErr);
        assertEquals(List.of(), files(dir), "nothing written");

        Path video = dir.resolve("in.mp4");
        SyntheticVideo.writeColourBars(video, 64, 48, 8, 8);
        s = run(
                "generate",
                "--video",
                video.toString(),
                "--camera-index",
                "45,90",
                "--weights",
                dir.toString(),
                "--out",
                dir.resolve("o.wav").toString(),
                "--overlap",
                "-1");
        assertEquals(1, s[0]);
        assertTrue(lastErr.contains("--overlap must be a non-negative"), lastErr);

        StringWriter out = new StringWriter();
        assertEquals(
                0, VisageCli.execute(new PrintWriter(out), new PrintWriter(new StringWriter()), "generate", "--help"));
        assertTrue(out.toString().contains("--overlap=SECONDS"), out.toString());
        assertTrue(out.toString().contains("--join=METHOD"), out.toString());
    }

    @Test
    void bf16AndInt8Weights_generateTheSameLength_andAnUnknownDtypeIsAUsageError(@TempDir Path dir) throws IOException {
        Path video = dir.resolve("in.mp4");
        SyntheticVideo.writeColourBars(video, 64, 48, 8, 8);
        long[] samples = new long[3];
        io.visage.nn.kernel.WeightFormat[] formats = io.visage.nn.kernel.WeightFormat.values();
        for (int i = 0; i < formats.length; i++) {
            GenerateCommand.Options o = new GenerateCommand.Options(
                    video,
                    io.visage.core.video.VideoDecoder.AUTO,
                    GenerateCommand.CameraSpec.ofIndex(new CameraDirection(45, 90)),
                    dir.resolve(formats[i].label() + ".wav"),
                    null,
                    null,
                    null,
                    null,
                    new Sampler.Greedy(),
                    16000,
                    0,
                    io.visage.core.pipeline.WindowPlan.Join.CROSSFADE,
                    formats[i]);
            try (Components nets = DemoModels.create(3)) {
                samples[i] = GenerateCommand.run(nets, o, PipelineProgress.NONE).samples();
            }
            assertEquals(
                    samples[0],
                    Wav.read(dir.resolve(formats[i].label() + ".wav")).channels()[0].length);
        }
        assertEquals(samples[0], samples[1]);
        assertEquals(samples[0], samples[2]);
        int[] s = run(
                "generate",
                "--video",
                video.toString(),
                "--camera-index",
                "45,90",
                "--weights",
                dir.toString(),
                "--out",
                dir.resolve("x.wav").toString(),
                "--weights-dtype",
                "fp16");
        assertEquals(2, s[0]);
        assertTrue(lastErr.contains("unknown weight format 'fp16'"), lastErr);
    }

    @Test
    void truncatedVideo_failsNamingTheFile_andWritesNothing(@TempDir Path dir) throws IOException {
        Path video = dir.resolve("cut.mp4");
        SyntheticVideo.writeColourBars(video, 64, 48, 8, 16);
        byte[] all = Files.readAllBytes(video);
        Files.write(video, java.util.Arrays.copyOf(all, all.length / 3));
        GenerateCommand.Options o = new GenerateCommand.Options(
                video,
                io.visage.core.video.VideoDecoder.AUTO,
                GenerateCommand.CameraSpec.ofIndex(new CameraDirection(45, 90)),
                dir.resolve("out.wav"),
                dir.resolve("out.mp4"),
                null,
                null,
                null,
                new Sampler.TopK(16, 1.0, new SplittableRandom(1)),
                16000);
        RuntimeException e;
        try (Components nets = DemoModels.create(3)) {
            e = assertThrows(RuntimeException.class, () -> GenerateCommand.run(nets, o, PipelineProgress.NONE));
        }
        assertTrue(e instanceof VideoFormatException || e.getMessage().contains("cut.mp4"), e.toString());
        assertTrue(e.getMessage().contains("cut.mp4"), e.getMessage());
        assertEquals(List.of("cut.mp4"), files(dir));
    }

    @Test
    void badInput_isOneLineErrorWithNonZeroStatus(@TempDir Path dir) throws IOException {
        Path video = dir.resolve("in.mp4");
        SyntheticVideo.writeColourBars(video, 64, 48, 8, 8);

        // missing weights folder
        int[] s = run(
                "generate",
                "--video",
                video.toString(),
                "--camera-index",
                "45,90",
                "--weights",
                dir.resolve("nope").toString(),
                "--out",
                dir.resolve("o.wav").toString());
        assertEquals(1, s[0]);
        assertTrue(lastErr.contains("nope") && !lastErr.contains("\tat "), lastErr);

        // camera index out of range
        s = run(
                "generate",
                "--video",
                video.toString(),
                "--camera-index",
                "91,10",
                "--weights",
                dir.toString(),
                "--out",
                dir.resolve("o.wav").toString());
        assertEquals(1, s[0]);
        assertTrue(lastErr.contains("elevation index"), lastErr);

        // output folder missing
        s = run(
                "generate",
                "--video",
                video.toString(),
                "--camera-index",
                "45,90",
                "--weights",
                dir.toString(),
                "--out",
                dir.resolve("missing/o.wav").toString());
        assertEquals(1, s[0]);
        assertTrue(lastErr.contains("missing") && lastErr.contains("does not exist"), lastErr);

        // a weights file of the wrong model: the DAC's state dict where ViSAGe's should be
        Path w = Files.createDirectories(dir.resolve("weights"));
        Files.copy(Fixtures.file("visage-tiny", "config.json"), w.resolve("config.json"));
        Files.copy(Fixtures.file("dac-tiny", "weights.pt"), w.resolve("pytorch_model.bin"));
        s = run(
                "generate",
                "--video",
                video.toString(),
                "--camera-index",
                "45,90",
                "--weights",
                w.toString(),
                "--out",
                dir.resolve("o.wav").toString());
        assertEquals(1, s[0]);
        assertTrue(lastErr.contains("pytorch_model.bin") && lastErr.contains("missing"), lastErr);
        assertEquals(
                1, lastErr.lines().filter(l -> l.startsWith("visage generate:")).count(), lastErr);
        assertFalse(lastErr.contains("\tat "), "no stack trace: " + lastErr);

        assertFalse(files(dir).contains("o.wav"), "nothing written");
    }
}
