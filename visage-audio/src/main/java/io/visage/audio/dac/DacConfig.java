package io.visage.audio.dac;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.nn.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Hyper-parameters of a Descript Audio Codec: the keyword arguments of {@code dac.model.dac.DAC}, as
 * stored in {@code metadata.kwargs} of the released weight files (or in a {@code config.json}).
 * Immutable and validated; derived sizes are methods. Built by {@link #builder()}, which starts
 * from the released 44.1 kHz model ({@link #dac44k()}), or read by {@link #fromKwargs}/{@link #fromJson}:
 *
 * <pre>{@code DacConfig c = DacConfig.builder().encoderDim(4).encoderRates(2, 4).codebooks(3, 4).build();}</pre>
 */
public final class DacConfig {
    /** Every constructor keyword of {@code DAC}; anything else in a kwargs map is an error. */
    public static final Set<String> KEYS = Set.of(
            "encoder_dim",
            "encoder_rates",
            "latent_dim",
            "decoder_dim",
            "decoder_rates",
            "n_codebooks",
            "codebook_size",
            "codebook_dim",
            "quantizer_dropout",
            "sample_rate");

    private final int encoderDim;
    private final List<Integer> encoderRates;
    private final int latentDim;
    private final int decoderDim;
    private final List<Integer> decoderRates;
    private final int codebookSize;
    private final List<Integer> codebookDims;
    private final double quantizerDropout;
    private final int sampleRateHz;

    private DacConfig(Builder b) {
        positive("encoder_dim", b.encoderDim);
        positive("decoder_dim", b.decoderDim);
        positive("codebook_size", b.codebookSize);
        positive("sample_rate", b.sampleRateHz);
        this.encoderRates = positiveList("encoder_rates", b.encoderRates);
        this.decoderRates = positiveList("decoder_rates", b.decoderRates);
        this.codebookDims = positiveList("codebook_dim", b.codebookDims);
        this.encoderDim = b.encoderDim;
        this.latentDim = b.latentDim == null ? b.encoderDim << encoderRates.size() : b.latentDim;
        positive("latent_dim", latentDim);
        this.decoderDim = b.decoderDim;
        this.codebookSize = b.codebookSize;
        this.quantizerDropout = b.quantizerDropout;
        this.sampleRateHz = b.sampleRateHz;
        if (decoderDim >> decoderRates.size() < 1) {
            throw new ConfigException("decoder_dim " + decoderDim + " halved " + decoderRates.size()
                    + " times (once per decoder rate) leaves no channels");
        }
        if (!(quantizerDropout >= 0 && quantizerDropout <= 1)) {
            throw new ConfigException("quantizer_dropout must be in [0, 1], got " + quantizerDropout);
        }
    }

    /** The released 44.1 kHz model (weights tag 0.0.1, the codec ViSAGe uses). */
    public static DacConfig dac44k() {
        return builder().build();
    }

    /** A builder holding the released 44.1 kHz model's values ({@link #dac44k()}); set what differs. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values, {@code latent_dim} included. */
    public Builder toBuilder() {
        return new Builder()
                .encoderDim(encoderDim)
                .encoderRates(encoderRates)
                .latentDim(latentDim)
                .decoderDim(decoderDim)
                .decoderRates(decoderRates)
                .codebookSize(codebookSize)
                .codebookDims(codebookDims)
                .quantizerDropout(quantizerDropout)
                .sampleRateHz(sampleRateHz);
    }

    /**
     * Sets the {@code DAC} keyword arguments one by one; {@link #build} validates them (throwing
     * {@link ConfigException} naming the key). Starts from the released 44.1 kHz model.
     */
    public static final class Builder {
        private int encoderDim = 64;
        private List<Integer> encoderRates = List.of(2, 4, 8, 8);
        private Integer latentDim; // null: encoder_dim · 2^len(encoder_rates), as DAC's latent_dim=None
        private int decoderDim = 1536;
        private List<Integer> decoderRates = List.of(8, 8, 4, 2);
        private int codebookSize = 1024;
        private List<Integer> codebookDims = Collections.nCopies(9, 8);
        private double quantizerDropout = 0.0;
        private int sampleRateHz = 44100;

        private Builder() {}

        /** Channels after the first encoder convolution ({@code encoder_dim}). */
        public Builder encoderDim(int v) {
            encoderDim = v;
            return this;
        }

        /** Down-sampling stride of each encoder block ({@code encoder_rates}). */
        public Builder encoderRates(List<Integer> v) {
            encoderRates = v;
            return this;
        }

        /** {@link #encoderRates(List)} from values. */
        public Builder encoderRates(int... v) {
            return encoderRates(boxed(v));
        }

        /**
         * Channels of the continuous latent z ({@code latent_dim}); unless set, derived at
         * {@link #build} as encoder_dim · 2^len(encoder_rates), as the reference does for {@code None}.
         */
        public Builder latentDim(int v) {
            latentDim = v;
            return this;
        }

        /** Channels after the first decoder convolution ({@code decoder_dim}). */
        public Builder decoderDim(int v) {
            decoderDim = v;
            return this;
        }

        /** Up-sampling stride of each decoder block ({@code decoder_rates}). */
        public Builder decoderRates(List<Integer> v) {
            decoderRates = v;
            return this;
        }

        /** {@link #decoderRates(List)} from values. */
        public Builder decoderRates(int... v) {
            return decoderRates(boxed(v));
        }

        /** Entries per codebook ({@code codebook_size}). */
        public Builder codebookSize(int v) {
            codebookSize = v;
            return this;
        }

        /** Dimension of each level's codebook ({@code codebook_dim} as a list; its length is {@code n_codebooks}). */
        public Builder codebookDims(List<Integer> v) {
            codebookDims = v;
            return this;
        }

        /** {@code n_codebooks} levels, each of dimension {@code dim} ({@code codebook_dim} as one number). */
        public Builder codebooks(int nCodebooks, int dim) {
            if (nCodebooks < 1) {
                throw new ConfigException("n_codebooks must be positive, got " + nCodebooks);
            }
            return codebookDims(Collections.nCopies(nCodebooks, dim));
        }

        /**
         * Fraction of a training batch that uses a random number of quantizers ({@code quantizer_dropout};
         * 0 at inference).
         */
        public Builder quantizerDropout(double v) {
            quantizerDropout = v;
            return this;
        }

        /** The only sample rate the codec accepts ({@code sample_rate}). */
        public Builder sampleRateHz(int v) {
            sampleRateHz = v;
            return this;
        }

        /** @throws ConfigException naming the first invalid key */
        public DacConfig build() {
            return new DacConfig(this);
        }

        private static List<Integer> boxed(int[] v) {
            List<Integer> l = new ArrayList<>(v.length);
            for (int x : v) {
                l.add(x);
            }
            return l;
        }
    }

    /** Channels after the first encoder convolution ({@code encoder_dim}). */
    public int encoderDim() {
        return encoderDim;
    }

    /** Down-sampling stride of each encoder block ({@code encoder_rates}). */
    public List<Integer> encoderRates() {
        return encoderRates;
    }

    /** Channels of the continuous latent z ({@code latent_dim}). */
    public int latentDim() {
        return latentDim;
    }

    /** Channels after the first decoder convolution ({@code decoder_dim}). */
    public int decoderDim() {
        return decoderDim;
    }

    /** Up-sampling stride of each decoder block ({@code decoder_rates}). */
    public List<Integer> decoderRates() {
        return decoderRates;
    }

    /** Entries per codebook ({@code codebook_size}). */
    public int codebookSize() {
        return codebookSize;
    }

    /** Dimension of each quantizer level's codebook ({@code codebook_dim}, one per level). */
    public List<Integer> codebookDims() {
        return codebookDims;
    }

    /**
     * Fraction of a training batch that uses a random number of quantizers ({@code quantizer_dropout};
     * {@code false}/{@code true} read as 0/1); 0 at inference.
     */
    public double quantizerDropout() {
        return quantizerDropout;
    }

    /** The only sample rate the codec accepts ({@code sample_rate}). */
    public int sampleRateHz() {
        return sampleRateHz;
    }

    /** Number of residual quantizer levels ({@code n_codebooks}). */
    public int nCodebooks() {
        return codebookDims.size();
    }

    /** Audio samples per latent frame: the product of the encoder rates ({@code hop_length}). */
    public int hopLength() {
        int h = 1;
        for (int r : encoderRates) {
            h *= r;
        }
        return h;
    }

    /** Audio samples the decoder produces per latent frame: the product of the decoder rates. */
    public int decoderUpsampling() {
        int h = 1;
        for (int r : decoderRates) {
            h *= r;
        }
        return h;
    }

    /** Channels at the encoder output before the last convolution: encoder_dim · 2^len(rates). */
    public int encoderChannels() {
        return encoderDim << encoderRates.size();
    }

    /** Sum of the codebook dimensions: channels of the {@code latents} output. */
    public int totalCodebookDim() {
        int s = 0;
        for (int d : codebookDims) {
            s += d;
        }
        return s;
    }

    /**
     * Builds a config from {@code DAC(**kwargs)} arguments. Absent keys take the constructor's
     * defaults (the 44.1 kHz model, as {@link #builder()}); {@code latent_dim} absent or null is
     * derived as encoder_dim · 2^len(encoder_rates), as the constructor does.
     *
     * @param source where the map came from, for messages (a file name)
     * @throws ConfigException naming the source and key for unknown keys and bad values
     */
    public static DacConfig fromKwargs(Map<String, ?> kwargs, String source) {
        for (String k : kwargs.keySet()) {
            if (!KEYS.contains(k)) {
                throw new ConfigException(source + ": unknown DAC argument '" + k + "' (known: " + sorted(KEYS) + ")");
            }
        }
        DacConfig d = dac44k();
        try {
            Builder b = builder()
                    .encoderDim(intValue(kwargs, "encoder_dim", d.encoderDim()))
                    .encoderRates(intList(kwargs, "encoder_rates", d.encoderRates()))
                    .decoderDim(intValue(kwargs, "decoder_dim", d.decoderDim()))
                    .decoderRates(intList(kwargs, "decoder_rates", d.decoderRates()))
                    .codebookSize(intValue(kwargs, "codebook_size", d.codebookSize()))
                    .sampleRateHz(intValue(kwargs, "sample_rate", d.sampleRateHz()));
            Object latent = kwargs.get("latent_dim"); // absent or None: derived by the builder
            if (latent != null) {
                b.latentDim(toInt("latent_dim", latent));
            }
            int nCodebooks = intValue(kwargs, "n_codebooks", d.nCodebooks());
            Object cd = kwargs.containsKey("codebook_dim")
                    ? kwargs.get("codebook_dim")
                    : d.codebookDims().get(0);
            List<Integer> codebookDims;
            if (cd instanceof List<?> l) {
                codebookDims = intList(kwargs, "codebook_dim", List.of());
                if (l.size() < nCodebooks) {
                    throw new ConfigException(
                            "codebook_dim lists " + l.size() + " dimensions but n_codebooks is " + nCodebooks);
                }
                codebookDims = codebookDims.subList(0, nCodebooks);
            } else {
                int dim = toInt("codebook_dim", cd);
                positive("n_codebooks", nCodebooks);
                codebookDims = Collections.nCopies(nCodebooks, dim);
            }
            Object qd = kwargs.containsKey("quantizer_dropout") ? kwargs.get("quantizer_dropout") : Boolean.FALSE;
            double dropout = qd instanceof Boolean on ? (on ? 1.0 : 0.0) : toDouble("quantizer_dropout", qd);
            return b.codebookDims(codebookDims).quantizerDropout(dropout).build();
        } catch (ConfigException e) {
            throw new ConfigException(source + ": " + e.getMessage(), e);
        }
    }

    /** Reads a JSON object of {@code DAC} keyword arguments (e.g. a fixture's {@code config.json}). */
    public static DacConfig fromJson(Path file) {
        Map<String, Object> m;
        try {
            m = new ObjectMapper().readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new ConfigException(file + ": not a JSON object of DAC arguments: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        return fromKwargs(m, file.toString());
    }

    /** The kwargs map this config corresponds to (for writing next to converted weights). */
    public Map<String, Object> toKwargs() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("encoder_dim", encoderDim);
        m.put("encoder_rates", encoderRates);
        m.put("latent_dim", latentDim);
        m.put("decoder_dim", decoderDim);
        m.put("decoder_rates", decoderRates);
        m.put("n_codebooks", nCodebooks());
        m.put("codebook_size", codebookSize);
        boolean uniform = codebookDims.stream().distinct().count() == 1;
        m.put("codebook_dim", uniform ? codebookDims.get(0) : codebookDims);
        m.put("quantizer_dropout", quantizerDropout);
        m.put("sample_rate", sampleRateHz);
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DacConfig c
                && encoderDim == c.encoderDim
                && encoderRates.equals(c.encoderRates)
                && latentDim == c.latentDim
                && decoderDim == c.decoderDim
                && decoderRates.equals(c.decoderRates)
                && codebookSize == c.codebookSize
                && codebookDims.equals(c.codebookDims)
                && Double.compare(quantizerDropout, c.quantizerDropout) == 0
                && sampleRateHz == c.sampleRateHz;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                encoderDim,
                encoderRates,
                latentDim,
                decoderDim,
                decoderRates,
                codebookSize,
                codebookDims,
                quantizerDropout,
                sampleRateHz);
    }

    /** The kwargs, e.g. {@code DacConfig{encoder_dim=64, encoder_rates=[2, 4, 8, 8], ...}}. */
    @Override
    public String toString() {
        return "DacConfig" + toKwargs().toString();
    }

    private static List<String> sorted(Set<String> s) {
        List<String> l = new ArrayList<>(s);
        Collections.sort(l);
        return l;
    }

    private static int intValue(Map<String, ?> m, String key, int dflt) {
        return m.containsKey(key) ? toInt(key, m.get(key)) : dflt;
    }

    private static List<Integer> intList(Map<String, ?> m, String key, List<Integer> dflt) {
        if (!m.containsKey(key)) {
            return dflt;
        }
        if (!(m.get(key) instanceof List<?> l)) {
            throw new ConfigException(key + " must be a list of integers, got " + m.get(key));
        }
        List<Integer> out = new ArrayList<>();
        for (Object o : l) {
            out.add(toInt(key, o));
        }
        return out;
    }

    private static int toInt(String key, Object o) {
        if (o instanceof Number n && !(o instanceof Double || o instanceof Float) && n.longValue() == n.intValue()) {
            return n.intValue();
        }
        throw new ConfigException(key + " must be an integer, got " + o);
    }

    private static double toDouble(String key, Object o) {
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        throw new ConfigException(key + " must be a number or a boolean, got " + o);
    }

    private static void positive(String key, int v) {
        if (v < 1) {
            throw new ConfigException(key + " must be positive, got " + v);
        }
    }

    private static List<Integer> positiveList(String key, List<Integer> l) {
        if (l == null || l.isEmpty()) {
            throw new ConfigException(key + " must be a non-empty list, got " + l);
        }
        for (Integer v : l) {
            if (v == null || v < 1) {
                throw new ConfigException(key + " entries must be positive, got " + l);
            }
        }
        return List.copyOf(l);
    }
}
