package io.visage.nn.module;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.testing.Fixtures;
import io.visage.nn.transformer.BartDecoderLayer;
import io.visage.nn.transformer.BartEncoderLayer;
import io.visage.nn.transformer.ClipResidualBlock;
import io.visage.nn.transformer.LayerConfig;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Full-size layers built with random init have exactly the state-dict names, order and shapes of
 * the reference checkpoints listed in {@code keys/*.json}, for every layer index listed there.
 * Sizes come from the key files, not from code.
 */
class FullSizeLayerKeysTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode keys(String file) throws IOException {
        return JSON.readTree(Fixtures.file("keys", file).toFile());
    }

    /** name → shape of every listed tensor starting with {@code prefix}, prefix removed, in file order. */
    private static Map<String, String> under(JsonNode keys, String prefix) {
        Map<String, String> m = new LinkedHashMap<>();
        for (JsonNode t : keys.get("tensors")) {
            String name = t.get("name").asText();
            if (name.startsWith(prefix)) {
                long[] shape = new long[t.get("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = t.get("shape").get(i).asLong();
                }
                m.put(name.substring(prefix.length()), Arrays.toString(shape));
            }
        }
        return m;
    }

    private static Map<String, String> built(Module m) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : m.stateDict().entrySet()) {
            out.put(e.getKey(), Arrays.toString(e.getValue().shape()));
        }
        return out;
    }

    private static int layerCount(JsonNode keys, String prefix) {
        int n = 0;
        while (!under(keys, prefix + n + ".").isEmpty()) {
            n++;
        }
        return n;
    }

    private static void checkAllLayers(JsonNode keys, String prefix, Function<String, Module> build) {
        int n = layerCount(keys, prefix);
        assertFalse(n == 0, "no tensors under " + prefix);
        Map<String, String> mine = built(build.apply(prefix + "0"));
        for (int i = 0; i < n; i++) {
            Map<String, String> ref = under(keys, prefix + i + ".");
            assertEquals(
                    String.join("\n", ref.keySet()), String.join("\n", mine.keySet()), prefix + i + ": names/order");
            assertEquals(ref, mine, prefix + i + ": shapes");
        }
    }

    @Test
    void bartLayers_fullSize_matchVisageKeys() throws IOException {
        JsonNode keys = keys("visage-keys.json");
        JsonNode eff = keys.get("effective");
        long d = eff.get("d_model").asLong();
        LayerConfig enc = LayerConfig.builder(
                        d,
                        eff.get("encoder_attention_heads").asInt(),
                        eff.get("encoder_ffn_dim").asLong())
                .dropout(0.1)
                .build();
        LayerConfig dec = LayerConfig.builder(
                        d,
                        eff.get("decoder_attention_heads").asInt(),
                        eff.get("decoder_ffn_dim").asLong())
                .dropout(0.1)
                .build();
        try (RandomParams p = new RandomParams(1)) {
            checkAllLayers(keys, "model.encoder.layers.", path -> BartEncoderLayer.create(p, "", enc));
            checkAllLayers(keys, "model.decoder.layers.", path -> BartDecoderLayer.create(p, "", dec));
        }
        assertEquals(eff.get("encoder_layers").asInt(), layerCount(keys, "model.encoder.layers."));
        assertEquals(eff.get("decoder_layers").asInt(), layerCount(keys, "model.decoder.layers."));
    }

    @Test
    void clipResidualBlocks_fullSize_matchClipKeys() throws IOException {
        JsonNode keys = keys("clip-vitb32-keys.json");
        String conv = under(keys, "visual.conv1.").get("weight");
        long width = Long.parseLong(conv.substring(1, conv.indexOf(',')));
        try (RandomParams p = new RandomParams(2)) {
            checkAllLayers(
                    keys,
                    "visual.transformer.resblocks.",
                    path -> ClipResidualBlock.create(p, "", width, (int) (width / 64)));
        }
    }
}
