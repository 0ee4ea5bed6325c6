package io.visage.examples;

import io.visage.core.data.TrainingData;
import io.visage.core.model.ModelKind;
import io.visage.core.model.Visage;
import io.visage.core.model.VisageConfig;
import io.visage.core.train.LossLog;
import io.visage.core.train.TrainConfig;
import io.visage.core.train.Trainer;
import io.visage.core.train.Validation;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorSource;
import io.visage.nn.kernel.Parallelism;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code visage train --data DIR --config config.json [--init-mono CKPT] --out DIR [--steps N]
 * [--batch B] [--accumulate K] [--save-every N] [--valid-every N] [--resume] [--seed N]}: the
 * reference's ambisonics fine-tuning recipe ({@link Trainer}) on a folder written by
 * {@code visage prepare}. Checkpoints go to {@code <out>/checkpoint-<step>/}, per-step,
 * per-codebook and validation losses to {@code <out>/loss.csv}. {@code --resume} continues from the
 * newest checkpoint in {@code --out} and gives the same losses as an uninterrupted run.
 *
 * <p>A run that runs out of heap, off-heap memory or disk ends with one line naming what ran out,
 * the batch and what to try, exit code 1, the last complete checkpoint untouched and no partial one
 * (checkpoints are assembled in a hidden folder and renamed into place); a run folder this run
 * created is removed again when no step completed.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Fine-tune the ambisonics model on a prepared dataset (AdamW, clip 1.0, CFG dropout, rotation "
                    + "augmentation p = 0.5, seeded; exact --resume).",
            "The effective batch is --batch x --accumulate (the reference: 64); memory depends on --batch only."
        })
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "dataset folder from `visage prepare`")
    Path data;

    @Option(names = "--config", paramLabel = "FILE", description = "model config.json (not needed with --resume)")
    Path config;

    @Option(
            names = "--init-mono",
            paramLabel = "CKPT",
            description = "mono (VGGSound) checkpoint file or folder to start from")
    Path initMono;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "run folder (checkpoints, loss.csv)")
    Path out;

    @Option(names = "--steps", defaultValue = "1000", description = "train until this step (default ${DEFAULT-VALUE})")
    long steps;

    @Option(
            names = "--save-every",
            defaultValue = "500",
            description = "checkpoint interval in steps (default ${DEFAULT-VALUE})")
    long saveEvery;

    @Option(
            names = "--valid-every",
            defaultValue = "0",
            paramLabel = "N",
            description = "validation pass on <data>/valid.csv every N steps, logged in loss.csv (0 = never;"
                    + " default ${DEFAULT-VALUE})")
    long validEvery;

    @Option(
            names = "--valid-batch",
            paramLabel = "B",
            description = "clips per validation forward pass (default: --batch)")
    Integer validBatch;

    @Option(names = "--resume", description = "continue from the newest checkpoint in --out")
    boolean resume;

    @Option(names = "--seed", defaultValue = "1115", description = "seed of the run (default ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--batch",
            defaultValue = "4",
            description = "clips per forward/backward pass (default ${DEFAULT-VALUE})")
    int batch;

    @Option(
            names = "--accumulate",
            defaultValue = "16",
            paramLabel = "K",
            description = "micro-batches whose gradients make one step (default ${DEFAULT-VALUE}: 4 x 16 = the"
                    + " reference's batch 64)")
    int accumulate;

    @Option(names = "--seconds", defaultValue = "5", description = "clip window in seconds (default ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--lr", defaultValue = "1e-4", description = "learning rate (default ${DEFAULT-VALUE})")
    double lr;

    @Option(
            names = "--weight-decay",
            defaultValue = "0.01",
            description = "AdamW weight decay (default ${DEFAULT-VALUE})")
    double weightDecay;

    @Option(
            names = "--rotation-prob",
            defaultValue = "0.5",
            description = "rotation augmentation probability (default ${DEFAULT-VALUE})")
    double rotationProb;

    /**
     * What the run did.
     *
     * @param losses      total loss of each step run now
     * @param validations validation passes run now, by step
     */
    public record Result(
            long firstStep,
            long lastStep,
            List<Double> losses,
            List<Path> checkpoints,
            Map<Long, Validation.Result> validations,
            Path lossLog) {}

    /**
     * Options of a run.
     *
     * @param validEvery validation interval in steps, 0 for none
     * @param validBatch clips per validation forward pass
     */
    public record Options(
            Path data,
            Path config,
            Path initMono,
            Path out,
            long steps,
            long saveEvery,
            long validEvery,
            int validBatch,
            boolean resume,
            TrainConfig train) {
        public Options {
            if (steps < 1 || saveEvery < 1) {
                throw new IllegalArgumentException(
                        "--steps and --save-every must be >= 1, got " + steps + " and " + saveEvery);
            }
            if (validEvery < 0) {
                throw new IllegalArgumentException("--valid-every must be >= 0, got " + validEvery);
            }
            if (validBatch < 1) {
                throw new IllegalArgumentException("--valid-batch must be >= 1, got " + validBatch);
            }
            if (!resume && config == null) {
                throw new IllegalArgumentException("--config is required unless --resume is given");
            }
        }
    }

    /** What a run reports while it goes; every method has an empty default. */
    public interface Progress {
        /** Before the first step. @param firstStep steps already done @param lastStep the target */
        default void started(long firstStep, long lastStep) {}

        /** After each optimizer step. */
        default void step(Trainer.StepResult r) {}

        /** During a validation pass. */
        default void validating(int batchesDone, int batches) {}

        /** After a validation pass. */
        default void validated(long step, Validation.Result r) {}

        /** After a checkpoint was written. */
        default void saved(Path checkpoint) {}

        /** Reports steps only. */
        static Progress ofSteps(Consumer<Trainer.StepResult> onStep) {
            return new Progress() {
                @Override
                public void step(Trainer.StepResult r) {
                    onStep.accept(r);
                }
            };
        }
    }

    /** Runs the command; {@code onStep} sees every step's figures. */
    public static Result run(Options o, PrintWriter err, Consumer<Trainer.StepResult> onStep) {
        return run(o, err, Progress.ofSteps(onStep));
    }

    /** Runs the command, reporting to {@code progress}. */
    public static Result run(Options o, PrintWriter err, Progress progress) {
        Path parent = o.out().toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("output folder's parent " + parent + " does not exist");
        }
        TrainingData data = TrainingData.open(o.data(), "train");
        TrainingData valid = o.validEvery() > 0 ? openValid(o.data()) : null;
        try (Parallelism par = new Parallelism()) {
            return run(o, err, progress, data, valid, par);
        }
    }

    private static TrainingData openValid(Path data) {
        try {
            return TrainingData.open(data, "valid");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--valid-every: " + e.getMessage(), e);
        }
    }

    private static Result run(
            Options o, PrintWriter err, Progress progress, TrainingData data, TrainingData valid, Parallelism par) {
        Trainer trainer;
        if (o.resume()) {
            Path ckpt = Trainer.latestCheckpoint(o.out());
            if (ckpt == null) {
                throw new IllegalArgumentException("--resume: no checkpoint-<step> folder in " + o.out());
            }
            err.println("train: resuming from " + ckpt);
            trainer = Trainer.resume(ckpt, o.train(), data, par);
        } else {
            if (!Files.isRegularFile(o.config())) {
                throw new IllegalArgumentException("model config " + o.config() + " does not exist");
            }
            String json;
            try {
                json = Files.readString(o.config());
            } catch (IOException e) {
                throw new UncheckedIOException(o.config() + ": " + e.getMessage(), e);
            }
            VisageConfig cfg = VisageConfig.read(o.config());
            Visage model;
            if (o.initMono() != null) {
                try (TensorSource mono = TensorFiles.open(monoFile(o.initMono()))) {
                    model = Visage.fromMono(mono, cfg, o.train().seed(), DataType.FLOAT);
                }
            } else {
                err.println("train: no --init-mono: starting from random weights (seed "
                        + o.train().seed() + ")");
                model = Visage.random(cfg, ModelKind.AMBISONICS, o.train().seed(), DataType.FLOAT);
            }
            trainer = Trainer.start(model, json, o.train(), data, par);
        }
        boolean created = !Files.exists(o.out());
        try {
            Files.createDirectories(o.out());
        } catch (IOException e) {
            throw new UncheckedIOException(o.out() + ": " + e.getMessage(), e);
        }
        long first = trainer.stepCount();
        List<Double> losses = new ArrayList<>();
        List<Path> ckpts = new ArrayList<>();
        Map<Long, Validation.Result> validations = new LinkedHashMap<>();
        LossLog log = null;
        try {
            log = LossLog.open(o.out(), trainer.model().codebooks(), first);
            Validation pass = valid == null ? null : trainer.validation(valid, o.validBatch());
            progress.started(first, o.steps());
            while (trainer.stepCount() < o.steps()) {
                Trainer.StepResult r = trainer.step();
                losses.add(r.loss());
                progress.step(r);
                Validation.Result v = null;
                if (pass != null && r.step() % o.validEvery() == 0) {
                    v = trainer.validate(pass, done -> progress.validating(done, pass.batches()));
                    validations.put(r.step(), v);
                    progress.validated(r.step(), v);
                }
                log.append(r, v);
                if (r.step() % o.saveEvery() == 0 || r.step() == o.steps()) {
                    Path c = trainer.save(o.out());
                    ckpts.add(c);
                    progress.saved(c);
                }
            }
        } catch (RuntimeException | Error e) {
            if (created && ckpts.isEmpty() && losses.isEmpty()) { // nothing of this run is worth keeping
                removeEmptyRun(o.out(), e);
            }
            throw e;
        }
        return new Result(first, trainer.stepCount(), losses, ckpts, validations, log.file());
    }

    /** Deletes a run folder this run created when it holds nothing but the log header. */
    private static void removeEmptyRun(Path out, Throwable failure) {
        try (Stream<Path> s = Files.list(out)) {
            List<Path> files = s.toList();
            for (Path f : files) {
                if (!f.getFileName().toString().equals(LossLog.FILE)) {
                    return;
                }
            }
            for (Path f : files) {
                Files.delete(f);
            }
            Files.delete(out);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private static Path monoFile(Path p) {
        if (Files.isDirectory(p)) {
            for (String f : Visage.WEIGHT_FILES) {
                if (Files.isRegularFile(p.resolve(f))) {
                    return p.resolve(f);
                }
            }
            throw new IllegalArgumentException("--init-mono folder " + p + " holds none of " + Visage.WEIGHT_FILES);
        }
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("--init-mono checkpoint " + p + " does not exist");
        }
        return p;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter o = spec.commandLine().getOut();
        BlasCheck.printHint(err);
        Options opts;
        try {
            opts = new Options(
                    data,
                    config,
                    initMono,
                    out,
                    steps,
                    saveEvery,
                    validEvery,
                    validBatch == null ? batch : validBatch,
                    resume,
                    TrainConfig.builder()
                            .learningRate(lr)
                            .weightDecay(weightDecay)
                            .batchSize(batch)
                            .accumulate(accumulate)
                            .seconds(seconds)
                            .rotationProbability(rotationProb)
                            .seed(seed)
                            .build());
        } catch (RuntimeException e) {
            err.println("visage train: " + e.getMessage());
            return 1;
        }
        o.printf(
                "train: batch %d x accumulate %d = %d clips per step%s%n",
                batch,
                accumulate,
                batch * accumulate,
                validEvery > 0 ? ", validation every " + validEvery + " steps" : "");
        o.flush();
        Result r;
        boolean terminal = System.console() != null;
        try (TrainingReport report = terminal ? TrainingReport.bar(err) : TrainingReport.lines(o)) {
            r = run(opts, err, report);
        } catch (RuntimeException | OutOfMemoryError e) {
            Optional<ResourceFailures.Described> d = ResourceFailures.describe(e, batch, accumulate, out);
            if (terminal) {
                err.println(); // below the progress bar
            }
            err.println(
                    "visage train: " + d.map(ResourceFailures.Described::line).orElse(String.valueOf(e.getMessage())));
            err.flush();
            return 1;
        }
        o.printf(
                "train: steps %d..%d, per-codebook losses in %s, checkpoints %s%n",
                r.firstStep() + 1, r.lastStep(), r.lossLog(), r.checkpoints());
        o.flush();
        return 0;
    }
}
