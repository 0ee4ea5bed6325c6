package io.visage.nn.transformer;

import io.visage.nn.ConfigException;
import io.visage.nn.layers.Activation;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayerConfigTest {

    @Test
    void builder_startsFromBartDefaults() {
        LayerConfig c = LayerConfig.builder(64, 4, 256).build();
        assertEquals(Activation.GELU_EXACT, c.activation());
        assertEquals(1e-5, c.layerNormEps());
        assertEquals(0.0, c.dropout());
        assertEquals(0.0, c.attentionDropout());
        assertEquals(0.0, c.activationDropout());
        assertEquals(0.02, c.initStd());
        assertEquals(16, c.headDim());
    }

    @Test
    void toBuilder_roundTripsEveryValue() {
        LayerConfig c = LayerConfig.builder(24, 3, 40)
                .activation(Activation.RELU)
                .layerNormEps(1e-6)
                .dropout(0.2)
                .attentionDropout(0.1)
                .activationDropout(0.05)
                .initStd(0.3)
                .build();
        assertEquals(c, c.toBuilder().build());
        assertEquals(c.hashCode(), c.toBuilder().build().hashCode());
        assertNotEquals(c, c.toBuilder().attentionDropout(0.15).build());
    }

    @Test
    void invalidValues_nameTheKey() {
        ConfigException heads = assertThrows(
                ConfigException.class, () -> LayerConfig.builder(10, 3, 4).build());
        assertTrue(heads.getMessage().contains("divisible"), heads.getMessage());
        ConfigException drop = assertThrows(
                ConfigException.class,
                () -> LayerConfig.builder(8, 2, 4).attentionDropout(1.0).build());
        assertTrue(drop.getMessage().startsWith("attention_dropout"), drop.getMessage());
        assertThrows(ConfigException.class, () -> LayerConfig.builder(8, 2, 0).build());
        assertThrows(
                ConfigException.class,
                () -> LayerConfig.builder(8, 2, 4).layerNormEps(0).build());
    }
}
