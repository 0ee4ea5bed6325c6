package io.visage.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.nn.ConfigException;
import io.visage.nn.layers.Activation;
import io.visage.nn.transformer.LayerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The reference's {@code VisageConfig} (a {@code BartConfig} subclass) as read from a Hugging
 * Face style {@code config.json}. Keys absent from the file take the reference class defaults
 * (BartConfig defaults for the transformer, VisageConfig defaults for the rest), so the released
 * {@code cfg/config.json}, which overrides only a few keys, yields the model of SPEC §1.1.
 *
 * <p>Built with {@link #builder()} (starting from the reference class defaults) or read from JSON.
 * Every key the model reads is validated here. Keys that {@code PretrainedConfig} /
 * {@code BartConfig} write but that do not change this model (generation defaults, token ids of
 * the deleted text vocabulary, bookkeeping) are listed in {@link #IGNORED_KEYS}; any other key is
 * rejected with its name, so a typo never silently falls back to a default.
 *
 * <p>Values (accessor: config key, meaning):
 * <ul>
 *   <li>{@code dModel()}: {@code d_model}, width D</li>
 *   <li>{@code encoderLayers()}: {@code encoder_layers}</li>
 *   <li>{@code decoderLayers()}: {@code decoder_layers}</li>
 *   <li>{@code encoderAttentionHeads()}: {@code encoder_attention_heads}</li>
 *   <li>{@code decoderAttentionHeads()}: {@code decoder_attention_heads}</li>
 *   <li>{@code encoderFfnDim()}: {@code encoder_ffn_dim}</li>
 *   <li>{@code decoderFfnDim()}: {@code decoder_ffn_dim}</li>
 *   <li>{@code activation()}: {@code activation_function}</li>
 *   <li>{@code dropout()}: {@code dropout} (embeddings, attention and FFN outputs; training only)</li>
 *   <li>{@code attentionDropout()}: {@code attention_dropout}</li>
 *   <li>{@code activationDropout()}: {@code activation_dropout}</li>
 *   <li>{@code initStd()}: {@code init_std}, std of fresh Linear/Embedding weights</li>
 *   <li>{@code dClip()}: {@code d_clip}, width of a CLIP frame feature</li>
 *   <li>{@code numRvq()}: {@code num_rvq}, DAC residual levels per audio channel</li>
 *   <li>{@code dacVocabSize()}: {@code dac_vocab_size}, codes per codebook V</li>
 *   <li>{@code dacPadTokenId()}: {@code dac_pad_token_id}</li>
 *   <li>{@code dacSampleRate()}: {@code dac_sample_rate} in Hz</li>
 *   <li>{@code maxSourceLength()}: {@code max_source_length}: rows of the encoder position table (CLIP frames)</li>
 *   <li>{@code maxTargetLength()}: {@code max_target_length}: decoder positions (the table has 2 more rows)</li>
 *   <li>{@code clipFrameRate()}: {@code clip_frame_rate}, CLIP frames per second</li>
 *   <li>{@code classifierFreeGuidance()}: {@code classifier_free_guidance}: the null embeddings exist</li>
 *   <li>{@code cfgDropoutProb()}: {@code cfg_dropout_prob}</li>
 *   <li>{@code cfgGuidanceScale()}: {@code cfg_guidance_scale}, default w (single) / w_sem (dual)</li>
 *   <li>{@code cfgSpatialGuidanceScale()}: {@code cfg_spatial_guidance_scale}, default w_spa (dual)</li>
 *   <li>{@code attnImplementation()}: {@code _attn_implementation} (all three are the same math)</li>
 * </ul>
 */
public final class VisageConfig {
    private final int dModel;
    private final int encoderLayers;
    private final int decoderLayers;
    private final int encoderAttentionHeads;
    private final int decoderAttentionHeads;
    private final int encoderFfnDim;
    private final int decoderFfnDim;
    private final Activation activation;
    private final double dropout;
    private final double attentionDropout;
    private final double activationDropout;
    private final double initStd;
    private final int dClip;
    private final int numRvq;
    private final int dacVocabSize;
    private final int dacPadTokenId;
    private final int dacSampleRate;
    private final int maxSourceLength;
    private final int maxTargetLength;
    private final int clipFrameRate;
    private final boolean classifierFreeGuidance;
    private final double cfgDropoutProb;
    private final double cfgGuidanceScale;
    private final double cfgSpatialGuidanceScale;
    private final String attnImplementation;

    /** LayerNorm epsilon of every LayerNorm (torch default; not a config key). */
    public static final double LAYER_NORM_EPS = 1e-5;
    /** Width of a flattened 7×7 energy map. */
    public static final int ENERGY_MAP_SIZE = 49;
    /** Width of the direction vector. */
    public static final int DIRECTION_SIZE = 3;
    /** Rows of the unused {@code embed_spatial} table. */
    public static final int EMBED_SPATIAL_ROWS = 4;
    /** BART's learned-position offset of the decoder table. */
    public static final int DECODER_POSITION_OFFSET = 2;
    /** Label value the loss ignores. */
    public static final long IGNORE_INDEX = -100;

    /** Keys the model reads (validated). */
    public static final Set<String> MODEL_KEYS = Set.of(
            "d_model",
            "encoder_layers",
            "decoder_layers",
            "encoder_attention_heads",
            "decoder_attention_heads",
            "encoder_ffn_dim",
            "decoder_ffn_dim",
            "activation_function",
            "dropout",
            "attention_dropout",
            "activation_dropout",
            "init_std",
            "d_clip",
            "num_rvq",
            "dac_vocab_size",
            "dac_pad_token_id",
            "dac_sample_rate",
            "max_source_length",
            "max_target_length",
            "clip_frame_rate",
            "classifier_free_guidance",
            "cfg_dropout_prob",
            "cfg_guidance_scale",
            "cfg_spatial_guidance_scale",
            "_attn_implementation",
            // read and checked against what this implementation supports
            "encoder_layerdrop",
            "decoder_layerdrop",
            "label_smoothing",
            "scale_embedding",
            "tie_word_embeddings",
            // derived by the reference; checked against the derivation when present
            "dac_frame_rate",
            "dac_downsample_rate");

    /**
     * Keys {@code PretrainedConfig}/{@code BartConfig} save that do not affect this model: the text
     * vocabulary and its special tokens (deleted by the reference), generation defaults of HF's
     * {@code generate} (the reference has its own loops), classification heads, bookkeeping.
     */
    public static final Set<String> IGNORED_KEYS = Set.of(
            "vocab_size",
            "max_position_embeddings",
            "num_hidden_layers",
            "bos_token_id",
            "pad_token_id",
            "eos_token_id",
            "sep_token_id",
            "decoder_start_token_id",
            "forced_bos_token_id",
            "forced_eos_token_id",
            "classifier_dropout",
            "num_labels",
            "id2label",
            "label2id",
            "problem_type",
            "finetuning_task",
            "tokenizer_class",
            "prefix",
            "task_specific_params",
            "architectures",
            "model_type",
            "name_or_path",
            "_name_or_path",
            "transformers_version",
            "_commit_hash",
            "torch_dtype",
            "use_bfloat16",
            "torchscript",
            "return_dict",
            "output_attentions",
            "output_hidden_states",
            "use_cache",
            "is_encoder_decoder",
            "is_decoder",
            "add_cross_attention",
            "cross_attention_hidden_size",
            "tie_encoder_decoder",
            "chunk_size_feed_forward",
            "pruned_heads",
            "tf_legacy_loss",
            "gradient_checkpointing",
            "output_past",
            "max_length",
            "min_length",
            "do_sample",
            "early_stopping",
            "num_beams",
            "num_beam_groups",
            "diversity_penalty",
            "temperature",
            "top_k",
            "top_p",
            "typical_p",
            "repetition_penalty",
            "length_penalty",
            "no_repeat_ngram_size",
            "encoder_no_repeat_ngram_size",
            "bad_words_ids",
            "num_return_sequences",
            "output_scores",
            "return_dict_in_generate",
            "remove_invalid_values",
            "exponential_decay_length_penalty",
            "suppress_tokens",
            "begin_suppress_tokens",
            "_attn_implementation_autoset",
            "normalize_before",
            "add_bias_logits",
            "add_final_layer_norm",
            "normalize_embedding",
            "static_position_embeddings");

    private static final Set<String> ATTN_IMPLEMENTATIONS = Set.of("eager", "sdpa", "flash_attention_2");
    private static final ObjectMapper JSON = new ObjectMapper();

    private VisageConfig(Builder b) {
        this.dModel = b.dModel;
        this.encoderLayers = b.encoderLayers;
        this.decoderLayers = b.decoderLayers;
        this.encoderAttentionHeads = b.encoderAttentionHeads;
        this.decoderAttentionHeads = b.decoderAttentionHeads;
        this.encoderFfnDim = b.encoderFfnDim;
        this.decoderFfnDim = b.decoderFfnDim;
        this.activation = b.activation;
        this.dropout = b.dropout;
        this.attentionDropout = b.attentionDropout;
        this.activationDropout = b.activationDropout;
        this.initStd = b.initStd;
        this.dClip = b.dClip;
        this.numRvq = b.numRvq;
        this.dacVocabSize = b.dacVocabSize;
        this.dacPadTokenId = b.dacPadTokenId;
        this.dacSampleRate = b.dacSampleRate;
        this.maxSourceLength = b.maxSourceLength;
        this.maxTargetLength = b.maxTargetLength;
        this.clipFrameRate = b.clipFrameRate;
        this.classifierFreeGuidance = b.classifierFreeGuidance;
        this.cfgDropoutProb = b.cfgDropoutProb;
        this.cfgGuidanceScale = b.cfgGuidanceScale;
        this.cfgSpatialGuidanceScale = b.cfgSpatialGuidanceScale;
        this.attnImplementation = b.attnImplementation;
        positive("d_model", dModel);
        positive("encoder_layers", encoderLayers);
        positive("decoder_layers", decoderLayers);
        positive("encoder_attention_heads", encoderAttentionHeads);
        positive("decoder_attention_heads", decoderAttentionHeads);
        positive("encoder_ffn_dim", encoderFfnDim);
        positive("decoder_ffn_dim", decoderFfnDim);
        positive("d_clip", dClip);
        positive("num_rvq", numRvq);
        positive("dac_vocab_size", dacVocabSize);
        positive("dac_sample_rate", dacSampleRate);
        positive("max_source_length", maxSourceLength);
        positive("max_target_length", maxTargetLength);
        positive("clip_frame_rate", clipFrameRate);
        if (dModel % encoderAttentionHeads != 0 || dModel % decoderAttentionHeads != 0) {
            throw new ConfigException("d_model " + dModel + " must be divisible by encoder_attention_heads "
                    + encoderAttentionHeads + " and decoder_attention_heads " + decoderAttentionHeads);
        }
        int tableRows = embeddingRows(dacVocabSize); // fields are not assigned yet in a compact constructor
        if (dacPadTokenId < 0 || dacPadTokenId >= tableRows) {
            throw new ConfigException("dac_pad_token_id " + dacPadTokenId + " must index a row of the code tables [0, "
                    + tableRows + ")");
        }
        if (dacPadTokenId < dacVocabSize) {
            throw new ConfigException("dac_pad_token_id " + dacPadTokenId + " collides with a code: it must be >= "
                    + "dac_vocab_size " + dacVocabSize);
        }
        probability("dropout", dropout);
        probability("attention_dropout", attentionDropout);
        probability("activation_dropout", activationDropout);
        probability("cfg_dropout_prob", cfgDropoutProb);
        if (!(initStd > 0)) {
            throw new ConfigException("init_std must be > 0, got " + initStd);
        }
        if (activation == null) {
            throw new ConfigException("activation_function is required");
        }
        if (!Double.isFinite(cfgGuidanceScale) || !Double.isFinite(cfgSpatialGuidanceScale)) {
            throw new ConfigException("cfg_guidance_scale / cfg_spatial_guidance_scale must be finite, got "
                    + cfgGuidanceScale + " / " + cfgSpatialGuidanceScale);
        }
        if (!ATTN_IMPLEMENTATIONS.contains(attnImplementation)) {
            throw new ConfigException(
                    "_attn_implementation \"" + attnImplementation + "\" is not one of " + ATTN_IMPLEMENTATIONS);
        }
    }

    public int dModel() {
        return dModel;
    }

    public int encoderLayers() {
        return encoderLayers;
    }

    public int decoderLayers() {
        return decoderLayers;
    }

    public int encoderAttentionHeads() {
        return encoderAttentionHeads;
    }

    public int decoderAttentionHeads() {
        return decoderAttentionHeads;
    }

    public int encoderFfnDim() {
        return encoderFfnDim;
    }

    public int decoderFfnDim() {
        return decoderFfnDim;
    }

    public Activation activation() {
        return activation;
    }

    public double dropout() {
        return dropout;
    }

    public double attentionDropout() {
        return attentionDropout;
    }

    public double activationDropout() {
        return activationDropout;
    }

    public double initStd() {
        return initStd;
    }

    public int dClip() {
        return dClip;
    }

    public int numRvq() {
        return numRvq;
    }

    public int dacVocabSize() {
        return dacVocabSize;
    }

    public int dacPadTokenId() {
        return dacPadTokenId;
    }

    public int dacSampleRate() {
        return dacSampleRate;
    }

    public int maxSourceLength() {
        return maxSourceLength;
    }

    public int maxTargetLength() {
        return maxTargetLength;
    }

    public int clipFrameRate() {
        return clipFrameRate;
    }

    public boolean classifierFreeGuidance() {
        return classifierFreeGuidance;
    }

    public double cfgDropoutProb() {
        return cfgDropoutProb;
    }

    public double cfgGuidanceScale() {
        return cfgGuidanceScale;
    }

    public double cfgSpatialGuidanceScale() {
        return cfgSpatialGuidanceScale;
    }

    public String attnImplementation() {
        return attnImplementation;
    }

    /** The reference class defaults (what an empty {@code config.json} means). */
    public static VisageConfig defaults() {
        return builder().build();
    }

    /**
     * The released {@code cfg/config.json} of the reference (d_model 1024, 6 + 12 layers, 20 CLIP
     * frames, 861 decoder rows, guidance 2.5; the rest BartConfig defaults): the full-size model.
     */
    public static VisageConfig released() {
        return builder()
                .dModel(1024)
                .encoderLayers(6)
                .decoderLayers(12)
                .dClip(512)
                .numRvq(9)
                .dacVocabSize(1024)
                .dacPadTokenId(1024)
                .maxSourceLength(20)
                .maxTargetLength(861)
                .dacSampleRate(44100)
                .clipFrameRate(4)
                .classifierFreeGuidance(true)
                .cfgDropoutProb(0.1)
                .cfgGuidanceScale(2.5)
                .cfgSpatialGuidanceScale(2.5)
                .attnImplementation("flash_attention_2")
                .build();
    }

    /** A builder holding the reference class defaults; set what differs, then {@link Builder#build()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.dModel = dModel;
        b.encoderLayers = encoderLayers;
        b.decoderLayers = decoderLayers;
        b.encoderAttentionHeads = encoderAttentionHeads;
        b.decoderAttentionHeads = decoderAttentionHeads;
        b.encoderFfnDim = encoderFfnDim;
        b.decoderFfnDim = decoderFfnDim;
        b.activation = activation;
        b.dropout = dropout;
        b.attentionDropout = attentionDropout;
        b.activationDropout = activationDropout;
        b.initStd = initStd;
        b.dClip = dClip;
        b.numRvq = numRvq;
        b.dacVocabSize = dacVocabSize;
        b.dacPadTokenId = dacPadTokenId;
        b.dacSampleRate = dacSampleRate;
        b.maxSourceLength = maxSourceLength;
        b.maxTargetLength = maxTargetLength;
        b.clipFrameRate = clipFrameRate;
        b.classifierFreeGuidance = classifierFreeGuidance;
        b.cfgDropoutProb = cfgDropoutProb;
        b.cfgGuidanceScale = cfgGuidanceScale;
        b.cfgSpatialGuidanceScale = cfgSpatialGuidanceScale;
        b.attnImplementation = attnImplementation;
        return b;
    }

    /** Reads and validates a {@code config.json}. */
    public static VisageConfig read(Path configJson) {
        JsonNode root;
        try {
            root = JSON.readTree(configJson.toFile());
        } catch (IOException e) {
            throw new ConfigException("cannot read " + configJson + ": " + e.getMessage(), e);
        }
        try {
            return fromJson(root);
        } catch (ConfigException e) {
            throw new ConfigException(configJson + ": " + e.getMessage(), e);
        }
    }

    /**
     * This config as a {@code config.json} object with the reference's key names: every key
     * {@link #fromJson} reads, so {@code fromJson(toJson())} equals this config.
     */
    public com.fasterxml.jackson.databind.node.ObjectNode toJson() {
        com.fasterxml.jackson.databind.node.ObjectNode n = JSON.createObjectNode();
        n.put("d_model", dModel);
        n.put("encoder_layers", encoderLayers);
        n.put("decoder_layers", decoderLayers);
        n.put("encoder_attention_heads", encoderAttentionHeads);
        n.put("decoder_attention_heads", decoderAttentionHeads);
        n.put("encoder_ffn_dim", encoderFfnDim);
        n.put("decoder_ffn_dim", decoderFfnDim);
        n.put("activation_function", activation.configName());
        n.put("dropout", dropout);
        n.put("attention_dropout", attentionDropout);
        n.put("activation_dropout", activationDropout);
        n.put("init_std", initStd);
        n.put("d_clip", dClip);
        n.put("num_rvq", numRvq);
        n.put("dac_vocab_size", dacVocabSize);
        n.put("dac_pad_token_id", dacPadTokenId);
        n.put("dac_sample_rate", dacSampleRate);
        n.put("max_source_length", maxSourceLength);
        n.put("max_target_length", maxTargetLength);
        n.put("clip_frame_rate", clipFrameRate);
        n.put("classifier_free_guidance", classifierFreeGuidance);
        n.put("cfg_dropout_prob", cfgDropoutProb);
        n.put("cfg_guidance_scale", cfgGuidanceScale);
        n.put("cfg_spatial_guidance_scale", cfgSpatialGuidanceScale);
        n.put("_attn_implementation", attnImplementation);
        return n;
    }

    /** Validates a parsed {@code config.json} object. */
    public static VisageConfig fromJson(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new ConfigException("config must be a JSON object");
        }
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!MODEL_KEYS.contains(k) && !IGNORED_KEYS.contains(k)) {
                unknown.add(k);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException("unknown config key(s) " + unknown + " (neither read by the model nor known to be"
                    + " irrelevant)");
        }
        VisageConfig d = defaults();
        Reader r = new Reader(root);
        String act = r.string("activation_function", d.activation().configName());
        VisageConfig c = builder()
                .dModel(r.integer("d_model", d.dModel()))
                .encoderLayers(r.integer("encoder_layers", d.encoderLayers()))
                .decoderLayers(r.integer("decoder_layers", d.decoderLayers()))
                .encoderAttentionHeads(r.integer("encoder_attention_heads", d.encoderAttentionHeads()))
                .decoderAttentionHeads(r.integer("decoder_attention_heads", d.decoderAttentionHeads()))
                .encoderFfnDim(r.integer("encoder_ffn_dim", d.encoderFfnDim()))
                .decoderFfnDim(r.integer("decoder_ffn_dim", d.decoderFfnDim()))
                .activation(Activation.fromConfig(act))
                .dropout(r.number("dropout", d.dropout()))
                .attentionDropout(r.number("attention_dropout", d.attentionDropout()))
                .activationDropout(r.number("activation_dropout", d.activationDropout()))
                .initStd(r.number("init_std", d.initStd()))
                .dClip(r.integer("d_clip", d.dClip()))
                .numRvq(r.integer("num_rvq", d.numRvq()))
                .dacVocabSize(r.integer("dac_vocab_size", d.dacVocabSize()))
                .dacPadTokenId(r.integer("dac_pad_token_id", d.dacPadTokenId()))
                .dacSampleRate(r.integer("dac_sample_rate", d.dacSampleRate()))
                .maxSourceLength(r.integer("max_source_length", d.maxSourceLength()))
                .maxTargetLength(r.integer("max_target_length", d.maxTargetLength()))
                .clipFrameRate(r.integer("clip_frame_rate", d.clipFrameRate()))
                .classifierFreeGuidance(r.bool("classifier_free_guidance", d.classifierFreeGuidance()))
                .cfgDropoutProb(r.number("cfg_dropout_prob", d.cfgDropoutProb()))
                .cfgGuidanceScale(r.number("cfg_guidance_scale", d.cfgGuidanceScale()))
                .cfgSpatialGuidanceScale(r.number("cfg_spatial_guidance_scale", d.cfgSpatialGuidanceScale()))
                .attnImplementation(r.string("_attn_implementation", d.attnImplementation()))
                .build();
        requireZero(r, "encoder_layerdrop", "LayerDrop is not implemented");
        requireZero(r, "decoder_layerdrop", "LayerDrop is not implemented");
        requireZero(r, "label_smoothing", "label smoothing is not implemented");
        if (r.bool("scale_embedding", false)) {
            throw new ConfigException("scale_embedding = true is not supported (the reference never scales)");
        }
        if (r.bool("tie_word_embeddings", false)) {
            throw new ConfigException("tie_word_embeddings = true contradicts the reference, which forces it to false");
        }
        if (root.has("dac_frame_rate") && r.integer("dac_frame_rate", 0) != c.dacFrameRate()) {
            throw new ConfigException("dac_frame_rate " + r.integer("dac_frame_rate", 0)
                    + " contradicts dac_sample_rate " + c.dacSampleRate() + ", which gives " + c.dacFrameRate());
        }
        if (root.has("dac_downsample_rate") && r.integer("dac_downsample_rate", 0) != c.dacDownsampleRate()) {
            throw new ConfigException("dac_downsample_rate " + r.integer("dac_downsample_rate", 0)
                    + " contradicts dac_sample_rate " + c.dacSampleRate() + ", which gives " + c.dacDownsampleRate());
        }
        return c;
    }

    private static void requireZero(Reader r, String key, String why) {
        double v = r.number(key, 0.0);
        if (v != 0.0) {
            throw new ConfigException(key + " = " + v + " is not supported: " + why);
        }
    }

    /** DAC frames per second as the reference uses it: 86 (integer) for 44.1 kHz, else 50. */
    public int dacFrameRate() {
        return dacSampleRate == 44100 ? 86 : 50;
    }

    /** Samples per DAC frame: 512 for 44.1 kHz, else 320. */
    public int dacDownsampleRate() {
        return dacSampleRate == 44100 ? 512 : 320;
    }

    /** Rows of each code embedding table: {@code ceil((V + 1) / 64) · 64}. */
    public int embeddingRows() {
        return embeddingRows(dacVocabSize);
    }

    private static int embeddingRows(int vocab) {
        return (int) (Math.ceil((vocab + 1) / 64.0) * 64);
    }

    /** Codebooks (parallel code streams) of a model of this kind: {@code num_rvq} or {@code 4·num_rvq}. */
    public int numCodebooks(ModelKind kind) {
        return kind.channels() * numRvq;
    }

    /** Rows of the decoder position table ({@code max_target_length + 2}). */
    public int decoderPositionRows() {
        return maxTargetLength + DECODER_POSITION_OFFSET;
    }

    /**
     * Codec frames the decoder generates for {@code clipFrames} CLIP frames:
     * {@code int(F / clip_frame_rate · dac_frame_rate)} (Python float arithmetic, truncated).
     */
    public int targetFrames(int clipFrames) {
        return (int) ((double) clipFrames / clipFrameRate * dacFrameRate());
    }

    /**
     * Codec frames of the audio after generation:
     * {@code ceil(int(F / clip_frame_rate · dac_sample_rate) / dac_downsample_rate)}; the missing
     * frames are filled by repeating the last generated one.
     */
    public int outputFrames(int clipFrames) {
        long samples = (long) ((double) clipFrames / clipFrameRate * dacSampleRate);
        return (int) Math.ceil((double) samples / dacDownsampleRate());
    }

    /** Hyper-parameters of one encoder layer. */
    public LayerConfig encoderLayer() {
        return LayerConfig.builder(dModel, encoderAttentionHeads, encoderFfnDim)
                .activation(activation)
                .layerNormEps(LAYER_NORM_EPS)
                .dropout(dropout)
                .attentionDropout(attentionDropout)
                .activationDropout(activationDropout)
                .initStd(initStd)
                .build();
    }

    /** Hyper-parameters of one decoder layer. */
    public LayerConfig decoderLayer() {
        return LayerConfig.builder(dModel, decoderAttentionHeads, decoderFfnDim)
                .activation(activation)
                .layerNormEps(LAYER_NORM_EPS)
                .dropout(dropout)
                .attentionDropout(attentionDropout)
                .activationDropout(activationDropout)
                .initStd(initStd)
                .build();
    }

    private static void positive(String key, int v) {
        if (v < 1) {
            throw new ConfigException(key + " must be >= 1, got " + v);
        }
    }

    private static void probability(String key, double p) {
        if (!(p >= 0 && p < 1)) {
            throw new ConfigException(key + " must be in [0, 1), got " + p);
        }
    }

    /** Typed access to optional keys; a wrong JSON type names the key. */
    private record Reader(JsonNode root) {
        int integer(String key, int dflt) {
            JsonNode n = root.get(key);
            if (n == null) {
                return dflt;
            }
            if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                throw new ConfigException(key + " must be an integer, found " + n);
            }
            return n.intValue();
        }

        double number(String key, double dflt) {
            JsonNode n = root.get(key);
            if (n == null) {
                return dflt;
            }
            if (!n.isNumber()) {
                throw new ConfigException(key + " must be a number, found " + n);
            }
            return n.doubleValue();
        }

        boolean bool(String key, boolean dflt) {
            JsonNode n = root.get(key);
            if (n == null) {
                return dflt;
            }
            if (!n.isBoolean()) {
                throw new ConfigException(key + " must be true or false, found " + n);
            }
            return n.booleanValue();
        }

        String string(String key, String dflt) {
            JsonNode n = root.get(key);
            if (n == null) {
                return dflt;
            }
            if (!n.isTextual()) {
                throw new ConfigException(key + " must be a string, found " + n);
            }
            return n.textValue();
        }
    }

    private List<Object> values() {
        return Arrays.asList(
                dModel,
                encoderLayers,
                decoderLayers,
                encoderAttentionHeads,
                decoderAttentionHeads,
                encoderFfnDim,
                decoderFfnDim,
                activation,
                dropout,
                attentionDropout,
                activationDropout,
                initStd,
                dClip,
                numRvq,
                dacVocabSize,
                dacPadTokenId,
                dacSampleRate,
                maxSourceLength,
                maxTargetLength,
                clipFrameRate,
                classifierFreeGuidance,
                cfgDropoutProb,
                cfgGuidanceScale,
                cfgSpatialGuidanceScale,
                attnImplementation);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VisageConfig c && values().equals(c.values());
    }

    @Override
    public int hashCode() {
        return values().hashCode();
    }

    @Override
    public String toString() {
        return "VisageConfig[" + "d_model=" + dModel + ", "
                + "encoder_layers=" + encoderLayers + ", "
                + "decoder_layers=" + decoderLayers + ", "
                + "encoder_attention_heads=" + encoderAttentionHeads + ", "
                + "decoder_attention_heads=" + decoderAttentionHeads + ", "
                + "encoder_ffn_dim=" + encoderFfnDim + ", "
                + "decoder_ffn_dim=" + decoderFfnDim + ", "
                + "activation_function=" + activation + ", "
                + "dropout=" + dropout + ", "
                + "attention_dropout=" + attentionDropout + ", "
                + "activation_dropout=" + activationDropout + ", "
                + "init_std=" + initStd + ", "
                + "d_clip=" + dClip + ", "
                + "num_rvq=" + numRvq + ", "
                + "dac_vocab_size=" + dacVocabSize + ", "
                + "dac_pad_token_id=" + dacPadTokenId + ", "
                + "dac_sample_rate=" + dacSampleRate + ", "
                + "max_source_length=" + maxSourceLength + ", "
                + "max_target_length=" + maxTargetLength + ", "
                + "clip_frame_rate=" + clipFrameRate + ", "
                + "classifier_free_guidance=" + classifierFreeGuidance + ", "
                + "cfg_dropout_prob=" + cfgDropoutProb + ", "
                + "cfg_guidance_scale=" + cfgGuidanceScale + ", "
                + "cfg_spatial_guidance_scale=" + cfgSpatialGuidanceScale + ", "
                + "_attn_implementation=" + attnImplementation + "]";
    }

    /** Collects the values of a {@link VisageConfig}; {@link #build()} validates them. */
    public static final class Builder {
        private int dModel = 1024;
        private int encoderLayers = 12;
        private int decoderLayers = 12;
        private int encoderAttentionHeads = 16;
        private int decoderAttentionHeads = 16;
        private int encoderFfnDim = 4096;
        private int decoderFfnDim = 4096;
        private Activation activation = Activation.GELU_EXACT;
        private double dropout = 0.1;
        private double attentionDropout = 0.0;
        private double activationDropout = 0.0;
        private double initStd = 0.02;
        private int dClip = 512;
        private int numRvq = 9;
        private int dacVocabSize = 1024;
        private int dacPadTokenId = 1024;
        private int dacSampleRate = 44100;
        private int maxSourceLength = 80;
        private int maxTargetLength = 861;
        private int clipFrameRate = 4;
        private boolean classifierFreeGuidance = true;
        private double cfgDropoutProb = 0.1;
        private double cfgGuidanceScale = 3.0;
        private double cfgSpatialGuidanceScale = 3.0;
        private String attnImplementation = "eager";

        private Builder() {}

        /** {@code d_model}. */
        public Builder dModel(int v) {
            this.dModel = v;
            return this;
        }

        /** {@code encoder_layers}. */
        public Builder encoderLayers(int v) {
            this.encoderLayers = v;
            return this;
        }

        /** {@code decoder_layers}. */
        public Builder decoderLayers(int v) {
            this.decoderLayers = v;
            return this;
        }

        /** {@code encoder_attention_heads}. */
        public Builder encoderAttentionHeads(int v) {
            this.encoderAttentionHeads = v;
            return this;
        }

        /** {@code decoder_attention_heads}. */
        public Builder decoderAttentionHeads(int v) {
            this.decoderAttentionHeads = v;
            return this;
        }

        /** {@code encoder_ffn_dim}. */
        public Builder encoderFfnDim(int v) {
            this.encoderFfnDim = v;
            return this;
        }

        /** {@code decoder_ffn_dim}. */
        public Builder decoderFfnDim(int v) {
            this.decoderFfnDim = v;
            return this;
        }

        /** {@code activation_function}. */
        public Builder activation(Activation v) {
            this.activation = v;
            return this;
        }

        /** {@code dropout}. */
        public Builder dropout(double v) {
            this.dropout = v;
            return this;
        }

        /** {@code attention_dropout}. */
        public Builder attentionDropout(double v) {
            this.attentionDropout = v;
            return this;
        }

        /** {@code activation_dropout}. */
        public Builder activationDropout(double v) {
            this.activationDropout = v;
            return this;
        }

        /** {@code init_std}. */
        public Builder initStd(double v) {
            this.initStd = v;
            return this;
        }

        /** {@code d_clip}. */
        public Builder dClip(int v) {
            this.dClip = v;
            return this;
        }

        /** {@code num_rvq}. */
        public Builder numRvq(int v) {
            this.numRvq = v;
            return this;
        }

        /** {@code dac_vocab_size}. */
        public Builder dacVocabSize(int v) {
            this.dacVocabSize = v;
            return this;
        }

        /** {@code dac_pad_token_id}. */
        public Builder dacPadTokenId(int v) {
            this.dacPadTokenId = v;
            return this;
        }

        /** {@code dac_sample_rate}. */
        public Builder dacSampleRate(int v) {
            this.dacSampleRate = v;
            return this;
        }

        /** {@code max_source_length}. */
        public Builder maxSourceLength(int v) {
            this.maxSourceLength = v;
            return this;
        }

        /** {@code max_target_length}. */
        public Builder maxTargetLength(int v) {
            this.maxTargetLength = v;
            return this;
        }

        /** {@code clip_frame_rate}. */
        public Builder clipFrameRate(int v) {
            this.clipFrameRate = v;
            return this;
        }

        /** {@code classifier_free_guidance}. */
        public Builder classifierFreeGuidance(boolean v) {
            this.classifierFreeGuidance = v;
            return this;
        }

        /** {@code cfg_dropout_prob}. */
        public Builder cfgDropoutProb(double v) {
            this.cfgDropoutProb = v;
            return this;
        }

        /** {@code cfg_guidance_scale}. */
        public Builder cfgGuidanceScale(double v) {
            this.cfgGuidanceScale = v;
            return this;
        }

        /** {@code cfg_spatial_guidance_scale}. */
        public Builder cfgSpatialGuidanceScale(double v) {
            this.cfgSpatialGuidanceScale = v;
            return this;
        }

        /** {@code _attn_implementation}. */
        public Builder attnImplementation(String v) {
            this.attnImplementation = v;
            return this;
        }

        /** @throws ConfigException naming the first invalid key */
        public VisageConfig build() {
            return new VisageConfig(this);
        }
    }
}
