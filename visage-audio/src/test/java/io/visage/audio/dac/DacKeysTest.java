package io.visage.audio.dac;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.module.StateDicts;
import io.visage.nn.testing.Fixtures;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The full-size 44.1 kHz tree built with random init has exactly the reference's state-dict names, order and shapes. */
class DacKeysTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode keys() throws IOException {
        return JSON.readTree(Fixtures.file("keys", "dac-44khz-keys.json").toFile());
    }

    @Test
    void dac44k_equalsConstructorKwargsOfKeyFile() throws IOException {
        JsonNode k = keys();
        Map<String, Object> kwargs =
                JSON.convertValue(k.get("constructor_kwargs"), new TypeReference<Map<String, Object>>() {});
        DacConfig c = DacConfig.fromKwargs(kwargs, "dac-44khz-keys.json");
        assertEquals(DacConfig.dac44k(), c);
        assertEquals(k.get("hop_length").asInt(), c.hopLength());
    }

    @Test
    void randomFullSizeTree_namesOrderAndShapesEqualKeyFile() throws IOException {
        JsonNode k = keys();
        Map<String, Object> kwargs =
                JSON.convertValue(k.get("constructor_kwargs"), new TypeReference<Map<String, Object>>() {});
        Dac dac = Dac.random(DacConfig.fromKwargs(kwargs, "dac-44khz-keys.json"), 7);
        List<String> expected = new ArrayList<>();
        for (JsonNode t : k.get("tensors")) {
            expected.add(t.get("name").asText() + " " + t.get("shape"));
        }
        List<String> actual = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : dac.stateDict().entrySet()) {
            actual.add(e.getKey() + " " + Arrays.toString(e.getValue().shape()).replace(" ", ""));
        }
        assertEquals(String.join("\n", expected), String.join("\n", actual));
        assertEquals(k.get("n_tensors").asInt(), actual.size());
        assertEquals(k.get("n_values").asLong(), StateDicts.parameterCount(dac));
    }
}
