package io.visage.core.model;

import io.visage.core.pattern.CodePattern;
import io.visage.core.pattern.TokenGrid;
import io.visage.nn.CheckpointFormatException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorSource;
import io.visage.nn.layers.Linear;
import io.visage.nn.module.Init;
import io.visage.nn.module.LoadedParams;
import io.visage.nn.module.Module;
import io.visage.nn.module.ModuleList;
import io.visage.nn.module.Params;
import io.visage.nn.module.RandomParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ViSAGe generator: {@code VisageForAmbisonicsGeneration} ({@link ModelKind#AMBISONICS}) or
 * the mono {@code VisageForConditionalGeneration} ({@link ModelKind#MONO}), with the reference's
 * exact state-dict names and order: the null embeddings ({@code null_embedding},
 * {@code dir_null_embedding}, {@code energy_null_embedding}; present when
 * {@code classifier_free_guidance}), then {@code model.encoder.*}, {@code model.decoder.*},
 * {@code dac_heads.0..K−1}.
 *
 * <p>Immutable parameter holder; inference state (KV caches, RNGs) lives in the generator.
 */
public final class Visage implements Module {
    /** Weight file names a checkpoint directory may hold, in the order they are tried. */
    public static final List<String> WEIGHT_FILES = List.of("model.safetensors", "pytorch_model.bin");

    private final VisageConfig cfg;
    private final ModelKind kind;
    private final Tensor nullEmbedding;
    private final Tensor dirNullEmbedding;
    private final Tensor energyNullEmbedding;
    private final Body model;
    private final ModuleList<Linear> dacHeads;

    private Visage(
            VisageConfig cfg,
            ModelKind kind,
            Tensor nullEmbedding,
            Tensor dirNullEmbedding,
            Tensor energyNullEmbedding,
            Body model,
            ModuleList<Linear> dacHeads) {
        this.cfg = cfg;
        this.kind = kind;
        this.nullEmbedding = nullEmbedding;
        this.dirNullEmbedding = dirNullEmbedding;
        this.energyNullEmbedding = energyNullEmbedding;
        this.model = model;
        this.dacHeads = dacHeads;
    }

    /** {@code model}: the BART body without its deleted {@code shared} table. */
    private record Body(VisageEncoder encoder, VisageDecoder decoder) implements Module {
        @Override
        public Map<String, Tensor> parameters() {
            return Map.of();
        }

        @Override
        public Map<String, Module> children() {
            Map<String, Module> c = new LinkedHashMap<>();
            c.put("encoder", encoder);
            c.put("decoder", decoder);
            return c;
        }
    }

    /** Builds the whole tree from {@code p}, asking for every parameter in state-dict order. */
    public static Visage create(Params p, VisageConfig cfg, ModelKind kind) {
        Tensor nullEmb = null;
        Tensor dirNull = null;
        Tensor energyNull = null;
        if (cfg.classifierFreeGuidance()) {
            nullEmb = p.take("null_embedding", Init.zeros(), cfg.dClip());
            if (kind == ModelKind.AMBISONICS) {
                dirNull = p.take("dir_null_embedding", Init.zeros(), VisageConfig.DIRECTION_SIZE);
                energyNull = p.take("energy_null_embedding", Init.zeros(), VisageConfig.ENERGY_MAP_SIZE);
            }
        }
        VisageEncoder enc = VisageEncoder.create(p, "model.encoder", cfg, kind);
        VisageDecoder dec = VisageDecoder.create(p, "model.decoder", cfg, kind);
        List<Linear> heads = new ArrayList<>();
        for (int j = 0; j < cfg.numCodebooks(kind); j++) {
            heads.add(Linear.create(p, "dac_heads." + j, cfg.dModel(), cfg.dacVocabSize(), true, cfg.initStd()));
        }
        return new Visage(cfg, kind, nullEmb, dirNull, energyNull, new Body(enc, dec), new ModuleList<>(heads));
    }

    /** A freshly initialised model (BART init: N(0, init_std) weights, zero biases/nulls/bos/eos). */
    public static Visage random(VisageConfig cfg, ModelKind kind, long seed, DataType dataType) {
        try (RandomParams p = new RandomParams(seed, dataType)) {
            return create(p, cfg, kind);
        }
    }

    /**
     * Loads a state dict strictly: every tensor present with its exact shape, nothing extra.
     *
     * @param weights {@code pytorch_model.bin} (torch zip) or a safetensors file
     * @throws io.visage.nn.StateDictMismatchException listing missing, unexpected and wrong-shape keys
     */
    public static Visage load(Path weights, VisageConfig cfg, ModelKind kind, DataType dataType) {
        try (TensorSource src = TensorFiles.open(weights)) {
            LoadedParams p = new LoadedParams(src, dataType);
            Visage m = create(p, cfg, kind);
            p.verify();
            return m;
        }
    }

    /**
     * Loads a checkpoint directory as {@code from_pretrained} does: {@code config.json} plus
     * {@code model.safetensors} or {@code pytorch_model.bin}.
     */
    public static Visage loadPretrained(Path dir, ModelKind kind) {
        VisageConfig cfg = VisageConfig.read(dir.resolve("config.json"));
        for (String f : WEIGHT_FILES) {
            if (Files.isRegularFile(dir.resolve(f))) {
                return load(dir.resolve(f), cfg, kind, DataType.FLOAT);
            }
        }
        throw new CheckpointFormatException(dir, "checkpoint directory holds none of " + WEIGHT_FILES);
    }

    /**
     * The reference's stage-2 start (SPEC §4.1): an ambisonics model whose tensors are taken from
     * a mono checkpoint wherever name and shape match ({@code from_pretrained(...,
     * ignore_mismatched_sizes=True)}), fresh elsewhere, then {@code init_spatial_from_pretrained}:
     * table and head j ← j mod num_rvq for j ≥ num_rvq (Y, Z, X start as copies of W).
     *
     * @param mono     the mono state dict
     * @param ambiCfg  configuration of the ambisonics model
     * @param seed     seed of the fresh tensors
     */
    public static Visage fromMono(TensorSource mono, VisageConfig ambiCfg, long seed, DataType dataType) {
        Visage m;
        try (RandomParams fresh = new RandomParams(seed, dataType)) {
            Params p = (key, init, shape) -> {
                if (mono.contains(key) && java.util.Arrays.equals(mono.shape(key), shape)) {
                    return Tensor.parameter(mono.load(key).castTo(dataType).reshape('c', shape));
                }
                return fresh.take(key, init, shape);
            };
            m = create(p, ambiCfg, ModelKind.AMBISONICS);
        }
        m.initSpatialFromMono();
        return m;
    }

    /** {@code init_spatial_from_pretrained}: copies table/head {@code j mod num_rvq} into every j ≥ num_rvq. */
    public void initSpatialFromMono() {
        int l = cfg.numRvq();
        for (int j = l; j < dacHeads.size(); j++) {
            int from = j % l;
            dacHeads.get(j).weight().value().assign(dacHeads.get(from).weight().value());
            dacHeads.get(j).bias().value().assign(dacHeads.get(from).bias().value());
            decoder()
                    .embedDac()
                    .get(j)
                    .weight()
                    .value()
                    .assign(decoder().embedDac().get(from).weight().value());
        }
    }

    public VisageConfig config() {
        return cfg;
    }

    public ModelKind kind() {
        return kind;
    }

    /** Codebooks K. */
    public int codebooks() {
        return dacHeads.size();
    }

    /** The interleaving this model is trained on. */
    public CodePattern pattern() {
        return new CodePattern(kind, cfg.numRvq(), cfg.dacPadTokenId());
    }

    public VisageEncoder encoder() {
        return model.encoder();
    }

    public VisageDecoder decoder() {
        return model.decoder();
    }

    /** {@code dac_heads.j}: Linear D → V. */
    public Linear head(int j) {
        return dacHeads.get(j);
    }

    public List<Linear> heads() {
        return dacHeads.items();
    }

    /** {@code null_embedding} [d_clip], or null without classifier-free guidance. */
    public Tensor nullEmbedding() {
        return nullEmbedding;
    }

    /** {@code dir_null_embedding} [3], or null. */
    public Tensor dirNullEmbedding() {
        return dirNullEmbedding;
    }

    /** {@code energy_null_embedding} [49], or null. */
    public Tensor energyNullEmbedding() {
        return energyNullEmbedding;
    }

    /**
     * A null vector broadcast over leading axes, e.g. {@code expandNull(ops, nullEmbedding(), B, F)}
     * → [B, F, d_clip]; gradients flow back to the null parameter.
     */
    public Tensor expandNull(Ops ops, Tensor nullVector, long... leading) {
        if (nullVector == null) {
            throw new IllegalStateException("this model has no null embeddings (classifier_free_guidance = false)");
        }
        long[] shape = java.util.Arrays.copyOf(leading, leading.length + 1);
        shape[leading.length] = nullVector.size(0);
        long[] one = new long[shape.length];
        java.util.Arrays.fill(one, 1);
        one[leading.length] = nullVector.size(0);
        return ops.add(ops.constant(Nd4j.zeros(nullVector.dataType(), shape)), ops.reshape(nullVector, one));
    }

    /** Per-head logits of hidden states: [B, R, D] → K tensors [B, R, V]. */
    public List<Tensor> logits(Ops ops, Tensor hidden) {
        List<Tensor> out = new ArrayList<>(dacHeads.size());
        for (Linear h : dacHeads.items()) {
            out.add(h.forward(ops, hidden));
        }
        return out;
    }

    /** Everything a teacher-forced pass produces. */
    public record Output(List<Tensor> encoderStates, List<Tensor> decoderStates, List<Tensor> logits) {
        public Tensor encoderLastHiddenState() {
            return encoderStates.get(encoderStates.size() - 1);
        }

        public Tensor decoderLastHiddenState() {
            return decoderStates.get(decoderStates.size() - 1);
        }
    }

    /**
     * Teacher-forced forward (conditions already chosen: no guidance dropout here, see
     * {@code io.visage.core.train.GuidanceDropout}).
     *
     * @param clip          [B, F, d_clip]
     * @param energy        [B, F, 49] or null
     * @param direction     [B, 3] or null
     * @param decoderInputs [B, L, K]
     * @return states and logits over L + 1 positions
     */
    public Output forward(Ops ops, Tensor clip, Tensor energy, Tensor direction, TokenGrid decoderInputs) {
        List<Tensor> enc = encoder().forward(ops, clip, energy, direction);
        List<Tensor> dec = decoder().forward(ops, decoderInputs, enc.get(enc.size() - 1));
        return new Output(enc, dec, logits(ops, dec.get(dec.size() - 1)));
    }

    /**
     * The training loss (conditions already chosen, see {@code io.visage.core.train.GuidanceDropout}):
     * encoder, decoder, then the summed per-codebook loss computed by the fused heads without
     * materialising any logits. Equal to {@link #loss} of {@link #forward} (tests prove it).
     *
     * @param labels   [B, L + 1, K]
     * @param divisors per-codebook denominators for micro-batches of a larger batch ({@link
     *                 CodebookLoss#liveCounts} of the whole batch), or null
     */
    public CodebookLoss trainingLoss(
            Ops ops,
            Tensor clip,
            Tensor energy,
            Tensor direction,
            TokenGrid decoderInputs,
            TokenGrid labels,
            double[] divisors) {
        List<Tensor> enc = encoder().forward(ops, clip, energy, direction);
        List<Tensor> dec = decoder().forward(ops, decoderInputs, enc.get(enc.size() - 1));
        return CodebookLoss.fused(
                ops, dec.get(dec.size() - 1), dacHeads.items(), labels, VisageConfig.IGNORE_INDEX, divisors);
    }

    /** The summed per-codebook loss of {@link #forward}'s logits against labels [B, L + 1, K]. */
    public CodebookLoss loss(Ops ops, Output out, TokenGrid labels) {
        return CodebookLoss.compute(ops, out.logits(), labels, VisageConfig.IGNORE_INDEX);
    }

    @Override
    public Map<String, Tensor> parameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        if (nullEmbedding != null) {
            m.put("null_embedding", nullEmbedding);
        }
        if (dirNullEmbedding != null) {
            m.put("dir_null_embedding", dirNullEmbedding);
            m.put("energy_null_embedding", energyNullEmbedding);
        }
        return m;
    }

    @Override
    public Map<String, Module> children() {
        Map<String, Module> c = new LinkedHashMap<>();
        c.put("model", model);
        c.put("dac_heads", dacHeads);
        return c;
    }
}
