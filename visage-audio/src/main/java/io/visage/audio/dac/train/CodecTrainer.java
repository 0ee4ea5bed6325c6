package io.visage.audio.dac.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.audio.dac.Dac;
import io.visage.audio.dac.DacConfig;
import io.visage.audio.dac.QuantizerDropout;
import io.visage.nn.CheckpointFormatException;
import io.visage.nn.ConfigException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.ParameterGradients;
import io.visage.nn.autodiff.Tape;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.module.StateDicts;
import io.visage.nn.optim.AdamW;
import io.visage.nn.optim.CheckpointFolder;
import io.visage.nn.optim.NoDecayRule;
import io.visage.nn.optim.OptimizerCheckpoint;
import io.visage.nn.optim.SplitMixRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Trains a codec of the DAC architecture ({@link Dac}, any {@link DacConfig}) on mono segments
 * ({@link CodecTrainingData}) with {@link CodecLoss}: per step, a batch of hop-aligned segments and
 * the quantizer-dropout level counts drawn from the run's RNG, the reference forward on training
 * {@link Ops}, the training backward into preallocated gradients, the global-norm clip folded into
 * one AdamW update (every parameter decayed, exponential learning-rate decay).
 *
 * <p>A fresh run starts from {@link Dac#random} with the run's seed and {@link DacTrainingInit}.
 * Every random choice after that comes from one {@link SplitMixRandom} whose state is saved with
 * each checkpoint, so {@link #resume} continues exactly where {@link #save} left off: the same
 * losses as an uninterrupted run.
 *
 * <p>Checkpoints are folders {@code checkpoint-<step>/} holding {@value #WEIGHTS_FILE} (the official
 * DAC state-dict names: {@code encoder.block.0.weight_g}, {@code quantizer.quantizers.0.codebook.weight},
 * …), {@value Dac#CONFIG_FILE} (the {@code DAC(**kwargs)} arguments), {@value #OPTIMIZER_FILE} and
 * {@value CodecTrainerState#FILE}; {@link #saveFinal} writes {@code final/} with the weights and
 * config only. Both load with {@link Dac#load(Path)} and {@code DacCodec.load}. Each folder is
 * assembled in a hidden temporary folder and renamed into place.
 */
public final class CodecTrainer {
    public static final String WEIGHTS_FILE = "weights.safetensors";
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    public static final String CHECKPOINT_PREFIX = "checkpoint-";
    public static final String FINAL_DIR = "final";
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final Dac dac;
    private final CodecTrainConfig train;
    private final CodecTrainingData data;
    private final CodecLoss loss;
    private final AdamW optimizer;
    private final SplitMixRandom rng;
    private final ParameterGradients grads;
    private final Parallelism par;

    /**
     * One optimizer step's figures (the loss terms unweighted).
     *
     * @param gradNorm global gradient norm before clipping
     * @param seconds  wall time of the step: drawing the batch, forward, backward, update
     */
    public record StepResult(
            long step,
            double total,
            double mel,
            double l1,
            double commitment,
            double codebook,
            double gradNorm,
            double lr,
            double seconds) {}

    private CodecTrainer(
            Dac dac, CodecTrainConfig train, CodecTrainingData data, CodecTrainerState state, Parallelism par) {
        DacConfig c = dac.config();
        if (train.segmentSamples() % c.hopLength() != 0) {
            throw new ConfigException("codec training: segments of " + train.segmentSamples()
                    + " samples are not a multiple of the codec's hop length " + c.hopLength() + " (encoder_rates "
                    + c.encoderRates() + ")");
        }
        if (data.sampleRateHz() != c.sampleRateHz()) {
            throw new ConfigException("codec training: the examples are at " + data.sampleRateHz()
                    + " Hz but the codec takes " + c.sampleRateHz() + " Hz");
        }
        this.dac = dac;
        this.train = train;
        this.data = data;
        this.loss = CodecLoss.of(train, c.sampleRateHz());
        double lr0 = train.learningRate();
        double decay = train.lrDecay();
        Map<String, Tensor> params = dac.stateDict();
        this.optimizer = new AdamW(
                params,
                step -> lr0 * Math.pow(decay, step - 1),
                train.beta1(),
                train.beta2(),
                1e-8,
                train.weightDecay(),
                new NoDecayRule(List.of()));
        this.grads = new ParameterGradients(params);
        this.rng = new SplitMixRandom(state.seed());
        this.rng.restore(state.rngState());
        this.par = par;
    }

    /**
     * A fresh run: random weights from {@code train.seed()}, DAC's start ({@link DacTrainingInit}).
     *
     * @param par worker threads of the ops and the optimizer (owned by the caller)
     */
    public static CodecTrainer start(DacConfig codec, CodecTrainConfig train, CodecTrainingData data, Parallelism par) {
        Dac dac = Dac.random(codec, train.seed());
        DacTrainingInit.apply(dac);
        return new CodecTrainer(dac, train, data, new CodecTrainerState(0, rngSeed(train.seed()), train.seed()), par);
    }

    /** The RNG stream of a run: distinct from the weights' stream of the same seed. */
    private static long rngSeed(long seed) {
        return seed ^ GOLDEN;
    }

    /**
     * Continues from a checkpoint folder written by {@link #save}. The recipe comes from
     * {@code train} except the seed, which is the checkpoint's.
     *
     * @throws CheckpointFormatException naming the file that is missing or inconsistent
     */
    public static CodecTrainer resume(
            Path checkpoint, CodecTrainConfig train, CodecTrainingData data, Parallelism par) {
        for (String f : List.of(WEIGHTS_FILE, Dac.CONFIG_FILE, OPTIMIZER_FILE, CodecTrainerState.FILE)) {
            if (!Files.isRegularFile(checkpoint.resolve(f))) {
                throw new CheckpointFormatException(
                        checkpoint.resolve(f),
                        "missing: a codec training checkpoint holds "
                                + List.of(WEIGHTS_FILE, Dac.CONFIG_FILE, OPTIMIZER_FILE, CodecTrainerState.FILE));
            }
        }
        CodecTrainerState state = CodecTrainerState.read(checkpoint.resolve(CodecTrainerState.FILE));
        Dac dac = Dac.load(checkpoint.resolve(WEIGHTS_FILE));
        CodecTrainer t =
                new CodecTrainer(dac, train.toBuilder().seed(state.seed()).build(), data, state, par);
        OptimizerCheckpoint.load(t.optimizer, checkpoint.resolve(OPTIMIZER_FILE));
        if (t.optimizer.stepCount() != state.step()) {
            throw new CheckpointFormatException(
                    checkpoint.resolve(OPTIMIZER_FILE),
                    "optimizer is at step " + t.optimizer.stepCount() + " but " + CodecTrainerState.FILE + " says "
                            + state.step());
        }
        return t;
    }

    public Dac model() {
        return dac;
    }

    public CodecTrainConfig config() {
        return train;
    }

    public CodecLoss loss() {
        return loss;
    }

    public long stepCount() {
        return optimizer.stepCount();
    }

    public CodecTrainerState state() {
        return new CodecTrainerState(optimizer.stepCount(), rng.state(), train.seed());
    }

    /**
     * Runs one optimizer step on a freshly drawn batch.
     *
     * @throws IllegalStateException naming the step and the terms when the loss is not finite
     */
    public StepResult step() {
        long t0 = System.nanoTime();
        DacConfig c = dac.config();
        INDArray audio = data.batch(train.batchSize(), train.segmentSamples(), c.hopLength(), train.skipSilent(), rng);
        int[] levels = QuantizerDropout.levels(train.batchSize(), c.nCodebooks(), c.quantizerDropout(), rng);
        grads.zero();
        Tape tape = new Tape();
        CodecLoss.Terms t = loss.compute(Ops.training(tape, rng, par), dac, Tensor.constant(audio), levels);
        double total = t.total().item();
        long step = optimizer.stepCount() + 1;
        if (!Double.isFinite(total)) {
            throw new IllegalStateException("codec training: step " + step + " has a non-finite loss " + total
                    + " (mel " + t.mel() + ", l1 " + t.l1() + ", commitment " + t.commitment() + ", codebook "
                    + t.codebook() + "); lower the learning rate");
        }
        tape.backward(t.total(), grads);
        double norm = grads.globalNorm();
        double coef = train.maxGradNorm() / (norm + 1e-6); // torch.nn.utils.clip_grad_norm_
        double lr = optimizer.step(grads, Math.min(1.0, coef), par);
        audio.close();
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new StepResult(
                optimizer.stepCount(), total, t.mel(), t.l1(), t.commitment(), t.codebook(), norm, lr, seconds);
    }

    /**
     * The loss of the current weights on given audio with every quantizer level, nothing recorded
     * and no RNG used (validation, held-out figures).
     *
     * @param audio [B, 1, N] float32, N a multiple of the hop length
     */
    public CodecLoss.Terms evaluate(INDArray audio) {
        int[] all = new int[(int) audio.size(0)];
        java.util.Arrays.fill(all, dac.config().nCodebooks());
        return loss.compute(Ops.inference(par), dac, Tensor.constant(audio), all);
    }

    /**
     * Writes {@code <runDir>/checkpoint-<step>/} atomically (replacing one of the same step).
     *
     * @return the checkpoint folder
     */
    public Path save(Path runDir) {
        long step = optimizer.stepCount();
        return writeFolder(runDir, CHECKPOINT_PREFIX + step, true);
    }

    /** Writes {@code <runDir>/final/}: weights and config.json, loadable by {@link Dac#load(Path)}. */
    public Path saveFinal(Path runDir) {
        return writeFolder(runDir, FINAL_DIR, false);
    }

    /** The weights file inside a folder written by {@link #save} or {@link #saveFinal}. */
    public static Path weightsIn(Path folder) {
        return folder.resolve(WEIGHTS_FILE);
    }

    private Path writeFolder(Path runDir, String name, boolean withTrainingState) {
        return CheckpointFolder.write(runDir, name, tmp -> {
            OptimizerCheckpoint.writeAtomically(
                    tmp.resolve(WEIGHTS_FILE), StateDicts.arrays(dac.stateDict()), Map.of("format", "pt"));
            Files.writeString(
                    tmp.resolve(Dac.CONFIG_FILE),
                    new ObjectMapper()
                                    .writerWithDefaultPrettyPrinter()
                                    .writeValueAsString(dac.config().toKwargs())
                            + "\n");
            if (withTrainingState) {
                OptimizerCheckpoint.save(optimizer, tmp.resolve(OPTIMIZER_FILE));
                state().write(tmp.resolve(CodecTrainerState.FILE));
            }
        });
    }

    /** The {@code checkpoint-<step>} folder with the highest step in {@code runDir}, or null. */
    public static Path latestCheckpoint(Path runDir) {
        return CheckpointFolder.latest(runDir, CHECKPOINT_PREFIX);
    }
}
