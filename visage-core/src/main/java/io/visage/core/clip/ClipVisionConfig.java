package io.visage.core.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.nn.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;

/**
 * Constructor arguments of {@code clip.model.VisionTransformer}.
 *
 * @param inputResolution image side in pixels (224)
 * @param patchSize       conv1 kernel and stride (32)
 * @param width           D (768)
 * @param layers          residual blocks (12)
 * @param heads           attention heads (CLIP: width / 64)
 * @param outputDim       O, the embedding size after {@code proj} (512)
 */
public record ClipVisionConfig(int inputResolution, int patchSize, int width, int layers, int heads, int outputDim) {
    /** ViT-B/32 as ViSAGe uses it. */
    public static final ClipVisionConfig VIT_B_32 = new ClipVisionConfig(224, 32, 768, 12, 12, 512);
    /** LayerNorm epsilon of every CLIP LayerNorm. */
    public static final double LAYER_NORM_EPS = 1e-5;

    private static final Set<String> JSON_KEYS =
            Set.of("input_resolution", "patch_size", "width", "layers", "heads", "output_dim");

    public ClipVisionConfig {
        positive("input_resolution", inputResolution);
        positive("patch_size", patchSize);
        positive("width", width);
        positive("layers", layers);
        positive("heads", heads);
        positive("output_dim", outputDim);
        if (inputResolution % patchSize != 0) {
            throw new ConfigException(
                    "input_resolution " + inputResolution + " must be a multiple of patch_size " + patchSize);
        }
        if (width % heads != 0) {
            throw new ConfigException("width " + width + " must be divisible by heads " + heads);
        }
    }

    private static void positive(String key, int v) {
        if (v <= 0) {
            throw new ConfigException(key + " must be > 0 but was " + v);
        }
    }

    /** G = inputResolution / patchSize. */
    public int grid() {
        return inputResolution / patchSize;
    }

    /** N = G² + 1. */
    public int tokens() {
        return grid() * grid() + 1;
    }

    /**
     * Reads a JSON object with exactly the keys {@code input_resolution, patch_size, width, layers,
     * heads, output_dim}; unknown or missing keys fail, naming the file.
     */
    public static ClipVisionConfig fromJson(Path file) {
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read CLIP vision config: " + e.getMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new ConfigException(file + ": CLIP vision config must be a JSON object");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!JSON_KEYS.contains(k)) {
                throw new ConfigException(
                        file + ": unknown CLIP vision config key '" + k + "' (known: " + JSON_KEYS + ")");
            }
        }
        try {
            return new ClipVisionConfig(
                    req(file, n, "input_resolution"),
                    req(file, n, "patch_size"),
                    req(file, n, "width"),
                    req(file, n, "layers"),
                    req(file, n, "heads"),
                    req(file, n, "output_dim"));
        } catch (ConfigException e) {
            throw new ConfigException(file + ": " + e.getMessage(), e);
        }
    }

    private static int req(Path file, JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || !v.canConvertToInt()) {
            throw new ConfigException(file + ": CLIP vision config key '" + key + "' missing or not an integer");
        }
        return v.asInt();
    }
}
