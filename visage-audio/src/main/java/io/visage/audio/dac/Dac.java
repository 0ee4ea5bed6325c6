package io.visage.audio.dac;

import io.visage.nn.Checks;
import io.visage.nn.ConfigException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorSource;
import io.visage.nn.io.TorchCheckpoint;
import io.visage.nn.module.LoadedParams;
import io.visage.nn.module.Module;
import io.visage.nn.module.Params;
import io.visage.nn.module.RandomParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Descript Audio Codec ({@code dac.model.dac.DAC}) as a module tree whose state-dict keys are the
 * reference's: {@code encoder.block.*}, {@code quantizer.quantizers.i.{in_proj,out_proj,codebook}.*},
 * {@code decoder.model.*}. Every convolution is weight-normalised ({@code weight_g}, {@code weight_v},
 * {@code bias}). The methods here are the reference forward: plain layer code on {@link Ops} with the
 * weight norm applied at every call, for training ({@code Ops.recording}) and as the oracle of the
 * inference front end {@link DacCodec} (a time-major fast path).
 * Axes: B batch, N samples, D latent_dim, n quantizer levels, T frames = N / hop.
 */
public final class Dac implements Module {
    /** Name of the config file looked for next to weights that carry no {@code metadata.kwargs}. */
    public static final String CONFIG_FILE = "config.json";

    private final DacConfig config;
    private final DacEncoder encoder;
    private final ResidualVectorQuantize quantizer;
    private final DacDecoder decoder;

    private Dac(DacConfig config, DacEncoder encoder, ResidualVectorQuantize quantizer, DacDecoder decoder) {
        this.config = config;
        this.encoder = encoder;
        this.quantizer = quantizer;
        this.decoder = decoder;
    }

    /** Builds the tree, asking {@code p} for every parameter by its full state-dict key. */
    public static Dac create(Params p, DacConfig config) {
        return new Dac(
                config,
                DacEncoder.create(p, "encoder", config),
                ResidualVectorQuantize.create(p, "quantizer", config),
                DacDecoder.create(p, "decoder", config));
    }

    /** Full-size tree with seeded random weights (benchmarks, key checks). */
    public static Dac random(DacConfig config, long seed) {
        try (RandomParams p = new RandomParams(seed)) {
            return create(p, config);
        }
    }

    /**
     * Loads weights with their config: from the {@code metadata.kwargs} of a released DAC
     * {@code weights.pth} container, otherwise from a {@value #CONFIG_FILE} in the same folder.
     *
     * @throws ConfigException when neither is present or the config is invalid
     * @throws io.visage.nn.StateDictMismatchException listing missing, unexpected and wrong-shape keys
     */
    public static Dac load(Path weights) {
        try (TensorSource src = TensorFiles.open(weights)) {
            DacConfig config;
            if (src instanceof TorchCheckpoint t && !t.kwargs().isEmpty()) {
                config = DacConfig.fromKwargs(t.kwargs(), weights + " (metadata.kwargs)");
            } else {
                Path sibling = weights.toAbsolutePath().getParent().resolve(CONFIG_FILE);
                if (!Files.isRegularFile(sibling)) {
                    throw new ConfigException(weights + ": no DAC config: the file has no metadata.kwargs (not a"
                            + " released weights.pth container) and there is no " + sibling
                            + "; pass a DacConfig explicitly");
                }
                config = DacConfig.fromJson(sibling);
            }
            return load(src, config);
        }
    }

    /** Loads weights (any format {@link TensorFiles} reads) for a given config; strict. */
    public static Dac load(Path weights, DacConfig config) {
        try (TensorSource src = TensorFiles.open(weights)) {
            return load(src, config);
        }
    }

    private static Dac load(TensorSource src, DacConfig config) {
        LoadedParams p = new LoadedParams(src);
        Dac dac = create(p, config);
        p.verify();
        return dac;
    }

    public DacConfig config() {
        return config;
    }

    public DacEncoder encoder() {
        return encoder;
    }

    public ResidualVectorQuantize quantizer() {
        return quantizer;
    }

    public DacDecoder decoder() {
        return decoder;
    }

    /**
     * {@code DAC.encode}: encoder then the first {@code nQuantizers} quantizer levels.
     *
     * @param audio [B, 1, N], N a multiple of {@link DacConfig#hopLength()} (see {@link DacCodec#preprocess})
     */
    public DacEncoding encode(Ops ops, Tensor audio, int nQuantizers) {
        checkAudio(audio.shape());
        return quantizer.encode(ops, encoder.forward(ops, audio), nQuantizers);
    }

    /**
     * {@code DAC.encode} in training mode: the encoder, then every quantizer level with quantizer
     * dropout ({@link ResidualVectorQuantize#encode(Ops, Tensor, int[])}).
     *
     * @param audio         [B, 1, N], N a multiple of {@link DacConfig#hopLength()}
     * @param levelsPerItem levels counted for each batch item (see {@link QuantizerDropout})
     */
    public DacEncoding encode(Ops ops, Tensor audio, int[] levelsPerItem) {
        checkAudio(audio.shape());
        return quantizer.encode(ops, encoder.forward(ops, audio), levelsPerItem);
    }

    /** {@code DAC.decode}. @param z [B, D, T] @return [B, 1, T · Π decoder_rates] */
    public Tensor decode(Ops ops, Tensor z) {
        checkLatent(z.shape());
        return decoder.forward(ops, z);
    }

    void checkAudio(long[] s) {
        Checks.shape("DAC.encode", "audio [B, 1, N] (one channel per batch item)", s, Checks.ANY, 1, Checks.ANY);
        Checks.require(
                s[2] > 0 && s[2] % config.hopLength() == 0,
                "DAC.encode",
                "audio length must be a positive multiple of the hop length " + config.hopLength() + ", found " + s[2]
                        + " (shape " + Arrays.toString(s) + "); call preprocess first");
    }

    void checkLatent(long[] s) {
        Checks.shape("DAC.decode", "z [B, latent_dim, T]", s, Checks.ANY, config.latentDim(), Checks.ANY);
        Checks.require(s[2] >= 1, "DAC.decode", "z must have at least 1 frame, found " + Arrays.toString(s));
    }

    @Override
    public Map<String, Tensor> parameters() {
        return Map.of();
    }

    @Override
    public Map<String, Module> children() {
        Map<String, Module> m = new LinkedHashMap<>();
        m.put("encoder", encoder);
        m.put("quantizer", quantizer);
        m.put("decoder", decoder);
        return m;
    }
}
