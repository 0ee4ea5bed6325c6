package io.visage.nn.module;

import io.visage.nn.StateDictMismatchException;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.io.Safetensors;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorSource;
import io.visage.nn.transformer.BartDecoderLayer;
import io.visage.nn.transformer.LayerConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoadedParamsTest {
    private static final LayerConfig CFG =
            LayerConfig.builder(8, 2, 16).dropout(0.1).initStd(0.2).build();

    private static Map<String, INDArray> arrays(Module m) {
        return StateDicts.arrays(m.stateDict());
    }

    @Test
    void saveThenLoad_roundTripsEveryTensorExactly_inStateDictOrder(@TempDir Path dir) {
        BartDecoderLayer original;
        try (RandomParams p = new RandomParams(1)) {
            original = BartDecoderLayer.create(p, "", CFG);
        }
        Path file = dir.resolve("layer.safetensors");
        Safetensors.write(file, arrays(original), Map.of("format", "pt"));
        try (TensorSource src = TensorFiles.open(file)) {
            LoadedParams lp = new LoadedParams(src);
            BartDecoderLayer loaded = BartDecoderLayer.create(lp, "", CFG);
            lp.verify();
            assertEquals(
                    List.copyOf(original.stateDict().keySet()),
                    List.copyOf(loaded.stateDict().keySet()));
            original.stateDict()
                    .forEach((k, v) ->
                            assertEquals(v.value(), loaded.stateDict().get(k).value(), k));
            assertEquals(
                    List.copyOf(original.stateDict().keySet()),
                    src.tensors().stream().map(t -> t.name()).toList(),
                    "file order = state-dict order");
        }
    }

    @Test
    void strictLoading_listsMissingUnexpectedAndWrongShapeKeys_together(@TempDir Path dir) {
        BartDecoderLayer original;
        try (RandomParams p = new RandomParams(2)) {
            original = BartDecoderLayer.create(p, "", CFG);
        }
        Map<String, INDArray> sd = new LinkedHashMap<>(arrays(original));
        sd.remove("fc2.bias");
        sd.put("fc1.weight", Nd4j.zeros(DataType.FLOAT, 16, 9));
        sd.put("embed_spatial.weight", Nd4j.zeros(DataType.FLOAT, 4, 8));
        Path file = dir.resolve("bad.safetensors");
        Safetensors.write(file, sd, null);
        try (TensorSource src = TensorFiles.open(file)) {
            LoadedParams lp = new LoadedParams(src);
            BartDecoderLayer.create(lp, "", CFG);
            StateDictMismatchException e = assertThrows(StateDictMismatchException.class, lp::verify);
            assertEquals(List.of("fc2.bias"), e.missing());
            assertEquals(List.of("embed_spatial.weight"), e.unexpected());
            assertEquals(List.of("fc1.weight: expected [16, 8] found [16, 9]"), e.shapeMismatches());
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        }
        try (TensorSource src = TensorFiles.open(file)) {
            LoadedParams allowed = new LoadedParams(src, DataType.FLOAT, k -> k, Set.of("embed_spatial.weight"));
            BartDecoderLayer.create(allowed, "", CFG);
            StateDictMismatchException e = assertThrows(StateDictMismatchException.class, allowed::verify);
            assertTrue(e.unexpected().isEmpty(), "an explicitly ignored key is not reported");
        }
    }

    @Test
    void keyMap_readsPrefixedCheckpointNames_andConvertsDtype(@TempDir Path dir) {
        Map<String, INDArray> sd = new LinkedHashMap<>();
        sd.put("visual.ln.weight", Nd4j.createFromArray(1.0, 2.0));
        sd.put("visual.ln.bias", Nd4j.createFromArray(0.5, 0.25));
        Path file = dir.resolve("f64.safetensors");
        Safetensors.write(file, sd, null);
        try (TensorSource src = TensorFiles.open(file)) {
            LoadedParams lp = new LoadedParams(src, DataType.FLOAT, k -> "visual." + k, Set.of());
            Tensor w = lp.take("ln.weight", Init.ones(), 2);
            Tensor b = lp.take("ln.bias", Init.zeros(), 2);
            lp.verify();
            assertEquals(DataType.FLOAT, w.dataType());
            assertEquals(2.0, w.value().getDouble(1), 0.0);
            assertEquals(0.25, b.value().getDouble(1), 0.0);
        }
    }
}
