package io.visage.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.module.Params;
import io.visage.nn.testing.Fixtures;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The full-size ambisonics tree built from the released {@code config.json} has exactly the
 * names, order and shapes of the reference's {@code state_dict()} ({@code keys/visage-keys.json}).
 */
class FullSizeModelKeysTest {

    @Test
    void fullSizeTree_namesOrderAndShapes_equalReferenceKeys() throws IOException {
        JsonNode keys = new ObjectMapper()
                .readTree(Fixtures.file("keys", "visage-keys.json").toFile());
        VisageConfig cfg = VisageConfig.fromJson(keys.get("config_json"));
        List<String> requested = new ArrayList<>();
        // zero-filled parameters: the tree's structure is under test, not its init
        Params p = (key, init, shape) -> {
            requested.add(key + " " + Arrays.toString(shape));
            return Tensor.parameter(Nd4j.create(DataType.FLOAT, shape));
        };
        Visage m = Visage.create(p, cfg, ModelKind.AMBISONICS);
        List<String> expected = new ArrayList<>();
        long values = 0;
        for (JsonNode t : keys.get("tensors")) {
            long[] shape = new long[t.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.get("shape").get(i).asLong();
            }
            expected.add(t.get("name").asText() + " " + Arrays.toString(shape));
        }
        List<String> built = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : m.stateDict().entrySet()) {
            built.add(e.getKey() + " " + Arrays.toString(e.getValue().shape()));
            values += e.getValue().value().length();
        }
        assertEquals(String.join("\n", expected), String.join("\n", built));
        assertEquals(String.join("\n", expected), String.join("\n", requested), "build order = state-dict order");
        assertEquals(keys.get("n_values").asLong(), values);
    }
}
