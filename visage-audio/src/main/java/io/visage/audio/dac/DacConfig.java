package io.visage.audio.dac;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.nn.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hyper-parameters of a Descript Audio Codec: the keyword arguments of {@code dac.model.dac.DAC}, as
 * stored in {@code metadata.kwargs} of the released weight files (or in a {@code config.json}).
 * Immutable and validated; derived sizes are methods.
 *
 * @param encoderDim       channels after the first encoder convolution ({@code encoder_dim})
 * @param encoderRates     down-sampling stride of each encoder block ({@code encoder_rates})
 * @param latentDim        channels of the continuous latent z ({@code latent_dim})
 * @param decoderDim       channels after the first decoder convolution ({@code decoder_dim})
 * @param decoderRates     up-sampling stride of each decoder block ({@code decoder_rates})
 * @param codebookSize     entries per codebook ({@code codebook_size})
 * @param codebookDims     dimension of each quantizer's codebook ({@code codebook_dim}, one per level;
 *                         its length is {@code n_codebooks})
 * @param quantizerDropout fraction of a training batch that uses a random number of quantizers
 *                         ({@code quantizer_dropout}; {@code false}/{@code true} read as 0/1); 0 at inference
 * @param sampleRateHz     the only sample rate the codec accepts ({@code sample_rate})
 */
public record DacConfig(
        int encoderDim,
        List<Integer> encoderRates,
        int latentDim,
        int decoderDim,
        List<Integer> decoderRates,
        int codebookSize,
        List<Integer> codebookDims,
        double quantizerDropout,
        int sampleRateHz) {

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

    public DacConfig {
        positive("encoder_dim", encoderDim);
        positive("latent_dim", latentDim);
        positive("decoder_dim", decoderDim);
        positive("codebook_size", codebookSize);
        positive("sample_rate", sampleRateHz);
        encoderRates = positiveList("encoder_rates", encoderRates);
        decoderRates = positiveList("decoder_rates", decoderRates);
        codebookDims = positiveList("codebook_dim", codebookDims);
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
        return new DacConfig(
                64,
                List.of(2, 4, 8, 8),
                64 << 4,
                1536,
                List.of(8, 8, 4, 2),
                1024,
                List.of(8, 8, 8, 8, 8, 8, 8, 8, 8),
                0.0,
                44100);
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
     * defaults (the 44.1 kHz model); {@code latent_dim} absent or null is derived as
     * encoder_dim · 2^len(encoder_rates), as the constructor does.
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
            int encoderDim = intValue(kwargs, "encoder_dim", d.encoderDim());
            List<Integer> encoderRates = intList(kwargs, "encoder_rates", d.encoderRates());
            Object latent = kwargs.get("latent_dim");
            int latentDim = latent == null ? encoderDim << encoderRates.size() : toInt("latent_dim", latent);
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
                codebookDims = java.util.Collections.nCopies(nCodebooks, dim);
            }
            Object qd = kwargs.containsKey("quantizer_dropout") ? kwargs.get("quantizer_dropout") : Boolean.FALSE;
            double dropout = qd instanceof Boolean b ? (b ? 1.0 : 0.0) : toDouble("quantizer_dropout", qd);
            return new DacConfig(
                    encoderDim,
                    encoderRates,
                    latentDim,
                    intValue(kwargs, "decoder_dim", d.decoderDim()),
                    intList(kwargs, "decoder_rates", d.decoderRates()),
                    intValue(kwargs, "codebook_size", d.codebookSize()),
                    codebookDims,
                    dropout,
                    intValue(kwargs, "sample_rate", d.sampleRateHz()));
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

    private static List<String> sorted(Set<String> s) {
        List<String> l = new ArrayList<>(s);
        java.util.Collections.sort(l);
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
