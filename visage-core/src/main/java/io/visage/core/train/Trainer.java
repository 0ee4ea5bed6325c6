package io.visage.core.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.core.data.TrainingData;
import io.visage.core.model.ModelKind;
import io.visage.core.model.Visage;
import io.visage.core.model.VisageConfig;
import io.visage.nn.CheckpointFormatException;
import io.visage.nn.ConfigException;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.module.StateDicts;
import io.visage.nn.optim.AdamW;
import io.visage.nn.optim.CheckpointFolder;
import io.visage.nn.optim.LrSchedule;
import io.visage.nn.optim.OptimizerCheckpoint;
import io.visage.nn.optim.SplitMixRandom;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The reference's ambisonics fine-tuning loop ({@code train_ambi.py}, SPEC §4) on a prepared
 * dataset: per step, {@code batchSize} items in a seeded per-epoch order (batches run on across
 * epoch boundaries), rotation augmentation and crops per item, CFG dropout per batch
 * ({@link GuidanceDropout}), dropout in the layers, the summed per-codebook loss, global gradient
 * clipping, then AdamW with the reference's no-decay rule and a constant learning rate.
 *
 * <p>Every random choice comes from one {@link SplitMixRandom} whose state is saved in each
 * checkpoint, and the data order of an epoch is a function of (seed, epoch), so
 * {@link #resume} continues exactly where {@link #save} left off: the same losses, bit for bit.
 * Checkpoints are folders {@code checkpoint-<step>/} holding {@code model.safetensors} (PyTorch
 * state-dict names, loadable by {@link Visage#loadPretrained}), {@code config.json},
 * {@code optimizer.safetensors} and {@code trainer_state.json}; each is assembled in a hidden
 * temporary folder and renamed into place.
 */
public final class Trainer {
    public static final String MODEL_FILE = "model.safetensors";
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    public static final String CONFIG_FILE = "config.json";
    public static final String CHECKPOINT_PREFIX = "checkpoint-";
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final Visage model;
    private final String configJson;
    private final TrainConfig train;
    private final TrainingData data;
    private final AdamW optimizer;
    private final SplitMixRandom rng;
    private final TrainingStep compute;
    private final ClipWindow window;
    private final Parallelism par;
    private long epoch;
    private int position;
    private int[] order;

    /**
     * One optimizer step's figures.
     *
     * @param perHead loss per codebook (0 where not counted)
     * @param ids     the clips of the step, all micro-batches
     * @param compute timings and memory of the step
     */
    public record StepResult(
            long step,
            double loss,
            double[] perHead,
            boolean[] counted,
            double gradNorm,
            double lr,
            List<String> ids,
            TrainingStep.Result compute) {}

    private Trainer(
            Visage model,
            String configJson,
            TrainConfig train,
            TrainingData data,
            TrainerState state,
            Parallelism par) {
        if (model.kind() != ModelKind.AMBISONICS) {
            throw new ConfigException("training needs the ambisonics model, got " + model.kind());
        }
        VisageConfig cfg = model.config();
        this.model = model;
        this.configJson = configJson;
        this.train = train;
        this.data = data;
        this.window = new ClipWindow(train.seconds(), cfg.dacFrameRate(), cfg.clipFrameRate());
        if (window.clipFrames() > cfg.maxSourceLength()) {
            throw new ConfigException(train.seconds() + " s windows have " + window.clipFrames()
                    + " CLIP frames but max_source_length is " + cfg.maxSourceLength());
        }
        int rows = model.pattern().rows(window.codeFrames());
        if (rows > cfg.maxTargetLength()) {
            throw new ConfigException(train.seconds() + " s windows need " + rows
                    + " decoder rows but max_target_length is " + cfg.maxTargetLength());
        }
        this.optimizer =
                AdamW.withDefaults(model.stateDict(), LrSchedule.constant(train.learningRate()), train.weightDecay());
        this.rng = new SplitMixRandom(train.seed());
        this.rng.restore(state.rngState());
        this.compute = new TrainingStep(model, optimizer, train.maxGradNorm(), rng, par);
        this.par = par;
        this.epoch = state.epoch();
        this.position = state.position();
        this.order = order(train.seed(), epoch, data.size());
    }

    /**
     * A fresh run.
     *
     * @param configJson the model's {@code config.json} text, written into every checkpoint
     * @param par        worker threads of the optimizer pass (owned by the caller)
     */
    public static Trainer start(
            Visage model, String configJson, TrainConfig train, TrainingData data, Parallelism par) {
        return new Trainer(model, configJson, train, data, new TrainerState(0, train.seed(), 0, 0, train.seed()), par);
    }

    /**
     * Continues from a checkpoint folder written by {@link #save}. Learning rate, decay, clip,
     * batch size, window and rotation probability come from {@code train}; the seed from the
     * checkpoint.
     *
     * @throws CheckpointFormatException naming the file that is missing or inconsistent
     */
    public static Trainer resume(Path checkpoint, TrainConfig train, TrainingData data, Parallelism par) {
        for (String f : List.of(MODEL_FILE, OPTIMIZER_FILE, CONFIG_FILE, TrainerState.FILE)) {
            if (!Files.isRegularFile(checkpoint.resolve(f))) {
                throw new CheckpointFormatException(
                        checkpoint.resolve(f),
                        "missing: a training checkpoint holds "
                                + List.of(MODEL_FILE, OPTIMIZER_FILE, CONFIG_FILE, TrainerState.FILE));
            }
        }
        String json;
        try {
            json = Files.readString(checkpoint.resolve(CONFIG_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(checkpoint.resolve(CONFIG_FILE) + ": " + e.getMessage(), e);
        }
        VisageConfig cfg = VisageConfig.read(checkpoint.resolve(CONFIG_FILE));
        TrainerState state = TrainerState.read(checkpoint.resolve(TrainerState.FILE));
        Visage model = Visage.load(checkpoint.resolve(MODEL_FILE), cfg, ModelKind.AMBISONICS, DataType.FLOAT);
        Trainer t =
                new Trainer(model, json, train.toBuilder().seed(state.seed()).build(), data, state, par);
        OptimizerCheckpoint.load(t.optimizer, checkpoint.resolve(OPTIMIZER_FILE));
        if (t.optimizer.stepCount() != state.step()) {
            throw new CheckpointFormatException(
                    checkpoint.resolve(OPTIMIZER_FILE),
                    "optimizer is at step " + t.optimizer.stepCount() + " but " + TrainerState.FILE + " says "
                            + state.step());
        }
        return t;
    }

    /** The model's config parsed from its JSON text. */
    public static VisageConfig parseConfig(String json, String where) {
        try {
            return VisageConfig.fromJson(new ObjectMapper().readTree(json));
        } catch (IOException e) {
            throw new ConfigException(where + ": not readable JSON: " + e.getMessage());
        }
    }

    /** Permutation of [0, n) for an epoch (Fisher–Yates driven by SplitMix64 of seed and epoch). */
    static int[] order(long seed, long epoch, int n) {
        SplitMixRandom r = new SplitMixRandom(seed ^ ((epoch + 1) * GOLDEN));
        int[] o = new int[n];
        for (int i = 0; i < n; i++) {
            o[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = o[i];
            o[i] = o[j];
            o[j] = t;
        }
        return o;
    }

    public Visage model() {
        return model;
    }

    public long stepCount() {
        return optimizer.stepCount();
    }

    public TrainerState state() {
        return new TrainerState(optimizer.stepCount(), rng.state(), epoch, position, train.seed());
    }

    /** Runs one optimizer step on the next {@code batch · accumulate} clips. */
    public StepResult step() {
        VisageConfig cfg = model.config();
        List<TrainingData.Batch> micro = new ArrayList<>(train.accumulate());
        List<String> ids = new ArrayList<>();
        for (int m = 0; m < train.accumulate(); m++) {
            List<TrainingData.Item> items = new ArrayList<>(train.batchSize());
            while (items.size() < train.batchSize()) {
                if (position == order.length) {
                    epoch++;
                    position = 0;
                    order = order(train.seed(), epoch, data.size());
                }
                items.add(data.item(
                        order[position++], window, model.pattern(), cfg.dClip(), train.rotationProbability(), rng));
            }
            TrainingData.Batch b = TrainingData.stack(items, cfg.dClip());
            micro.add(b);
            ids.addAll(b.ids());
        }
        TrainingStep.Result r = compute.run(micro);
        return new StepResult(optimizer.stepCount(), r.loss(), r.perHead(), r.counted(), r.gradNorm(), r.lr(), ids, r);
    }

    /** A validation pass over {@code split} with this run's clip window (see {@link Validation}). */
    public Validation validation(TrainingData split, int batchSize) {
        return new Validation(split, window, batchSize);
    }

    /**
     * Runs {@code pass} on the current weights. Its CFG-dropout draws are seeded by the run's seed
     * and the step, so validating never changes the training run's random stream (a run with
     * validation has the same losses as one without) and repeats exactly.
     */
    public Validation.Result validate(Validation pass, IntConsumer progress) {
        long seed = new SplitMixRandom(train.seed() ^ ((optimizer.stepCount() + 1) * GOLDEN)).nextLong();
        return pass.run(model, seed, par, progress);
    }

    /**
     * Writes {@code <outDir>/checkpoint-<step>/} atomically (replacing one of the same step).
     *
     * @return the checkpoint folder
     */
    public Path save(Path outDir) {
        long step = optimizer.stepCount();
        return CheckpointFolder.write(outDir, CHECKPOINT_PREFIX + step, tmp -> {
            OptimizerCheckpoint.writeAtomically(
                    tmp.resolve(MODEL_FILE), StateDicts.arrays(model.stateDict()), Map.of("format", "pt"));
            Files.writeString(tmp.resolve(CONFIG_FILE), configJson);
            OptimizerCheckpoint.save(optimizer, tmp.resolve(OPTIMIZER_FILE));
            state().write(tmp.resolve(TrainerState.FILE));
        });
    }

    /** The {@code checkpoint-<step>} folder with the highest step in {@code outDir}, or null. */
    public static Path latestCheckpoint(Path outDir) {
        return CheckpointFolder.latest(outDir, CHECKPOINT_PREFIX);
    }
}
