package io.visage.examples;

import io.visage.core.direction.CameraDirection;
import io.visage.core.generate.Sampler;
import io.visage.core.media.SpatialMp4Writer;
import io.visage.core.pipeline.Components;
import io.visage.core.pipeline.PipelineProgress;
import io.visage.core.pipeline.SpatialAudioGenerator;
import io.visage.core.pipeline.WindowPlan;
import io.visage.core.video.VideoDecoder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code visage demo}: the whole pipeline on the bundled sample video ({@link SampleVideo}: 5 s of
 * colour bars with a moving box) or a given one, with small networks of seeded RANDOM weights (no download needed): writes
 * {@code demo-input.mp4}, {@code demo.wav} (4-channel FOA, 16 kHz), {@code demo.mp4} (the video with
 * a spatial-audio track), {@code demo-stereo.wav} (preview for the camera view) and
 * {@code demo-energy.png}. The weights are untrained, so the sound is noise-like; with the official
 * weights use {@code visage generate}.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "The whole pipeline on the bundled sample video with small UNTRAINED random weights:",
            "writes demo-input.mp4, demo.wav, demo.mp4, demo-stereo.wav and demo-energy.png."
        })
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--out",
            defaultValue = ".",
            paramLabel = "DIR",
            description = "output folder (default: the working folder)")
    Path out;

    @Option(
            names = "--video",
            paramLabel = "FILE",
            description = {
                "input video instead of the bundled 5-s sample (copied to demo-input.<ext>; any container",
                "--video-decoder reads; demo.mp4 only for MP4/MOV inputs)"
            })
    Path video;

    @picocli.CommandLine.Mixin
    VideoDecoderOption videoDecoder = new VideoDecoderOption();

    @Option(
            names = "--camera-index",
            defaultValue = "45,90",
            paramLabel = "ELEV,AZIM",
            description = "camera direction, ambi.json indices (default ${DEFAULT-VALUE}: front, horizon)")
    String cameraIndex;

    @Option(names = "--timings", description = "print the wall time of each stage on stderr")
    boolean timings;

    @Option(
            names = "--overlap",
            defaultValue = "1.0",
            paramLabel = "SECONDS",
            description = "for a --video longer than 5 s: seconds each window shares with the previous one, whose"
                    + " codes prompt it; a multiple of 0.25 below 5 (default ${DEFAULT-VALUE}; 0 = independent"
                    + " windows, cut)")
    double overlap;

    @Option(
            names = "--join",
            defaultValue = "crossfade",
            paramLabel = "METHOD",
            converter = GenerateCommand.JoinConverter.class,
            description = "how overlapping windows are joined: crossfade or cut (default ${DEFAULT-VALUE})")
    WindowPlan.Join join;

    @Option(
            names = "--seed",
            defaultValue = "2025",
            description = "seed of the random weights and of sampling (default ${DEFAULT-VALUE})")
    long seed;

    /**
     * Runs the demo into {@code dir}.
     *
     * @param input the video, or null for the bundled sample; copied to {@link #inputCopy}
     */
    static GenerateCommand.Result run(
            Path dir, Path input, CameraDirection camera, long seed, PipelineProgress progress) {
        return run(
                dir,
                input,
                VideoDecoder.AUTO,
                camera,
                seed,
                SpatialAudioGenerator.Options.DEFAULT_OVERLAP_SECONDS,
                WindowPlan.Join.CROSSFADE,
                StageTimings.startingNow(progress));
    }

    /** Where the demo copies its input: {@code demo-input} with the input's extension ({@code .mp4} for the sample). */
    static Path inputCopy(Path dir, Path input) {
        String name = input == null ? "x.mp4" : input.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot > 0 ? name.substring(dot).toLowerCase(java.util.Locale.ROOT) : "";
        return dir.resolve("demo-input" + ext);
    }

    /**
     * {@link #run(Path, Path, CameraDirection, long, PipelineProgress)} decoding with {@code decoder},
     * with an overlap of long videos' windows, timing each stage.
     */
    static GenerateCommand.Result run(
            Path dir,
            Path input,
            VideoDecoder decoder,
            CameraDirection camera,
            long seed,
            double overlapSeconds,
            WindowPlan.Join join,
            StageTimings timings) {
        WindowPlan.overlapFrames(DemoModels.modelConfig(), overlapSeconds); // before any file is written
        if (!Files.isDirectory(dir)) {
            throw new UncheckedIOException(new IOException(dir + ": output folder does not exist"));
        }
        if (input != null && !Files.isRegularFile(input)) {
            throw new UncheckedIOException(new java.nio.file.NoSuchFileException(input + ": video file not found"));
        }
        Path video = inputCopy(dir, input);
        if (input == null) {
            SampleVideo.copyTo(video);
        } else {
            try {
                Files.copy(input, video, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException(input + ": cannot copy the input video: " + e.getMessage(), e);
            }
        }
        GenerateCommand.Options o = new GenerateCommand.Options(
                video,
                decoder,
                GenerateCommand.CameraSpec.ofIndex(camera),
                dir.resolve("demo.wav"),
                SpatialMp4Writer.isIsoMedia(video) ? dir.resolve("demo.mp4") : null,
                dir.resolve("demo-stereo.wav"),
                dir.resolve("demo-energy.png"),
                null,
                new Sampler.TopK(256, 1.0, new SplittableRandom(seed)),
                16000,
                overlapSeconds,
                join,
                io.visage.nn.kernel.WeightFormat.FP32);
        try (Components c = DemoModels.create(seed)) {
            timings.mark("random networks");
            return GenerateCommand.run(c, o, timings);
        }
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        BlasCheck.printHint(err);
        err.println(
                "demo: the networks have small RANDOM, UNTRAINED weights (no download needed): the pipeline runs end"
                        + " to end, but the sound is meaningless. Use `visage generate --weights DIR` with the official weights.");
        GenerateCommand.Result r;
        double jvmStart = StageTimings.secondsSinceJvmStart();
        StageTimings clock;
        try (GenerateCommand.Bars bars = new GenerateCommand.Bars(err)) {
            clock = StageTimings.startingNow(bars);
            r = run(out, video, videoDecoder.get(), CameraDirection.parse(cameraIndex), seed, overlap, join, clock);
        }
        PrintWriter o = spec.commandLine().getOut();
        o.println("wrote " + inputCopy(out, video) + " (input video)");
        for (Path p : r.written()) {
            o.println("wrote " + p);
        }
        o.printf(
                "FOA: %d channels x %d samples at %d Hz (%.2f s), %d window(s)%n",
                r.channels(), r.samples(), r.rateHz(), (double) r.samples() / r.rateHz(), r.windows());
        if (timings) {
            err.println(clock.report(jvmStart));
            err.flush();
        }
        return 0;
    }
}
