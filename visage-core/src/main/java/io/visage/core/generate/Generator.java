package io.visage.core.generate;

import io.visage.core.model.ModelKind;
import io.visage.core.model.Visage;
import io.visage.core.model.VisageConfig;
import io.visage.core.pattern.CodePattern;
import io.visage.core.pattern.TokenGrid;
import io.visage.nn.ConfigException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.kernel.AttentionKernel;
import io.visage.nn.kernel.MatVec;
import io.visage.nn.kernel.MatVecs;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.kernel.WeightFormat;
import io.visage.nn.transformer.IncrementalDecoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Autoregressive generation with classifier-free guidance (the reference's {@code generate_cfg}
 * / {@code generate_dual_cfg}, SPEC §3): one encoder pass per guidance branch, then
 * {@code rows(T)} KV-cached decoder steps with all branches of all clips as rows of one
 * {@link IncrementalDecoder} state; at each step the live heads of the code pattern are
 * evaluated (ascending), guided, sampled, and the new row (pad elsewhere) is fed back. A
 * {@link Prompt} teacher-forces known first frames through the same schedule (continuing a
 * previous window of a long video).
 *
 * <p>Stateless apart from the immutable model and kernels; the caller owns the
 * {@link Parallelism} pool and any RNG (inside the {@link Sampler}).
 */
public final class Generator {
    private final Visage model;
    private final DecodingWeights weights;
    private final IncrementalDecoder decoder;
    private final MatVec matVec;

    /** @param par worker pool for the decode kernels (owned by the caller) */
    public Generator(Visage model, Parallelism par) {
        this(model, par, WeightFormat.FP32);
    }

    /**
     * @param par    worker pool for the decode kernels (owned by the caller)
     * @param format how the decoder's projections and heads are stored for the decode kernels (FP32 =
     *               the model's arrays in place, the reference's numerics; BF16/INT8 converted once here)
     */
    public Generator(Visage model, Parallelism par, WeightFormat format) {
        this(model, MatVecs.best(par), new AttentionKernel(par), format);
    }

    public Generator(Visage model, MatVec matVec, AttentionKernel attention) {
        this(model, matVec, attention, WeightFormat.FP32);
    }

    public Generator(Visage model, MatVec matVec, AttentionKernel attention, WeightFormat format) {
        if (model.head(0).weight().dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("generation needs a float32 model, got "
                    + model.head(0).weight().dataType());
        }
        this.model = model;
        this.matVec = matVec;
        this.weights = DecodingWeights.of(model, format);
        this.decoder = new IncrementalDecoder(weights.layers(), matVec, attention);
    }

    public Visage model() {
        return model;
    }

    /** Decoder steps for {@code clipFrames} CLIP frames: rows(int(F / fps · 86)). */
    public int steps(int clipFrames) {
        return model.pattern().rows(model.config().targetFrames(clipFrames));
    }

    /**
     * Encodes every branch and opens a decoding state for {@code capacity} steps.
     *
     * @throws ConfigException if the clip needs more positions than the tables hold
     */
    public DecodingSession start(Conditions c, Guidance guidance, int capacity) {
        VisageConfig cfg = model.config();
        if (capacity < 1 || capacity > cfg.maxTargetLength()) {
            throw new ConfigException("a clip needing " + capacity + " decoder steps exceeds max_target_length "
                    + cfg.maxTargetLength() + " (the decoder position table); use a shorter clip");
        }
        if (c.frames() > cfg.maxSourceLength()) {
            throw new ConfigException("a clip of " + c.frames() + " CLIP frames exceeds max_source_length "
                    + cfg.maxSourceLength() + " (the encoder position table)");
        }
        if (model.kind() == ModelKind.MONO && (c.energy() != null || c.direction() != null)) {
            throw new IllegalArgumentException(
                    "the mono model takes CLIP features only; energy and direction must be null");
        }
        List<INDArray> states = new ArrayList<>();
        for (Branch br : guidance.branches()) {
            states.add(encode(c, br));
        }
        INDArray enc = Nd4j.concat(0, states.toArray(new INDArray[0]));
        IncrementalDecoder.State st = decoder.newState((int) enc.size(0), capacity, enc);
        return new DecodingSession(weights, decoder, st, matVec, guidance, c.batch());
    }

    private INDArray encode(Conditions c, Branch br) {
        Ops ops = Ops.inference();
        long b = c.batch();
        long f = c.frames();
        boolean needsNull = !br.videoGiven() || (!br.directionGiven() && model.kind() == ModelKind.AMBISONICS);
        if (needsNull && model.nullEmbedding() == null) {
            throw new IllegalStateException("guidance branch " + br + " needs the null embeddings, but this model has"
                    + " none (classifier_free_guidance = false); use Guidance.None");
        }
        Tensor clip;
        Tensor energy = null;
        Tensor dir = null;
        if (br.videoGiven()) {
            clip = Tensor.constant(c.clip().castTo(DataType.FLOAT));
            energy = c.energy() == null ? null : Tensor.constant(c.energy().castTo(DataType.FLOAT));
        } else {
            clip = model.expandNull(ops, model.nullEmbedding(), b, f);
            if (model.kind() == ModelKind.AMBISONICS) {
                energy = model.expandNull(ops, model.energyNullEmbedding(), b, f);
            }
        }
        if (model.kind() == ModelKind.AMBISONICS) {
            if (br.directionGiven()) {
                dir = c.direction() == null
                        ? null
                        : Tensor.constant(c.direction().castTo(DataType.FLOAT));
            } else {
                dir = model.expandNull(ops, model.dirNullEmbedding(), b);
            }
        } else if (br == Branch.SEMANTIC || br == Branch.SPATIAL) {
            throw new IllegalArgumentException("dual guidance needs the ambisonics model (mono has no direction)");
        }
        List<Tensor> s = model.encoder().forward(ops, clip, energy, dir);
        return s.get(s.size() - 1).value();
    }

    /**
     * Generates codes for a batch of clips (no prompt: every cell is sampled).
     *
     * @param c        conditions of B clips of F frames
     * @param guidance branches and their combination
     * @param sampler  greedy or top-k (with its own RNG)
     * @param progress called after each step
     * @return codes [B, T_out, K] and the generated rows [B, steps, K]
     */
    public Generation generate(Conditions c, Guidance guidance, Sampler sampler, GenerationProgress progress) {
        return generate(c, guidance, sampler, Prompt.none(), progress);
    }

    /**
     * Generates codes for a batch of clips whose first {@code prompt.frames()} codec frames are
     * given. The schedule is unchanged (all {@code rows(T)} steps run, every branch of every clip
     * as a row); at step r each live head j writes the cell of frame {@code f = pattern.frameOf(j, r)}:
     * for {@code f < P} that is the prompt's code (forced: the head is not evaluated, the sampler
     * is not called, so a top-k RNG advances only for sampled cells), otherwise the guided logits
     * are sampled. The forced row is fed back exactly like a sampled one, so later cells are
     * conditioned on the prompt through the decoder's self-attention. With {@link Prompt#none()}
     * this is {@link #generate(Conditions, Guidance, Sampler, GenerationProgress)}.
     *
     * @param prompt known first frames [B, P, K], P ≤ T (codes in [0, dac_vocab_size))
     * @return codes [B, T_out, K] (frames < P equal the prompt) and the generated rows [B, steps, K]
     */
    public Generation generate(
            Conditions c, Guidance guidance, Sampler sampler, Prompt prompt, GenerationProgress progress) {
        VisageConfig cfg = model.config();
        CodePattern pattern = model.pattern();
        int frames = cfg.targetFrames(c.frames());
        if (frames < 1) {
            throw new IllegalArgumentException(
                    c.frames() + " CLIP frames give no codec frame at " + cfg.clipFrameRate() + " fps");
        }
        int steps = pattern.rows(frames);
        int k = model.codebooks();
        int v = cfg.dacVocabSize();
        int b = c.batch();
        prompt.check(b, k, frames, v);
        int forced = prompt.frames();
        DecodingSession s = start(c, guidance, steps);
        long[] generated = new long[b * steps * k];
        long[] row = null;
        for (int step = 0; step < steps; step++) {
            s.step(row);
            row = new long[b * k];
            Arrays.fill(row, cfg.dacPadTokenId());
            for (int head : pattern.liveHeads(step, frames)) {
                int f = pattern.frameOf(head, step);
                if (f < forced) {
                    for (int i = 0; i < b; i++) {
                        row[i * k + head] = prompt.code(i, f, head);
                    }
                    continue;
                }
                float[] l = s.guidedLogits(head);
                for (int i = 0; i < b; i++) {
                    row[i * k + head] = sampler.sample(l, i * v, v);
                }
            }
            for (int i = 0; i < b; i++) {
                System.arraycopy(row, i * k, generated, (i * steps + step) * k, k);
            }
            progress.onStep(step + 1, steps);
        }
        TokenGrid rows = new TokenGrid(b, steps, k, generated);
        return new Generation(pattern.revert(rows, cfg.outputFrames(c.frames())), rows);
    }
}
