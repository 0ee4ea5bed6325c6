package io.visage.examples;

import io.visage.audio.dac.DacConfig;
import io.visage.audio.dac.train.CodecLossLog;
import io.visage.audio.dac.train.CodecTrainConfig;
import io.visage.audio.dac.train.CodecTrainer;
import io.visage.audio.dac.train.CodecTrainingData;
import io.visage.nn.kernel.Parallelism;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code visage codec train --audio DIR --config CODEC.json --out RUN [--steps N] [--batch B]
 * [--segment-seconds S] [--lr X] [--l1-weight W] [--seed S] [--save-every N] [--resume]}: trains a
 * codec of the DAC architecture ({@link CodecTrainer}) on every channel of every WAV file in
 * {@code --audio}. Writes {@code RUN/loss.csv}, {@code RUN/checkpoint-<step>/} every
 * {@code --save-every} steps and at the last step, and {@code RUN/final/} (weights.safetensors +
 * config.json), which {@code visage codec encode/decode --weights RUN/final/weights.safetensors}
 * reads. {@code --resume} continues from the newest checkpoint in {@code --out} with the losses an
 * uninterrupted run has.
 *
 * <p>A suggested codec for 16 kHz FOA is the resource {@value #SMALL_16K_RESOURCE} (50 frames/s,
 * 4 levels of 256 codes).
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Train a DAC-architecture codec on WAV files (every channel a mono example): 15 x multi-scale"
                    + " log-mel L1 + waveform L1 + VQ commitment/codebook losses, AdamW (0.8, 0.99), seeded,"
                    + " exact --resume; no adversarial losses.",
            "Writes RUN/loss.csv, RUN/checkpoint-<step>/ and RUN/final/ (weights.safetensors + config.json)."
        })
public final class CodecTrainCommand implements Callable<Integer> {
    /** Class-path resource of the suggested small 16 kHz codec config. */
    public static final String SMALL_16K_RESOURCE = "/io/visage/examples/codec-16k-small.json";

    @Spec
    CommandSpec spec;

    @Option(names = "--audio", required = true, paramLabel = "DIR", description = "folder of .wav files")
    Path audio;

    @Option(
            names = "--config",
            paramLabel = "CODEC.json",
            description = "codec config (DAC kwargs: sample_rate, encoder_rates, ...); not needed with --resume")
    Path config;

    @Option(names = "--out", required = true, paramLabel = "RUN", description = "run folder")
    Path out;

    @Option(names = "--steps", defaultValue = "1000", description = "train until this step (default ${DEFAULT-VALUE})")
    long steps;

    @Option(names = "--batch", defaultValue = "8", description = "segments per step (default ${DEFAULT-VALUE})")
    int batch;

    @Option(
            names = "--segment-seconds",
            defaultValue = "0.64",
            paramLabel = "S",
            description = "segment length, rounded to whole codec frames (default ${DEFAULT-VALUE})")
    double segmentSeconds;

    @Option(names = "--lr", defaultValue = "1e-4", description = "AdamW learning rate (default ${DEFAULT-VALUE})")
    double lr;

    @Option(
            names = "--l1-weight",
            defaultValue = "1.0",
            description = "weight of the waveform L1 term (default ${DEFAULT-VALUE})")
    double l1Weight;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the run (default ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--save-every",
            defaultValue = "500",
            description = "checkpoint interval in steps (default ${DEFAULT-VALUE})")
    long saveEvery;

    @Option(names = "--resume", description = "continue from the newest checkpoint in --out")
    boolean resume;

    /** What a run reports while it goes; every method has an empty default. */
    public interface Progress {
        /** Before the first step. */
        default void started(long firstStep, long lastStep, int segmentSamples) {}

        default void step(CodecTrainer.StepResult r) {}

        default void saved(Path folder) {}
    }

    /**
     * Options of a run.
     *
     * @param config codec config JSON (null with {@code resume})
     */
    public record Options(
            Path audio,
            Path config,
            Path out,
            long steps,
            int batch,
            double segmentSeconds,
            double lr,
            double l1Weight,
            long seed,
            long saveEvery,
            boolean resume) {
        public Options {
            if (steps < 1 || saveEvery < 1 || batch < 1) {
                throw new IllegalArgumentException("--steps, --save-every and --batch must be >= 1, got " + steps + ", "
                        + saveEvery + " and " + batch);
            }
            if (!(segmentSeconds > 0)) {
                throw new IllegalArgumentException("--segment-seconds must be > 0, got " + segmentSeconds);
            }
            if (!resume && config == null) {
                throw new IllegalArgumentException("--config is required unless --resume is given");
            }
        }

        /** The recipe for a codec: the segment rounded to whole frames (at least one). */
        CodecTrainConfig recipe(DacConfig codec) {
            int hop = codec.hopLength();
            long frames = Math.max(1, Math.round(segmentSeconds * codec.sampleRateHz() / hop));
            return CodecTrainConfig.builder()
                    .segmentSamples(Math.toIntExact(frames * hop))
                    .batchSize(batch)
                    .steps(steps)
                    .learningRate(lr)
                    .l1Weight(l1Weight)
                    .seed(seed)
                    .build();
        }
    }

    /**
     * What the run did.
     *
     * @param totals total loss of each step run now
     */
    public record Result(
            long firstStep, long lastStep, List<Double> totals, List<Path> checkpoints, Path finalDir, Path lossLog) {}

    /** Runs the command. */
    public static Result run(Options o, PrintWriter err, Progress progress) {
        Path parent = o.out().toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("output folder's parent " + parent + " does not exist");
        }
        Path ckpt = null;
        DacConfig codec;
        if (o.resume()) {
            ckpt = CodecTrainer.latestCheckpoint(o.out());
            if (ckpt == null) {
                throw new IllegalArgumentException("--resume: no checkpoint-<step> folder in " + o.out());
            }
            codec = DacConfig.fromJson(ckpt.resolve(io.visage.audio.dac.Dac.CONFIG_FILE));
        } else {
            if (!Files.isRegularFile(o.config())) {
                throw new IllegalArgumentException("codec config " + o.config() + " does not exist");
            }
            codec = DacConfig.fromJson(o.config());
        }
        CodecTrainConfig recipe = o.recipe(codec);
        CodecTrainingData data = CodecTrainingData.open(o.audio(), codec.sampleRateHz());
        try (Parallelism par = new Parallelism()) {
            CodecTrainer trainer;
            if (ckpt != null) {
                err.println("codec train: resuming from " + ckpt);
                trainer = CodecTrainer.resume(ckpt, recipe, data, par);
            } else {
                trainer = CodecTrainer.start(codec, recipe, data, par);
            }
            try {
                Files.createDirectories(o.out());
            } catch (IOException e) {
                throw new UncheckedIOException(o.out() + ": " + e.getMessage(), e);
            }
            long first = trainer.stepCount();
            CodecLossLog log = CodecLossLog.open(o.out(), first);
            List<Double> totals = new ArrayList<>();
            List<Path> ckpts = new ArrayList<>();
            progress.started(first, o.steps(), recipe.segmentSamples());
            while (trainer.stepCount() < o.steps()) {
                CodecTrainer.StepResult r = trainer.step();
                totals.add(r.total());
                log.append(r);
                progress.step(r);
                if (r.step() % o.saveEvery() == 0 || r.step() == o.steps()) {
                    Path c = trainer.save(o.out());
                    ckpts.add(c);
                    progress.saved(c);
                }
            }
            Path fin = trainer.saveFinal(o.out());
            progress.saved(fin);
            return new Result(first, trainer.stepCount(), totals, ckpts, fin, log.file());
        }
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outw = spec.commandLine().getOut();
        BlasCheck.printHint(err);
        boolean terminal = System.console() != null;
        try (CodecTrainingReport report = terminal ? CodecTrainingReport.bar(err) : CodecTrainingReport.lines(err)) {
            Options o = new Options(
                    audio, config, out, steps, batch, segmentSeconds, lr, l1Weight, seed, saveEvery, resume);
            Result r = run(o, err, report);
            report.close();
            outw.printf(
                    Locale.ROOT,
                    "codec train: steps %d..%d, losses in %s, checkpoints %s, final weights in %s%n",
                    r.firstStep() + 1,
                    r.lastStep(),
                    r.lossLog(),
                    r.checkpoints(),
                    r.finalDir());
            outw.flush();
            return 0;
        } catch (RuntimeException e) {
            if (terminal) {
                err.println();
            }
            err.println("visage codec train: " + e.getMessage());
            err.flush();
            return 1;
        }
    }
}
