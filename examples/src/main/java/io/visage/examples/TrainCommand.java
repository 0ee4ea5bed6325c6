package io.visage.examples;

import io.visage.core.data.TrainingData;
import io.visage.core.model.ModelKind;
import io.visage.core.model.Visage;
import io.visage.core.model.VisageConfig;
import io.visage.core.train.LossLog;
import io.visage.core.train.TrainConfig;
import io.visage.core.train.Trainer;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorSource;
import io.visage.nn.kernel.Parallelism;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code visage train --data DIR --config config.json [--init-mono CKPT] --out DIR [--steps N]
 * [--save-every N] [--resume] [--seed N]}: the reference's ambisonics fine-tuning recipe
 * ({@link Trainer}) on a folder written by {@code visage prepare}. Checkpoints go to
 * {@code <out>/checkpoint-<step>/}, per-step and per-codebook losses to {@code <out>/loss.csv}.
 * {@code --resume} continues from the newest checkpoint in {@code --out} and gives the same losses
 * as an uninterrupted run.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Fine-tune the ambisonics model on a prepared dataset (AdamW, clip 1.0, CFG dropout, rotation "
                    + "augmentation p = 0.5, seeded; exact --resume)."
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

    @Option(names = "--resume", description = "continue from the newest checkpoint in --out")
    boolean resume;

    @Option(names = "--seed", defaultValue = "1115", description = "seed of the run (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--batch", defaultValue = "64", description = "clips per step (default ${DEFAULT-VALUE})")
    int batch;

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

    /** What the run did. @param losses total loss of each step run now */
    public record Result(long firstStep, long lastStep, List<Double> losses, List<Path> checkpoints, Path lossLog) {}

    /** Options of a run. */
    public record Options(
            Path data,
            Path config,
            Path initMono,
            Path out,
            long steps,
            long saveEvery,
            boolean resume,
            TrainConfig train) {
        public Options {
            if (steps < 1 || saveEvery < 1) {
                throw new IllegalArgumentException(
                        "--steps and --save-every must be >= 1, got " + steps + " and " + saveEvery);
            }
            if (!resume && config == null) {
                throw new IllegalArgumentException("--config is required unless --resume is given");
            }
        }
    }

    /** Runs the command; {@code onStep} sees every step's figures. */
    public static Result run(Options o, PrintWriter err, Consumer<Trainer.StepResult> onStep) {
        Path parent = o.out().toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("output folder's parent " + parent + " does not exist");
        }
        TrainingData data = TrainingData.open(o.data(), "train");
        try (Parallelism par = new Parallelism()) {
            return run(o, err, onStep, data, par);
        }
    }

    private static Result run(
            Options o, PrintWriter err, Consumer<Trainer.StepResult> onStep, TrainingData data, Parallelism par) {
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
        try {
            Files.createDirectories(o.out());
        } catch (IOException e) {
            throw new UncheckedIOException(o.out() + ": " + e.getMessage(), e);
        }
        long first = trainer.stepCount();
        LossLog log = LossLog.open(o.out(), trainer.model().codebooks(), first);
        List<Double> losses = new ArrayList<>();
        List<Path> ckpts = new ArrayList<>();
        while (trainer.stepCount() < o.steps()) {
            Trainer.StepResult r = trainer.step();
            log.append(r);
            losses.add(r.loss());
            onStep.accept(r);
            if (r.step() % o.saveEvery() == 0 || r.step() == o.steps()) {
                ckpts.add(trainer.save(o.out()));
            }
        }
        return new Result(first, trainer.stepCount(), losses, ckpts, log.file());
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
        Result r;
        try {
            r = run(
                    new Options(
                            data,
                            config,
                            initMono,
                            out,
                            steps,
                            saveEvery,
                            resume,
                            TrainConfig.builder()
                                    .learningRate(lr)
                                    .weightDecay(weightDecay)
                                    .batchSize(batch)
                                    .seconds(seconds)
                                    .rotationProbability(rotationProb)
                                    .seed(seed)
                                    .build()),
                    err,
                    s -> {
                        o.printf(
                                "step %d  loss %.5f  grad_norm %.4f  lr %.2e%n",
                                s.step(), s.loss(), s.gradNorm(), s.lr());
                        o.flush();
                    });
        } catch (RuntimeException e) {
            err.println("visage train: " + e.getMessage());
            return 1;
        }
        o.printf(
                "train: steps %d..%d, per-codebook losses in %s, checkpoints %s%n",
                r.firstStep() + 1, r.lastStep(), r.lossLog(), r.checkpoints());
        o.flush();
        return 0;
    }
}
