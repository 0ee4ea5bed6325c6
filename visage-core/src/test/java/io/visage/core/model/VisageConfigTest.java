package io.visage.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visage.nn.ConfigException;
import io.visage.nn.testing.Fixtures;
import java.io.IOException;
import java.util.Iterator;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VisageConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode keys() throws IOException {
        return JSON.readTree(Fixtures.file("keys", "visage-keys.json").toFile());
    }

    @Test
    void releasedConfig_withBartDefaults_givesTheEffectiveReferenceValues() throws IOException {
        JsonNode k = keys();
        VisageConfig c = VisageConfig.fromJson(k.get("config_json"));
        JsonNode eff = k.get("effective");
        assertEquals(eff.get("d_model").asInt(), c.dModel());
        assertEquals(eff.get("encoder_layers").asInt(), c.encoderLayers());
        assertEquals(eff.get("decoder_layers").asInt(), c.decoderLayers());
        assertEquals(eff.get("encoder_attention_heads").asInt(), c.encoderAttentionHeads());
        assertEquals(eff.get("decoder_attention_heads").asInt(), c.decoderAttentionHeads());
        assertEquals(eff.get("encoder_ffn_dim").asInt(), c.encoderFfnDim());
        assertEquals(eff.get("decoder_ffn_dim").asInt(), c.decoderFfnDim());
        assertEquals(eff.get("dac_frame_rate").asInt(), c.dacFrameRate());
        assertEquals(eff.get("dac_downsample_rate").asInt(), c.dacDownsampleRate());
        for (Iterator<String> it = k.get("config_json").fieldNames(); it.hasNext(); ) {
            String key = it.next();
            assertTrue(VisageConfig.MODEL_KEYS.contains(key), key + " must be read by the model");
        }
    }

    @Test
    void toJson_roundTrips_theReleasedAndTheFixtureConfigs_withModelKeysOnly() throws IOException {
        VisageConfig released = VisageConfig.fromJson(keys().get("config_json"));
        VisageConfig tiny = VisageConfig.fromJson(
                JSON.readTree(Fixtures.file("visage-tiny", "config.json").toFile()));
        for (VisageConfig c : new VisageConfig[] {released, tiny, VisageConfig.released()}) {
            ObjectNode j = c.toJson();
            assertEquals(c, VisageConfig.fromJson(j), j.toString());
            for (Iterator<String> it = j.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                assertTrue(VisageConfig.MODEL_KEYS.contains(key), key + " must be a key the model reads");
            }
        }
        assertEquals(VisageConfig.released(), released, "released() is the reference's config.json");
    }

    @Test
    void fixtureConfig_everyKeyKnown_andDerivedValuesConsistent() throws IOException {
        JsonNode j = JSON.readTree(Fixtures.file("visage-tiny", "config.json").toFile());
        VisageConfig c = VisageConfig.fromJson(j);
        assertEquals(j.get("d_model").asInt(), c.dModel());
        assertEquals(j.get("dac_frame_rate").asInt(), c.dacFrameRate());
        int v = j.get("dac_vocab_size").asInt();
        assertEquals((v + 1 + 63) / 64 * 64, c.embeddingRows());
        assertEquals(4 * j.get("num_rvq").asInt(), c.numCodebooks(ModelKind.AMBISONICS));
        assertEquals(j.get("num_rvq").asInt(), c.numCodebooks(ModelKind.MONO));
    }

    @Test
    void derivedRates_followTheSampleRateRule() {
        ObjectNode n = JSON.createObjectNode().put("dac_sample_rate", 16000);
        VisageConfig c = VisageConfig.fromJson(n);
        assertEquals(50, c.dacFrameRate());
        assertEquals(320, c.dacDownsampleRate());
    }

    @Test
    void unknownKey_isRejectedWithItsName() {
        ObjectNode n = JSON.createObjectNode().put("d_modle", 64);
        ConfigException e = assertThrows(ConfigException.class, () -> VisageConfig.fromJson(n));
        assertTrue(e.getMessage().contains("d_modle"), e.getMessage());
    }

    @Test
    void wrongType_isRejectedWithKeyAndValue() {
        ObjectNode n = JSON.createObjectNode().put("encoder_layers", "six");
        ConfigException e = assertThrows(ConfigException.class, () -> VisageConfig.fromJson(n));
        assertTrue(e.getMessage().contains("encoder_layers") && e.getMessage().contains("six"), e.getMessage());
    }

    @Test
    void contradictoryDerivedRate_isRejected() {
        ObjectNode n = JSON.createObjectNode().put("dac_sample_rate", 44100).put("dac_frame_rate", 50);
        ConfigException e = assertThrows(ConfigException.class, () -> VisageConfig.fromJson(n));
        assertTrue(e.getMessage().contains("dac_frame_rate 50"), e.getMessage());
    }

    @Test
    void unsupportedTrainingOption_isRejectedWithReason() {
        ObjectNode n = JSON.createObjectNode().put("label_smoothing", 0.1);
        ConfigException e = assertThrows(ConfigException.class, () -> VisageConfig.fromJson(n));
        assertTrue(e.getMessage().contains("label_smoothing"), e.getMessage());
    }

    @Test
    void headsNotDividingWidth_isRejected() {
        ObjectNode n = JSON.createObjectNode().put("d_model", 100).put("encoder_attention_heads", 16);
        ConfigException e = assertThrows(ConfigException.class, () -> VisageConfig.fromJson(n));
        assertTrue(e.getMessage().contains("d_model 100"), e.getMessage());
    }

    @Test
    void builder_startsFromTheClassDefaults_roundTripsAndValidates() throws IOException {
        assertEquals(
                VisageConfig.fromJson(JSON.createObjectNode()),
                VisageConfig.builder().build());
        VisageConfig fixture = VisageConfig.read(Fixtures.file("visage-tiny", "config.json"));
        assertEquals(fixture, fixture.toBuilder().build());
        assertEquals(fixture.hashCode(), fixture.toBuilder().build().hashCode());
        VisageConfig wider = fixture.toBuilder().dModel(fixture.dModel() * 2).build();
        assertEquals(fixture.dModel() * 2, wider.dModel());
        assertEquals(fixture.decoderLayers(), wider.decoderLayers());
        assertTrue(!wider.equals(fixture), "a changed value changes equality");
        assertTrue(wider.toString().contains("d_model=" + wider.dModel()), wider.toString());
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> VisageConfig.builder()
                        .dModel(100)
                        .encoderAttentionHeads(3)
                        .build());
        assertTrue(e.getMessage().contains("encoder_attention_heads"), e.getMessage());
    }

    @Test
    void released_equalsTheReleasedConfigJson() throws IOException {
        assertEquals(VisageConfig.fromJson(keys().get("config_json")), VisageConfig.released());
    }
}
