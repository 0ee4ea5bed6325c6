package io.visage.examples;

import io.visage.core.model.VisageConfig;
import io.visage.core.pipeline.WindowPlan;
import io.visage.examples.bench.AutodiffBench;
import io.visage.examples.bench.CodecBench;
import io.visage.examples.bench.DecodeStepBench;
import io.visage.examples.bench.FrontEndBench;
import io.visage.examples.bench.GenerateBench;
import io.visage.examples.bench.KernelBench;
import io.visage.examples.bench.SemanticBench;
import io.visage.examples.bench.TrainBench;
import io.visage.examples.bench.WindowsBench;
import io.visage.nn.kernel.MatVecs;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code visage bench ...}: benchmarks that print figures (never pass/fail). */
@Command(
        name = "bench",
        description = "Benchmarks (full-size, random weights); they print figures.",
        mixinStandardHelpOptions = true,
        subcommands = {
            BenchCommand.DecodeStep.class,
            BenchCommand.Generate.class,
            BenchCommand.WeightsError.class,
            BenchCommand.E2e.class,
            BenchCommand.Codec.class,
            BenchCommand.FrontEnd.class,
            BenchCommand.Autodiff.class,
            BenchCommand.Kernels.class,
            BenchCommand.Train.class,
            BenchCommand.Windows.class,
            BenchCommand.Semantic.class,
            BenchCommand.Prepare.class
        })
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** The OpenBLAS core hint and, when the Vector API is absent, the kernel hint. */
    static void printHints(PrintWriter err) {
        BlasCheck.printHint(err);
        if (MatVecs.bestKind() == MatVecs.Kind.SCALAR) {
            err.println("hint: " + MatVecs.HINT);
        }
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    @Command(
            name = "decode-step",
            mixinStandardHelpOptions = true,
            description = "One decoder step of the full-size ViSAGe decoder (12 layers, d=1024, batch 2, KV cache of"
                    + " 430 positions): median ms, GB/s of weights, machine bandwidth.")
    static final class DecodeStep implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--steps", defaultValue = "30", description = "measured steps (default ${DEFAULT-VALUE})")
        int steps;

        @Option(
                names = "--cached",
                defaultValue = "430",
                description = "positions already cached (default ${DEFAULT-VALUE})")
        int cached;

        @Option(names = "--threads", description = "worker threads (default: available processors)")
        Integer threads;

        @Option(
                names = "--path",
                defaultValue = "KERNEL",
                description =
                        "KERNEL (the generation path) or GENERAL (plain ND4J layer ops, for comparison); default ${DEFAULT-VALUE}")
        DecodeStepBench.Path path;

        @picocli.CommandLine.Mixin
        WeightsDtypeOption weightsDtype = new WeightsDtypeOption();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            printHints(spec.commandLine().getErr());
            DecodeStepBench.Options o = DecodeStepBench.Options.visage(
                    steps, threads == null ? Runtime.getRuntime().availableProcessors() : threads);
            o = new DecodeStepBench.Options(
                    o.layers(),
                    o.dModel(),
                    o.heads(),
                    o.ffn(),
                    o.batch(),
                    o.sourceLength(),
                    cached,
                    o.steps(),
                    o.threads(),
                    path,
                    weightsDtype.get());
            out.println(DecodeStepBench.run(o, out));
            return 0;
        }
    }

    @Command(
            name = "autodiff",
            mixinStandardHelpOptions = true,
            description = "One BART encoder layer forward and forward+backward: the project's tape vs SameDiff.")
    static final class Autodiff implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--iterations",
                defaultValue = "10",
                description = "timed iterations (default ${DEFAULT-VALUE})")
        int iterations;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            printHints(spec.commandLine().getErr());
            out.println(AutodiffBench.run(64, 4, 128, 2, 25, iterations));
            out.println(AutodiffBench.run(1024, 16, 4096, 2, 64, iterations));
            return 0;
        }
    }

    @Command(
            name = "frontend",
            mixinStandardHelpOptions = true,
            description =
                    "Video front end with full-size random ViT-B/32 on a clip (default: the bundled 5-s 640x360 sample),"
                            + " JCodec and FFmpeg side by side: decode+resize, CLIP, and the whole features() call.")
    static final class FrontEnd implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--repeats",
                defaultValue = "3",
                description = "timed runs after one warm-up (default ${DEFAULT-VALUE})")
        int repeats;

        @Option(names = "--batch", defaultValue = "10", description = "frames per CLIP pass (default ${DEFAULT-VALUE})")
        int batch;

        @Option(names = "--video", paramLabel = "FILE", description = "clip to measure (default: the bundled sample)")
        java.nio.file.Path video;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            printHints(spec.commandLine().getErr());
            out.println(FrontEndBench.run(repeats, batch, video, out));
            return 0;
        }
    }

    @Command(
            name = "generate",
            mixinStandardHelpOptions = true,
            description = "Full-size ViSAGe generation (random weights), single guidance (2 branches), N steps from an"
                    + " empty cache (default a whole clip): median and mean ms/step, s per 5-s clip, GB/s of weights,"
                    + " peak RSS.")
    static final class Generate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--steps",
                defaultValue = "861",
                description = "decoder steps (default ${DEFAULT-VALUE} = a whole 5-s clip, max 861)")
        int steps;

        @Option(names = "--threads", description = "worker threads (default: available processors)")
        Integer threads;

        @picocli.CommandLine.Mixin
        WeightsDtypeOption weightsDtype = new WeightsDtypeOption();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            printHints(spec.commandLine().getErr());
            out.println(GenerateBench.run(
                    steps,
                    threads == null ? Runtime.getRuntime().availableProcessors() : threads,
                    weightsDtype.get(),
                    out));
            return 0;
        }
    }

    @Command(
            name = "weights-error",
            mixinStandardHelpOptions = true,
            description = "bf16 or int8 decoder weights against fp32 on the full-size model (random weights): guided"
                    + " logit error and greedy-code agreement, both fed the fp32 codes.")
    static final class WeightsError implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--steps", defaultValue = "200", description = "decoder steps (default ${DEFAULT-VALUE})")
        int steps;

        @Option(names = "--threads", description = "worker threads (default: available processors)")
        Integer threads;

        @picocli.CommandLine.Mixin
        WeightsDtypeOption weightsDtype = new WeightsDtypeOption();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            printHints(spec.commandLine().getErr());
            out.println(io.visage.examples.bench.WeightsErrorBench.run(
                    weightsDtype.get(),
                    steps,
                    threads == null ? Runtime.getRuntime().availableProcessors() : threads,
                    out));
            return 0;
        }
    }

    @Command(
            name = "e2e",
            mixinStandardHelpOptions = true,
            description = {
                "One 5-s clip end to end in this JVM, as `visage generate` runs it: full-size networks with random"
                        + " weights written once to files in the official layout, the bundled sample video, every stage"
                        + " timed (JVM start, loading, frames+CLIP, decoder steps, DAC decode, resampling, writing)."
            })
    static final class E2e implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--weights-dir",
                paramLabel = "DIR",
                description = "where the random weights are written once and reused (default: target/e2e-weights"
                        + " under the working folder)")
        java.nio.file.Path weightsDir;

        @picocli.CommandLine.Mixin
        WeightsDtypeOption weightsDtype = new WeightsDtypeOption();

        @Override
        public Integer call() throws java.io.IOException {
            double jvmStart = StageTimings.secondsSinceJvmStart();
            PrintWriter out = spec.commandLine().getOut();
            printHints(spec.commandLine().getErr());
            java.nio.file.Path dir = weightsDir != null ? weightsDir : java.nio.file.Path.of("target", "e2e-weights");
            io.visage.examples.bench.RandomWeightsFolder.ensure(dir, 2025, out);
            java.nio.file.Path work = java.nio.file.Files.createTempDirectory("visage-e2e");
            try {
                java.nio.file.Path video = SampleVideo.copyTo(work.resolve("sample.mp4"));
                GenerateCommand.Options o = new GenerateCommand.Options(
                        video,
                        io.visage.core.video.VideoDecoder.AUTO,
                        GenerateCommand.CameraSpec.ofIndex(new io.visage.core.direction.CameraDirection(45, 90)),
                        work.resolve("foa.wav"),
                        work.resolve("foa.mp4"),
                        work.resolve("stereo.wav"),
                        work.resolve("map.png"),
                        null,
                        new io.visage.core.generate.Sampler.TopK(256, 1.0, new java.util.SplittableRandom(1115)),
                        16000,
                        io.visage.core.pipeline.SpatialAudioGenerator.Options.DEFAULT_OVERLAP_SECONDS,
                        io.visage.core.pipeline.WindowPlan.Join.CROSSFADE,
                        weightsDtype.get());
                StageTimings clock = StageTimings.startingNow(io.visage.core.pipeline.PipelineProgress.NONE);
                GenerateCommand.Result r;
                try (io.visage.core.pipeline.Components c = io.visage.core.pipeline.WeightsDirectory.load(dir)) {
                    clock.mark("loading");
                    r = GenerateCommand.run(c, o, clock);
                }
                double wall = jvmStart + clock.totalSeconds(); // writing the weights (first run) not counted
                out.printf(
                        "e2e: 5-s sample, full-size random weights from %s, %s decoder weights: %.1f s wall from JVM start"
                                + " (%d samples at %d Hz, %d outputs), peak RSS %s%n",
                        dir,
                        weightsDtype.get().label(),
                        wall,
                        r.samples(),
                        r.rateHz(),
                        r.written().size(),
                        io.visage.examples.bench.PeakRss.read()
                                .map(u -> String.format("%.2f GB", u.peakBytes() / 1e9))
                                .orElse("n/a"));
                out.println("  " + clock.report(jvmStart));
            } finally {
                try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.list(work)) {
                    for (java.nio.file.Path p : s.toList()) {
                        java.nio.file.Files.deleteIfExists(p);
                    }
                }
                java.nio.file.Files.deleteIfExists(work);
            }
            return 0;
        }
    }

    @Command(
            name = "codec",
            mixinStandardHelpOptions = true,
            description =
                    "DAC 44.1 kHz, full size, random weights: decode of 431 frames x 4 FOA channels and encode of 5 s"
                            + " of one channel; median seconds, real-time factor, peak RSS.")
    static final class Codec implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--runs", defaultValue = "3", description = "timed runs per case (default ${DEFAULT-VALUE})")
        int runs;

        @Option(
                names = "--chunk-frames",
                defaultValue = "431",
                description = "decode window in frames (default ${DEFAULT-VALUE}: one pass)")
        int chunkFrames;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            printHints(spec.commandLine().getErr());
            CodecBench.Options d = CodecBench.Options.visage(runs);
            out.println(
                    CodecBench.run(new CodecBench.Options(d.frames(), d.seconds(), runs, chunkFrames, d.seed()), out));
            return 0;
        }
    }

    @Command(
            name = "kernels",
            mixinStandardHelpOptions = true,
            description = "The decode kernels alone: dense layers on cold weights (Vector API, plain Java, ND4J gemm"
                    + " and gemv), LayerNorm, GELU, attention, Parallelism overhead, memory bandwidth.")
    static final class Kernels implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--weights-mib",
                defaultValue = "256",
                description = "weights per shape in MiB, beyond the cache (default ${DEFAULT-VALUE})")
        int weightsMib;

        @Option(names = "--passes", defaultValue = "3", description = "passes per kernel (default ${DEFAULT-VALUE})")
        int passes;

        @Override
        public Integer call() {
            printHints(spec.commandLine().getErr());
            KernelBench.run(spec.commandLine().getOut(), weightsMib, passes);
            return 0;
        }
    }

    @Command(
            name = "train",
            mixinStandardHelpOptions = true,
            description = "Training steps of the reference recipe on random weights and pattern-shaped random clips"
                    + " (full size unless --config): fwd+bwd and optimizer time per step, step median, rows/s,"
                    + " peak RSS and a memory breakdown.")
    static final class Train implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--batch", defaultValue = "1", description = "clips per pass (default ${DEFAULT-VALUE})")
        int batch;

        @Option(
                names = "--accumulate",
                defaultValue = "1",
                description = "passes per optimizer step (default ${DEFAULT-VALUE})")
        int accumulate;

        @Option(
                names = "--steps",
                defaultValue = "3",
                description = "timed steps after one warm-up (default ${DEFAULT-VALUE})")
        int steps;

        @Option(
                names = "--config",
                paramLabel = "FILE",
                description = "model config.json (default: the released full-size model)")
        Path config;

        @Option(names = "--threads", description = "worker threads of the optimizer (default: available processors)")
        Integer threads;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            printHints(spec.commandLine().getErr());
            TrainBench.Options o = new TrainBench.Options(
                    config == null ? VisageConfig.released() : VisageConfig.read(config),
                    batch,
                    accumulate,
                    steps,
                    threads == null ? Runtime.getRuntime().availableProcessors() : threads);
            out.println(TrainBench.report(o, TrainBench.run(o, out)));
            return 0;
        }
    }

    @Command(
            name = "windows",
            mixinStandardHelpOptions = true,
            description = "Joins of a long video's windows: full-size ViSAGe + DAC (random weights) generate a clip"
                    + " from synthetic features once per overlap; level step |dB| and log-spectral distance of"
                    + " adjacent 50-ms blocks of W at the window boundaries vs within windows. Several minutes.")
    static final class Windows implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--seconds",
                defaultValue = "20",
                description = "clip length in seconds (default ${DEFAULT-VALUE})")
        double seconds;

        @Option(
                names = "--overlaps",
                defaultValue = "0,1",
                split = ",",
                paramLabel = "SECONDS",
                description = "overlaps to compare, seconds (default ${DEFAULT-VALUE})")
        double[] overlaps;

        @Option(
                names = "--join",
                defaultValue = "crossfade",
                converter = GenerateCommand.JoinConverter.class,
                description = "crossfade or cut (default ${DEFAULT-VALUE})")
        WindowPlan.Join join;

        @Option(names = "--seed", defaultValue = "7", description = "seed of the features (default ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--threads", description = "worker threads (default: available processors)")
        Integer threads;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            printHints(spec.commandLine().getErr());
            out.println(WindowsBench.run(
                    new WindowsBench.Options(
                            seconds,
                            overlaps,
                            join,
                            seed,
                            threads == null ? Runtime.getRuntime().availableProcessors() : threads),
                    spec.commandLine().getErr()));
            return 0;
        }
    }

    @Command(
            name = "semantic",
            mixinStandardHelpOptions = true,
            description = "VGGish and PaSST embedding extraction at full size (random weights): seconds per clip")
    static final class Semantic implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--clips", defaultValue = "100", description = "5-s clips (default ${DEFAULT-VALUE})")
        int clips;

        @Option(
                names = "--batch",
                defaultValue = "4",
                description = "clips per network call (default ${DEFAULT-VALUE})")
        int batch;

        @Option(names = "--seed", defaultValue = "1", description = "weights and audio seed (default ${DEFAULT-VALUE})")
        long seed;

        @Override
        public Integer call() {
            printHints(spec.commandLine().getErr());
            spec.commandLine()
                    .getOut()
                    .print(SemanticBench.run(
                            new SemanticBench.Options(clips, batch, seed),
                            spec.commandLine().getErr()));
            return 0;
        }
    }

    @Command(
            name = "prepare",
            mixinStandardHelpOptions = true,
            description =
                    "prepare at full size (random ViT-B/32 CLIP, official-size DAC) on copies of the sample video:"
                            + " one machine, then --spark MASTER on the same inputs; seconds per clip, clips/h, equal bytes.")
    static final class Prepare implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--clips", defaultValue = "4", description = "5-s clips (default ${DEFAULT-VALUE})")
        int clips;

        @Option(
                names = "--spark",
                defaultValue = "local[2]",
                paramLabel = "MASTER",
                description = "master of the Spark run; 'none' for one machine only (default ${DEFAULT-VALUE})")
        String spark;

        @Option(names = "--work", paramLabel = "DIR", description = "inputs and outputs (default: a temporary folder)")
        java.nio.file.Path work;

        @Option(
                names = "--seed",
                defaultValue = "1",
                description = "weights, audio, directions (default ${DEFAULT-VALUE})")
        long seed;

        @Override
        public Integer call() throws java.io.IOException {
            printHints(spec.commandLine().getErr());
            java.nio.file.Path w =
                    work != null ? work : java.nio.file.Files.createTempDirectory("visage-bench-prepare");
            spec.commandLine()
                    .getOut()
                    .print(io.visage.examples.bench.PrepareBench.run(
                            new io.visage.examples.bench.PrepareBench.Options(
                                    clips, "none".equals(spark) ? null : spark, w, seed),
                            spec.commandLine().getErr()));
            spec.commandLine().getOut().println("  files: " + w);
            return 0;
        }
    }
}
