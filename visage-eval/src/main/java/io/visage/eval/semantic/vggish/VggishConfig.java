package io.visage.eval.semantic.vggish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.nn.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The widths of torchvggish's VGG ({@code make_layers()} and {@code VGG.embeddings}).
 *
 * @param layers    the {@code features} plan, as in the reference: a channel count is a 3×3 Conv2d
 *                  (padding 1) followed by a ReLU, {@link #MAX_POOL} is a MaxPool2d(2, 2); exactly
 *                  {@link #POOLS} pools, so that a 96×64 example ends as 6×4
 * @param hidden    width of the two hidden Linear layers (4096 in the released model)
 * @param embedding width of the embedding, the last Linear (128)
 */
public record VggishConfig(List<Integer> layers, int hidden, int embedding) {
    /** The entry of {@link #layers} that stands for {@code "M"} (MaxPool2d(kernel_size=2, stride=2)). */
    public static final int MAX_POOL = 0;
    /** Max pools the layer plan must have: 96×64 examples are pooled to 6×4. */
    public static final int POOLS = 4;
    /** Height (time) of the last feature map. */
    public static final int FEATURE_HEIGHT = VggishFrontEnd.EXAMPLE_FRAMES >> POOLS;
    /** Width (mel) of the last feature map. */
    public static final int FEATURE_WIDTH = VggishFrontEnd.MEL_BANDS >> POOLS;

    private static final Set<String> JSON_KEYS =
            Set.of("layers", "hidden", "embedding", "sample_rate", "frames", "bands");

    public VggishConfig {
        if (layers == null || layers.isEmpty()) {
            throw new ConfigException("layers must be a non-empty list of channel counts and \"M\"");
        }
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) == null) {
                throw new ConfigException("layers[" + i + "] is null; expected a channel count > 0 or \"M\"");
            }
        }
        layers = List.copyOf(layers);
        int pools = 0;
        int convs = 0;
        for (int i = 0; i < layers.size(); i++) {
            int v = layers.get(i);
            if (v == MAX_POOL) {
                pools++;
            } else if (v > 0) {
                convs++;
            } else {
                throw new ConfigException("layers[" + i + "] must be a channel count > 0 or \"M\" but was " + v);
            }
        }
        if (convs == 0) {
            throw new ConfigException("layers " + describe(layers) + " has no convolution");
        }
        if (pools != POOLS) {
            throw new ConfigException("layers " + describe(layers) + " has " + pools + " max pools; VGGish needs "
                    + POOLS + " (96x64 examples pooled to " + FEATURE_HEIGHT + "x" + FEATURE_WIDTH + ")");
        }
        if (hidden <= 0) {
            throw new ConfigException("hidden must be > 0 but was " + hidden);
        }
        if (embedding <= 0) {
            throw new ConfigException("embedding must be > 0 but was " + embedding);
        }
    }

    /** The released model: [64, M, 128, M, 256, 256, M, 512, 512, M], 12288 → 4096 → 4096 → 128. */
    public static VggishConfig full() {
        int m = MAX_POOL;
        return new VggishConfig(List.of(64, m, 128, m, 256, 256, m, 512, 512, m), 4096, 128);
    }

    /** Channels of the last convolution: C of the [E, C, 6, 4] feature map. */
    public int featureChannels() {
        int c = 0;
        for (int v : layers) {
            if (v != MAX_POOL) {
                c = v;
            }
        }
        return c;
    }

    /** Input width of {@code embeddings.0}: 6 · 4 · C. */
    public int flattenedFeatures() {
        return FEATURE_HEIGHT * FEATURE_WIDTH * featureChannels();
    }

    /**
     * The index of every module of the reference {@code features} Sequential, in order: a conv at
     * index N has its ReLU at N + 1; a pool takes one index.
     *
     * @return per entry of {@link #layers}, the Sequential index of its first module
     */
    public List<Integer> featureIndices() {
        List<Integer> out = new ArrayList<>(layers.size());
        int n = 0;
        for (int v : layers) {
            out.add(n);
            n += v == MAX_POOL ? 1 : 2;
        }
        return List.copyOf(out);
    }

    /** The layer plan as the reference writes it, e.g. {@code [64, M, 128, M]}. */
    static String describe(List<Integer> layers) {
        List<String> s = new ArrayList<>();
        for (Integer v : layers) {
            s.add(v != null && v == MAX_POOL ? "M" : String.valueOf(v));
        }
        return s.toString();
    }

    /**
     * Reads {@code {"layers": [8, "M", ...], "hidden": 48, "embedding": 128}} (the fixture's
     * {@code config.json}). The front-end keys {@code sample_rate}, {@code frames} and {@code bands}
     * may be present and must equal the fixed front end (16000, 96, 64). Unknown or missing keys
     * fail, naming the file.
     */
    public static VggishConfig fromJson(Path file) {
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read VGGish config: " + e.getMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new ConfigException(file + ": VGGish config must be a JSON object");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!JSON_KEYS.contains(k)) {
                throw new ConfigException(file + ": unknown VGGish config key '" + k + "' (known: " + JSON_KEYS + ")");
            }
        }
        Map<String, Integer> fixed = Map.of(
                "sample_rate", VggishFrontEnd.SAMPLE_RATE_HZ,
                "frames", VggishFrontEnd.EXAMPLE_FRAMES,
                "bands", VggishFrontEnd.MEL_BANDS);
        for (Map.Entry<String, Integer> e : fixed.entrySet()) {
            if (n.has(e.getKey()) && integer(file, n, e.getKey()) != e.getValue()) {
                throw new ConfigException(file + ": '" + e.getKey() + "' is " + n.get(e.getKey()) + " but the VGGish"
                        + " front end is fixed at " + e.getValue());
            }
        }
        JsonNode l = n.get("layers");
        if (l == null || !l.isArray()) {
            throw new ConfigException(file + ": VGGish config key 'layers' missing or not a list");
        }
        List<Integer> layers = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            JsonNode v = l.get(i);
            if (v.isTextual() && v.asText().equals("M")) {
                layers.add(MAX_POOL);
            } else if (v.isIntegralNumber() && v.canConvertToInt() && v.asInt() > 0) {
                layers.add(v.asInt());
            } else {
                throw new ConfigException(
                        file + ": layers[" + i + "] is " + v + "; expected a channel count > 0 or \"M\"");
            }
        }
        try {
            return new VggishConfig(layers, integer(file, n, "hidden"), integer(file, n, "embedding"));
        } catch (ConfigException e) {
            throw new ConfigException(file + ": " + e.getMessage(), e);
        }
    }

    private static int integer(Path file, JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new ConfigException(file + ": VGGish config key '" + key + "' missing or not an integer");
        }
        return v.asInt();
    }
}
