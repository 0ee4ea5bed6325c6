package io.visage.eval.semantic.passt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visage.nn.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasstConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode fixtureJson() throws IOException {
        return (ObjectNode) JSON.readTree(PasstFixture.file("config.json").toFile());
    }

    private static String rejected(Path dir, ObjectNode n) throws IOException {
        Path f = dir.resolve("config.json");
        JSON.writeValue(f.toFile(), n);
        return assertThrows(ConfigException.class, () -> PasstConfig.fromJson(f))
                .getMessage();
    }

    @Test
    void fromJson_fixtureConfig_readsEveryNetworkField() throws IOException {
        JsonNode n = fixtureJson();
        PasstConfig c = PasstFixture.config();
        assertEquals(n.get("embed_dim").asInt(), c.embedDim());
        assertEquals(n.get("depth").asInt(), c.depth());
        assertEquals(n.get("num_heads").asInt(), c.numHeads());
        assertEquals(n.get("mlp_ratio").asDouble(), c.mlpRatio());
        assertEquals(n.get("num_classes").asInt(), c.numClasses());
        assertEquals(n.get("img_size").get(0).asInt(), c.imgFreq());
        assertEquals(n.get("img_size").get(1).asInt(), c.imgTime());
        assertEquals(n.get("patch_size").asInt(), c.patchSize());
        assertEquals(n.get("stride").get(0).asInt(), c.strideFreq());
        assertEquals(n.get("stride").get(1).asInt(), c.strideTime());
        assertEquals(n.get("n_mels").asInt(), PasstFrontEnd.N_MELS);
        assertEquals(n.get("sample_rate").asInt(), PasstFrontEnd.SAMPLE_RATE_HZ);
    }

    @Test
    void derivedSizes_fixtureGrid_matchFixtureJson() throws IOException {
        JsonNode fx = JSON.readTree(PasstFixture.file("fixture.json").toFile());
        PasstConfig c = PasstFixture.config();
        for (JsonNode clip : fx.get("clips")) {
            int frames = PasstFrontEnd.frames(clip.get("samples").asInt());
            assertEquals(clip.get("mel_frames").asInt(), frames);
            assertEquals(clip.get("patch_grid").get(0).asInt(), c.freqPatches());
            assertEquals(clip.get("patch_grid").get(1).asInt(), c.timePatches(frames));
        }
    }

    @Test
    void fromJson_unknownKey_failsNamingIt(@TempDir Path dir) throws IOException {
        ObjectNode n = fixtureJson();
        n.put("drop_rate", 0.1);
        String m = rejected(dir, n);
        assertTrue(m.contains("drop_rate") && m.contains("config.json"), m);
    }

    @Test
    void fromJson_otherFrontEndOrFlags_fail(@TempDir Path dir) throws IOException {
        ObjectNode n = fixtureJson();
        n.put("hopsize", PasstFrontEnd.HOP_LENGTH * 2);
        assertTrue(rejected(dir, n).contains("hopsize"));
        n = fixtureJson();
        n.put("distilled", false);
        assertTrue(rejected(dir, n).contains("distilled"));
    }

    @Test
    void fromJson_missingKey_failsNamingIt(@TempDir Path dir) throws IOException {
        ObjectNode n = fixtureJson();
        n.remove("num_heads");
        assertTrue(rejected(dir, n).contains("num_heads"));
    }

    @Test
    void constructor_invalidSizes_fail() {
        PasstConfig f = PasstConfig.full();
        String m = assertThrows(
                        ConfigException.class,
                        () -> new PasstConfig(
                                f.embedDim(),
                                f.depth(),
                                f.embedDim() + 1,
                                f.mlpRatio(),
                                f.numClasses(),
                                f.imgFreq(),
                                f.imgTime(),
                                f.patchSize(),
                                f.strideFreq(),
                                f.strideTime()))
                .getMessage();
        assertTrue(m.contains("divisible"), m);
        m = assertThrows(
                        ConfigException.class,
                        () -> new PasstConfig(
                                f.embedDim(),
                                f.depth(),
                                f.numHeads(),
                                f.mlpRatio(),
                                f.numClasses(),
                                f.imgFreq() * 2,
                                f.imgTime(),
                                f.patchSize(),
                                f.strideFreq(),
                                f.strideTime()))
                .getMessage();
        assertTrue(m.contains("freq_new_pos_embed"), m);
    }
}
