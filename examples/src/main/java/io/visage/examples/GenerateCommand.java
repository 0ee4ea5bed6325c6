package io.visage.examples;

import io.visage.audio.foa.Direction;
import io.visage.audio.foa.ReferenceMonoDecode;
import io.visage.core.direction.CameraDirection;
import io.visage.core.generate.Guidance;
import io.visage.core.generate.Sampler;
import io.visage.core.media.SpatialMp4Writer;
import io.visage.core.pipeline.Components;
import io.visage.core.pipeline.PipelineProgress;
import io.visage.core.pipeline.SpatialAudioGenerator;
import io.visage.core.pipeline.WeightsDirectory;
import io.visage.core.pipeline.WindowPlan;
import io.visage.core.video.VideoDecoder;
import io.visage.eval.spatial.MapIndex;
import io.visage.nn.ConfigException;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.kernel.WeightFormat;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code visage generate --video in.mp4 (--camera-index E,A | --yaw DEG --pitch DEG) --weights DIR
 * --out out.wav [--mp4 out.mp4] [--preview stereo.wav] [--png map.png] [--guidance W |
 * --dual-guidance WSEM,WSPA] [--top-k K] [--temperature T] [--seed N] [--greedy] [--rate HZ]
 * [--overlap SECONDS] [--join crossfade|cut]}.
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = {
            "Video + camera direction -> 4-channel first-order ambisonics WAV (ambiX: W, Y, Z, X).",
            "Videos longer than 5 s are generated in 5-s windows; each continues the previous one from the"
                    + " last --overlap seconds of its codes, and the overlaps are cross-faded (see WindowPlan)."
        })
public final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--video",
            required = true,
            paramLabel = "VIDEO",
            description = "input video (MP4/MOV/MKV/WebM/AVI; see --video-decoder; --mp4 needs MP4/MOV)")
    Path video;

    @picocli.CommandLine.Mixin
    VideoDecoderOption videoDecoder = new VideoDecoderOption();

    @picocli.CommandLine.Mixin
    WeightsDtypeOption weightsDtype = new WeightsDtypeOption();

    @ArgGroup(exclusive = true, multiplicity = "1")
    Camera camera;

    static final class Camera {
        @Option(
                names = "--camera-index",
                paramLabel = "ELEV,AZIM",
                description = "ambi.json grid indices: elevation 0..90, azimuth 0..180 (2 degrees per unit)")
        String index;

        @ArgGroup(exclusive = false)
        Angles angles;
    }

    static final class Angles {
        @Option(
                names = "--yaw",
                required = true,
                paramLabel = "DEG",
                description = "camera yaw psi in degrees (= 2a - 179)")
        double yaw;

        @Option(
                names = "--pitch",
                required = true,
                paramLabel = "DEG",
                description = "camera pitch theta in degrees (= 89 - 2e)")
        double pitch;
    }

    @Option(
            names = "--weights",
            required = true,
            paramLabel = "DIR",
            description =
                    "folder with ViSAGe config.json + pytorch_model.bin (or model.safetensors), DAC weights.pth, CLIP ViT-B-32.pt")
    Path weights;

    @Option(names = "--out", required = true, paramLabel = "WAV", description = "output FOA WAV (32-bit float)")
    Path out;

    @Option(
            names = "--mp4",
            paramLabel = "MP4",
            description = "also write the video with the FOA as a spatial-audio track (SA3D)")
    Path mp4;

    @Option(names = "--preview", paramLabel = "WAV", description = "also write a stereo preview for the camera view")
    Path preview;

    @Option(names = "--png", paramLabel = "PNG", description = "also write the energy map of the generated FOA")
    Path png;

    @Option(
            names = "--guidance",
            paramLabel = "W",
            description = "single guidance scale (default: the model's cfg_guidance_scale, 2.5)")
    Double guidance;

    @Option(
            names = "--dual-guidance",
            paramLabel = "WSEM,WSPA",
            description = "dual guidance (semantic, spatial) instead of single")
    String dualGuidance;

    @Option(names = "--top-k", defaultValue = "256", description = "top-k sampling (default ${DEFAULT-VALUE})")
    int topK;

    @Option(
            names = "--temperature",
            defaultValue = "1.0",
            description = "sampling temperature (default ${DEFAULT-VALUE})")
    double temperature;

    @Option(names = "--greedy", description = "argmax decoding instead of sampling")
    boolean greedy;

    @Option(
            names = "--seed",
            defaultValue = "1115",
            description = "sampling seed (default ${DEFAULT-VALUE}, the reference's)")
    long seed;

    @Option(
            names = "--timings",
            description = "print the wall time of each stage (JVM start, loading, frames+CLIP, decoder steps, DAC"
                    + " decode, resampling, writing) on stderr")
    boolean timings;

    @Option(
            names = "--overlap",
            defaultValue = "1.0",
            paramLabel = "SECONDS",
            description = "long videos: seconds each 5-s window shares with the previous one, whose codes prompt it;"
                    + " a multiple of 0.25 below 5 (default ${DEFAULT-VALUE}; 0 = independent windows, cut)")
    double overlap;

    @Option(
            names = "--join",
            defaultValue = "crossfade",
            paramLabel = "METHOD",
            converter = JoinConverter.class,
            description = "how overlapping windows are joined: crossfade (linear, over the overlap) or cut (at the"
                    + " codec frame in its middle); default ${DEFAULT-VALUE}")
    WindowPlan.Join join;

    /** {@code crossfade} / {@code cut}, case-insensitive. */
    static final class JoinConverter implements picocli.CommandLine.ITypeConverter<WindowPlan.Join> {
        @Override
        public WindowPlan.Join convert(String value) {
            for (WindowPlan.Join j : WindowPlan.Join.values()) {
                if (j.name().equalsIgnoreCase(value.trim())) {
                    return j;
                }
            }
            throw new picocli.CommandLine.TypeConversionException(
                    "'" + value + "' is not a join method: use crossfade or cut");
        }
    }

    /** Rejects a negative or non-finite overlap before anything is loaded (the rest needs the model config). */
    static double checkOverlap(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            throw new ConfigException("--overlap must be a non-negative number of seconds, got " + seconds);
        }
        return seconds;
    }

    @Option(
            names = "--rate",
            defaultValue = "16000",
            description = "output sample rate (default ${DEFAULT-VALUE} as the reference; 44100 = codec rate)")
    int rate;

    /** The camera, as the model sees it and as the preview/picture use it. */
    record CameraSpec(float[] vector, Direction ambisonic, MapIndex mapCell) {
        static CameraSpec ofIndex(CameraDirection d) {
            return new CameraSpec(
                    d.vector(),
                    ReferenceMonoDecode.cameraDirection(d.elevationIndex(), d.azimuthIndex()),
                    new MapIndex(d.elevationIndex(), Math.min(d.azimuthIndex(), 179)));
        }

        static CameraSpec ofAngles(double yawDeg, double pitchDeg) {
            if (!(pitchDeg >= -91 && pitchDeg <= 89) || !(yawDeg >= -179 && yawDeg <= 181)) {
                throw new ConfigException("camera pitch must be in [-91, 89] and yaw in [-179, 181] degrees, got pitch "
                        + pitchDeg + ", yaw " + yawDeg);
            }
            int e = (int) Math.round((89 - pitchDeg) / 2);
            int a = (int) Math.round((yawDeg + 179) / 2);
            return new CameraSpec(
                    CameraDirection.vectorFromDegrees(pitchDeg, yawDeg),
                    Direction.ofDegrees(yawDeg, pitchDeg),
                    new MapIndex(Math.min(e, 89), Math.min(a, 179)));
        }
    }

    /** What was written. */
    public record Result(
            List<Path> written, int channels, int samples, int rateHz, int windows, boolean randomWeights) {}

    /** Options of {@link #run}; null paths are skipped. */
    record Options(
            Path video,
            VideoDecoder decoder,
            CameraSpec camera,
            Path out,
            Path mp4,
            Path preview,
            Path png,
            Guidance guidance,
            Sampler sampler,
            int rate,
            double overlapSeconds,
            WindowPlan.Join join,
            WeightFormat weightsFormat) {
        /** With the default overlap, a cross-fade and fp32 weights. */
        Options(
                Path video,
                VideoDecoder decoder,
                CameraSpec camera,
                Path out,
                Path mp4,
                Path preview,
                Path png,
                Guidance guidance,
                Sampler sampler,
                int rate) {
            this(
                    video,
                    decoder,
                    camera,
                    out,
                    mp4,
                    preview,
                    png,
                    guidance,
                    sampler,
                    rate,
                    SpatialAudioGenerator.Options.DEFAULT_OVERLAP_SECONDS,
                    WindowPlan.Join.CROSSFADE,
                    WeightFormat.FP32);
        }
    }

    /** Generates with the given networks and writes the outputs. */
    static Result run(Components components, Options o, PipelineProgress progress) {
        return run(components, o, StageTimings.startingNow(progress));
    }

    /** {@link #run(Components, Options, PipelineProgress)}, timing each stage into {@code timings}. */
    static Result run(Components components, Options o, StageTimings timings) {
        if (!Files.isRegularFile(o.video())) {
            throw new java.io.UncheckedIOException(
                    new java.nio.file.NoSuchFileException(o.video() + ": video file not found"));
        }
        SpatialOutputs.Targets targets = new SpatialOutputs.Targets(
                o.out(),
                o.mp4(),
                o.preview(),
                o.png(),
                o.camera().ambisonic(),
                o.camera().mapCell());
        SpatialOutputs.checkFolders(targets);
        checkMp4Input(o);
        SpatialAudioGenerator.Result r;
        try (Parallelism par = new Parallelism()) {
            SpatialAudioGenerator gen =
                    new SpatialAudioGenerator(components, par, 8, 256, o.decoder(), o.weightsFormat());
            timings.mark("decoder weights"); // resolving (fp32) or converting (bf16/int8) the decoder's weights
            r = gen.generate(
                    o.video(),
                    o.camera().vector(),
                    new SpatialAudioGenerator.Options(
                            o.guidance(), o.sampler(), o.rate(), o.overlapSeconds(), o.join()),
                    timings);
        }
        timings.mark("resampling");
        List<Path> written = SpatialOutputs.write(targets, r.foa(), r.outputRateHz(), o.video());
        timings.mark("writing");
        return new Result(
                written,
                r.foa().length,
                r.foa()[0].length,
                r.outputRateHz(),
                r.codes().size(),
                components.random());
    }

    /** --mp4 copies the input's video track, which needs an ISO media input: fail before generating. */
    private static void checkMp4Input(Options o) {
        if (o.mp4() != null && !SpatialMp4Writer.isIsoMedia(o.video())) {
            throw new ConfigException(
                    "--mp4 copies the input's video track into an MP4 and needs an MP4/MOV input, but "
                            + o.video()
                            + " is another container; leave out --mp4 (the WAV is written either way) or remux the"
                            + " video to MP4 first");
        }
    }

    Guidance parseGuidance() {
        if (dualGuidance != null) {
            if (guidance != null) {
                throw new ConfigException("give either --guidance or --dual-guidance, not both");
            }
            String[] p = dualGuidance.split(",");
            if (p.length != 2) {
                throw new ConfigException("--dual-guidance takes WSEM,WSPA, got '" + dualGuidance + "'");
            }
            return new Guidance.Dual(Double.parseDouble(p[0].trim()), Double.parseDouble(p[1].trim()));
        }
        return guidance == null ? null : new Guidance.Single(guidance);
    }

    Sampler parseSampler() {
        return greedy ? new Sampler.Greedy() : new Sampler.TopK(topK, temperature, new SplittableRandom(seed));
    }

    CameraSpec parseCamera() {
        return camera.index != null
                ? CameraSpec.ofIndex(CameraDirection.parse(camera.index))
                : CameraSpec.ofAngles(camera.angles.yaw, camera.angles.pitch);
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        BlasCheck.printHint(err);
        Options o = new Options(
                video,
                videoDecoder.get(),
                parseCamera(),
                out,
                mp4,
                preview,
                png,
                parseGuidance(),
                parseSampler(),
                rate,
                checkOverlap(overlap),
                join,
                weightsDtype.get());
        SpatialOutputs.checkFolders(new SpatialOutputs.Targets(out, mp4, preview, png, null, null));
        Result r;
        double jvmStart = StageTimings.secondsSinceJvmStart();
        StageTimings clock;
        try (Bars bars = new Bars(err)) {
            clock = StageTimings.startingNow(bars);
            try (Components c = WeightsDirectory.load(weights)) {
                clock.mark("loading");
                r = run(c, o, clock);
            }
        }
        for (Path p : r.written()) {
            spec.commandLine().getOut().println("wrote " + p);
        }
        if (timings) {
            err.println(clock.report(jvmStart));
            err.flush();
        }
        return 0;
    }

    /** One progress bar per pipeline stage, on stderr; a stage's bar is closed when the next one starts. */
    static final class Bars implements PipelineProgress, AutoCloseable {
        private final PrintWriter out;
        private Stage stage;
        private ProgressBar bar;

        Bars(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void update(Stage s, long done, long total) {
            if (s != stage) {
                close();
                stage = s;
                bar = ProgressBars.ascii(StageTimings.label(s), total, out);
            }
            if (total >= 0) {
                bar.maxHint(total);
            }
            bar.stepTo(done);
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
                bar = null;
                out.println();
                out.flush();
            }
        }
    }
}
