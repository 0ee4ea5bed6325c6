package io.visage.core.pipeline;

import io.visage.core.generate.Conditions;
import io.visage.core.generate.Generation;
import io.visage.core.generate.GenerationProgress;
import io.visage.core.generate.Generator;
import io.visage.core.generate.Guidance;
import io.visage.core.generate.Prompt;
import io.visage.core.generate.Sampler;
import io.visage.core.model.ModelKind;
import io.visage.core.model.Visage;
import io.visage.core.model.VisageConfig;
import io.visage.core.pattern.TokenGrid;
import io.visage.nn.Checks;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.kernel.WeightFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The model end of ViSAGe for one clip: CLIP features, energy maps and a camera direction in,
 * codes (and, given a {@link CodesToAudio}, FOA audio) out. The video front end (frames → CLIP
 * features, energy maps; (elevation, azimuth) → direction) is in {@code io.visage.core.clip},
 * {@code energy} and {@code direction}.
 *
 * <pre>{@code
 * try (Parallelism par = new Parallelism()) {
 *     VisagePipeline p = new VisagePipeline(Visage.loadPretrained(dir, ModelKind.AMBISONICS), par);
 *     TokenGrid codes = p.codes(clip, energy, direction,
 *             new Guidance.Single(2.5), new Sampler.TopK(256, 1.0, new SplittableRandom(1115)), GenerationProgress.NONE);
 * }
 * }</pre>
 */
public final class VisagePipeline {
    private final Visage model;
    private final Generator generator;

    /** @param par kernel worker pool, owned by the caller */
    public VisagePipeline(Visage model, Parallelism par) {
        this(model, par, WeightFormat.FP32);
    }

    /**
     * @param par    kernel worker pool, owned by the caller
     * @param format how the decoder's weights are stored for generation ({@link Generator#Generator(Visage, Parallelism, WeightFormat)})
     */
    public VisagePipeline(Visage model, Parallelism par, WeightFormat format) {
        if (model.kind() != ModelKind.AMBISONICS) {
            throw new IllegalArgumentException("VisagePipeline needs the ambisonics model, got " + model.kind());
        }
        this.model = model;
        this.generator = new Generator(model, par, format);
    }

    /** The reference's released setting: single guidance with {@code cfg_guidance_scale}. */
    public Guidance defaultGuidance() {
        return new Guidance.Single(model.config().cfgGuidanceScale());
    }

    /**
     * Generates the codes of one clip.
     *
     * @param clip      CLIP features [F, d_clip]
     * @param energy    energy maps [F, 49]
     * @param direction camera direction [3]
     * @return codes [1, T, K] time-major (T = ceil(int(F/4·44100)/512), 431 for 20 frames)
     */
    public TokenGrid codes(
            INDArray clip,
            INDArray energy,
            INDArray direction,
            Guidance guidance,
            Sampler sampler,
            GenerationProgress progress) {
        return codes(clip, energy, direction, guidance, sampler, Prompt.none(), progress);
    }

    /**
     * Generates the codes of one clip whose first codec frames are known (the continuation of a
     * previous window, see {@link Generator#generate(Conditions, Guidance, Sampler, Prompt,
     * GenerationProgress)}).
     *
     * @param prompt known first frames [1, P, K] (or {@link Prompt#none()})
     * @return codes [1, T, K] time-major, frames < P equal to the prompt
     */
    public TokenGrid codes(
            INDArray clip,
            INDArray energy,
            INDArray direction,
            Guidance guidance,
            Sampler sampler,
            Prompt prompt,
            GenerationProgress progress) {
        VisageConfig c = model.config();
        String where = "VisagePipeline.codes";
        Checks.shape(where, "clip features [F, d_clip]", clip, Checks.ANY, c.dClip());
        long f = clip.size(0);
        Checks.require(f >= 1, where, "clip features have no frame");
        Checks.shape(where, "energy maps [F, 49]", energy, f, VisageConfig.ENERGY_MAP_SIZE);
        Checks.shape(where, "direction", direction, VisageConfig.DIRECTION_SIZE);
        Conditions cond = new Conditions(
                clip.castTo(DataType.FLOAT).reshape(1, f, c.dClip()),
                energy.castTo(DataType.FLOAT).reshape(1, f, VisageConfig.ENERGY_MAP_SIZE),
                direction.castTo(DataType.FLOAT).reshape(1, VisageConfig.DIRECTION_SIZE));
        Generation g = generator.generate(cond, guidance, sampler, prompt, progress);
        return g.codes();
    }

    /** {@link #codes} then {@code decoder}: FOA audio [channels][N] (W, Y, Z, X). */
    public float[][] audio(
            INDArray clip,
            INDArray energy,
            INDArray direction,
            Guidance guidance,
            Sampler sampler,
            GenerationProgress progress,
            CodesToAudio decoder) {
        return decoder.decode(codes(clip, energy, direction, guidance, sampler, progress));
    }

    /** Codes [1, T, K] as the reference stores them per clip: int64 [K, T]. */
    public static INDArray codebookMajor(TokenGrid codes) {
        return codes.toArray()
                .reshape(codes.rows(), codes.codebooks())
                .transpose()
                .dup('c');
    }
}
