package io.visage.examples;

import io.visage.audio.io.AudioBuffer;
import io.visage.audio.io.SampleFormat;
import io.visage.audio.io.Wav;
import io.visage.core.direction.CameraDirection;
import io.visage.core.generate.Sampler;
import io.visage.core.media.SpatialMp4Writer;
import io.visage.core.model.VisageConfig;
import io.visage.core.pipeline.Components;
import io.visage.core.pipeline.PipelineProgress;
import io.visage.core.pipeline.SpatialAudioGenerator;
import io.visage.core.pipeline.WeightsDirectory;
import io.visage.core.pipeline.WindowPlan;
import io.visage.core.scene.Scene;
import io.visage.core.scene.SceneCamera;
import io.visage.core.scene.SceneRenderer;
import io.visage.core.scene.SceneVideo;
import io.visage.core.video.VideoDecoder;
import io.visage.eval.report.ClipMaps;
import io.visage.eval.report.ClipPanel;
import io.visage.eval.report.ClipScores;
import io.visage.eval.report.SpatialEvaluation;
import io.visage.eval.spatial.MapIndex;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code visage demo}: the whole pipeline on the bundled sample video ({@link SampleVideo}: 5 s of
 * colour bars with a moving box), a given video, or ({@code --scene}) a synthetic 360° scene
 * ({@link DemoScene}, package {@code io.visage.core.scene}) whose true FOA is known. The networks are
 * small ones with seeded RANDOM weights ({@link DemoModels}, no download needed; the sound is then
 * noise-like) or those of a weights folder ({@code --weights}, e.g. networks trained on synthetic
 * scenes with {@code tools/demo/train-demo-networks.sh}, docs/DEMO.md). Writes
 * {@code demo-input.mp4}, {@code demo.wav} (4-channel FOA, 16 kHz), {@code demo.mp4} (the video with a
 * spatial-audio track), {@code demo-stereo.wav} (preview for the camera view) and
 * {@code demo-energy.png}; with {@code --scene} also {@code demo-truth.wav} (the scene's true FOA), a
 * picture of the true and generated energy maps side by side, and CC / AUC-Judd against the truth.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "The whole pipeline on the bundled sample video (or --video, or --scene: a synthetic scene with its",
            "true FOA, scored by CC / AUC-Judd) with small UNTRAINED random networks, or those of --weights:",
            "writes demo-input.mp4, demo.wav, demo.mp4, demo-stereo.wav, demo-energy.png [, demo-truth.wav]."
        })
public final class DemoCommand implements Callable<Integer> {
    /** Output sample rate of the demo: the evaluation's 16 kHz. */
    static final int RATE_HZ = SpatialEvaluation.REFERENCE_SAMPLE_RATE_HZ;

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

    @Option(
            names = "--scene",
            description = {
                "a synthetic scene seen from --camera-index instead of a video: also writes demo-truth.wav",
                "(its true FOA) and prints CC / AUC-Judd of the generated FOA against it"
            })
    boolean scene;

    @Option(
            names = "--scene-seed",
            defaultValue = "" + DemoScene.DEFAULT_SEED,
            description = "seed of the synthetic scene (default ${DEFAULT-VALUE})")
    long sceneSeed;

    @Option(
            names = "--weights",
            paramLabel = "DIR",
            description = {
                "networks from a weights folder (as `visage generate --weights`) instead of the random ones,",
                "e.g. networks trained on synthetic scenes (docs/DEMO.md)"
            })
    Path weights;

    @Option(
            names = "--top-k",
            defaultValue = "256",
            description = "sample among the k most likely codes (default ${DEFAULT-VALUE})")
    int topK;

    @Option(
            names = "--temperature",
            defaultValue = "1.0",
            description = "sampling temperature (default ${DEFAULT-VALUE})")
    double temperature;

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
            description = "seed of sampling (and of the random weights) (default ${DEFAULT-VALUE})")
    long seed;

    /** What the demo wrote, and with a synthetic scene its scores against the scene's true FOA. */
    record Outcome(GenerateCommand.Result generated, List<Path> written, ClipScores scores) {}

    /** The sample-video run with random networks and the defaults of the command line. */
    static GenerateCommand.Result runRandomWeights(
            Path dir, Path input, CameraDirection camera, long seed, PipelineProgress progress) {
        return runRandomWeights(
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

    private static void checkFolder(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UncheckedIOException(new IOException(dir + ": output folder does not exist"));
        }
    }

    private static void copyInput(Path input, Path video) {
        if (input == null) {
            SampleVideo.copyTo(video);
            return;
        }
        if (!Files.isRegularFile(input)) {
            throw new UncheckedIOException(new java.nio.file.NoSuchFileException(input + ": video file not found"));
        }
        try {
            Files.copy(input, video, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(input + ": cannot copy the input video: " + e.getMessage(), e);
        }
    }

    /** The networks of the demo: {@link DemoModels} from {@code seed}, or a weights folder. */
    record Networks(Path weights, long seed) {
        VisageConfig modelConfig() {
            return weights == null ? DemoModels.modelConfig() : VisageConfig.read(weights.resolve("config.json"));
        }

        Components open() {
            return weights == null ? DemoModels.create(seed) : WeightsDirectory.load(weights);
        }

        String stage() {
            return weights == null ? "random networks" : "loading";
        }
    }

    /**
     * The sample video ({@code input} null) or {@code input} through small untrained networks of
     * seeded random weights ({@link DemoModels}); writes demo.wav, demo.mp4, demo-stereo.wav and a
     * demo-energy.png of the generated map.
     */
    static GenerateCommand.Result runRandomWeights(
            Path dir,
            Path input,
            VideoDecoder decoder,
            CameraDirection camera,
            long seed,
            double overlapSeconds,
            WindowPlan.Join join,
            StageTimings timings) {
        return runVideo(
                dir,
                input,
                decoder,
                camera,
                new Networks(null, seed),
                new Sampler.TopK(256, 1.0, new SplittableRandom(seed)),
                overlapSeconds,
                join,
                timings);
    }

    /** A video (null = the bundled sample) through {@code nets}. */
    static GenerateCommand.Result runVideo(
            Path dir,
            Path input,
            VideoDecoder decoder,
            CameraDirection camera,
            Networks nets,
            Sampler sampler,
            double overlapSeconds,
            WindowPlan.Join join,
            StageTimings timings) {
        WindowPlan.overlapFrames(nets.modelConfig(), overlapSeconds); // before any file is written
        checkFolder(dir);
        Path video = inputCopy(dir, input);
        copyInput(input, video);
        GenerateCommand.Options o = options(
                video,
                decoder,
                GenerateCommand.CameraSpec.ofIndex(camera),
                dir,
                dir.resolve("demo-energy.png"),
                sampler,
                overlapSeconds,
                join);
        try (Components c = nets.open()) {
            timings.mark(nets.stage());
            return GenerateCommand.run(c, o, timings);
        }
    }

    private static GenerateCommand.Options options(
            Path video,
            VideoDecoder decoder,
            GenerateCommand.CameraSpec camera,
            Path dir,
            Path png,
            Sampler sampler,
            double overlapSeconds,
            WindowPlan.Join join) {
        return new GenerateCommand.Options(
                video,
                decoder,
                camera,
                dir.resolve("demo.wav"),
                SpatialMp4Writer.isIsoMedia(video) ? dir.resolve("demo.mp4") : null,
                dir.resolve("demo-stereo.wav"),
                png,
                null,
                sampler,
                RATE_HZ,
                overlapSeconds,
                join,
                io.visage.nn.kernel.WeightFormat.FP32);
    }

    /**
     * The camera as the synthetic world defines it: the model's direction vector from the indices,
     * the preview turned toward {@link SceneCamera#lookDirection} (azimuth 179 − 2a, where
     * {@code visage generate}'s preview follows the reference's mono decoding, 2a − 179), the map
     * cell (e, a).
     */
    static GenerateCommand.CameraSpec sceneCamera(CameraDirection camera) {
        return new GenerateCommand.CameraSpec(camera.vector(), SceneCamera.lookDirection(camera), mapCell(camera));
    }

    private static MapIndex mapCell(CameraDirection camera) {
        return new MapIndex(camera.elevationIndex(), Math.min(camera.azimuthIndex(), 179));
    }

    /**
     * A synthetic scene ({@link DemoScene}) through {@code nets}: writes demo-input.mp4 (the field of
     * view), demo-truth.wav (the true FOA), the generated outputs, and a demo-energy.png with the true
     * and generated maps side by side; scores the generated FOA against the truth.
     */
    static Outcome runScene(
            Path dir, CameraDirection camera, long sceneSeed, Networks nets, Sampler sampler, StageTimings timings) {
        checkFolder(dir);
        List<Path> written = new ArrayList<>();
        Path video = inputCopy(dir, null);
        Scene scene = DemoScene.of(camera, sceneSeed);
        SceneVideo.write(scene, video);
        float[][] truth = SceneRenderer.foa(scene);
        Path truthWav = dir.resolve("demo-truth.wav");
        Wav.write(truthWav, new AudioBuffer(scene.config().sampleRateHz(), truth), SampleFormat.FLOAT_32);
        written.add(truthWav);
        timings.mark("synthetic scene");
        GenerateCommand.Result r;
        try (Components c = nets.open()) {
            timings.mark(nets.stage());
            GenerateCommand.Options o = options(
                    video,
                    VideoDecoder.AUTO,
                    sceneCamera(camera),
                    dir,
                    null,
                    sampler,
                    SpatialAudioGenerator.Options.DEFAULT_OVERLAP_SECONDS,
                    WindowPlan.Join.CROSSFADE);
            r = GenerateCommand.run(c, o, timings);
        }
        written.addAll(r.written());
        SpatialEvaluation.Options eval = SpatialEvaluation.Options.reference(0);
        ClipMaps gen =
                ClipMaps.compute(SpatialEvaluation.readFoa(dir.resolve("demo.wav"), RATE_HZ), RATE_HZ, eval.config());
        ClipMaps gt = ClipMaps.compute(truth, RATE_HZ, eval.config());
        ClipScores scores =
                SpatialEvaluation.scoreClip("demo", gen, gt, SpatialEvaluation.clipRng(eval.seed(), "demo"));
        Path png = dir.resolve("demo-energy.png");
        ClipPanel.write(png, gen, gt, eval.config().grid(), mapCell(camera));
        written.add(png);
        timings.mark("scores");
        return new Outcome(r, List.copyOf(written), scores);
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        BlasCheck.printHint(err);
        if (topK < 1 || !(temperature > 0)) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--top-k must be >= 1 and --temperature > 0, got " + topK + ", " + temperature);
        }
        if (scene && video != null) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--scene renders its own video: give --scene or --video, not both");
        }
        if (weights == null) {
            err.println(
                    "demo: the networks have small RANDOM, UNTRAINED weights (no download needed): the pipeline runs"
                            + " end to end, but the sound is meaningless. Use --weights DIR (or `visage generate --weights"
                            + " DIR`) with trained networks.");
        }
        CameraDirection camera = CameraDirection.parse(cameraIndex);
        Networks nets = new Networks(weights, seed);
        Sampler sampler = new Sampler.TopK(topK, temperature, new SplittableRandom(seed));
        double jvmStart = StageTimings.secondsSinceJvmStart();
        StageTimings clock;
        Outcome outcome;
        try (GenerateCommand.Bars bars = new GenerateCommand.Bars(err)) {
            clock = StageTimings.startingNow(bars);
            if (scene) {
                outcome = runScene(out, camera, sceneSeed, nets, sampler, clock);
            } else {
                GenerateCommand.Result r =
                        runVideo(out, video, videoDecoder.get(), camera, nets, sampler, overlap, join, clock);
                outcome = new Outcome(r, r.written(), null);
            }
        }
        PrintWriter o = spec.commandLine().getOut();
        o.println("wrote " + inputCopy(out, video) + (scene ? " (synthetic scene)" : " (input video)"));
        for (Path p : outcome.written()) {
            o.println("wrote " + p);
        }
        GenerateCommand.Result r = outcome.generated();
        o.printf(
                "FOA: %d channels x %d samples at %d Hz (%.2f s), %d window(s)%n",
                r.channels(), r.samples(), r.rateHz(), (double) r.samples() / r.rateHz(), r.windows());
        ClipScores sc = outcome.scores();
        if (sc != null) {
            o.printf(
                    java.util.Locale.ROOT,
                    "against demo-truth.wav: CC %.3f, AUC-Judd %.3f (whole clip); 1-s windows CC %.3f, AUC %.3f;"
                            + " 0.2-s windows CC %.3f, AUC %.3f%n",
                    sc.corrAll(),
                    sc.aucJAll(),
                    sc.corr1fps(),
                    sc.aucJ1fps(),
                    sc.corr5fps(),
                    sc.aucJ5fps());
        }
        if (timings) {
            err.println(clock.report(jvmStart));
            err.flush();
        }
        return 0;
    }
}
