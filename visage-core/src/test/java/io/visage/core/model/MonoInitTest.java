package io.visage.core.model;

import io.visage.nn.StateDictMismatchException;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.io.Safetensors;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorSource;
import io.visage.nn.testing.TensorAssert;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mono (9-stream) model and the reference's mono → ambisonics initialisation. */
class MonoInitTest {

    private static Path save(Visage m, Path file) {
        Map<String, INDArray> sd = new LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> sd.put(k, v.value()));
        Safetensors.write(file, sd, Map.of());
        return file;
    }

    @Test
    void fromMono_copiesMatchingTensors_andWTablesAndHeadsIntoYZX() {
        VisageConfig cfg = TinyModels.config(16, 3, 12, 0.3);
        Visage mono = Visage.random(cfg, ModelKind.MONO, 61, DataType.FLOAT);
        assertEquals(cfg.numRvq(), mono.codebooks());
        assertFalse(mono.stateDict().containsKey("dir_null_embedding"));
        assertFalse(mono.stateDict().keySet().stream().anyMatch(k -> k.contains("direction_embedding")));
        Visage ambi;
        try (TensorSource src = TensorFiles.open(save(mono, tmp.resolve("mono.safetensors")))) {
            ambi = Visage.fromMono(src, cfg, 62, DataType.FLOAT);
        }
        Map<String, Tensor> a = ambi.stateDict();
        Map<String, Tensor> m = mono.stateDict();
        for (String k : m.keySet()) {
            TensorAssert.assertClose(k, m.get(k).value(), a.get(k).value(), 0, 0);
        }
        int l = cfg.numRvq();
        for (int j = l; j < ambi.codebooks(); j++) {
            TensorAssert.assertClose(
                    "dac_heads." + j,
                    m.get("dac_heads." + (j % l) + ".weight").value(),
                    ambi.head(j).weight().value(),
                    0,
                    0);
            TensorAssert.assertClose(
                    "embed_dac." + j,
                    m.get("model.decoder.embed_dac." + (j % l) + ".weight").value(),
                    ambi.decoder().embedDac().get(j).weight().value(),
                    0,
                    0);
        }
        assertTrue(
                a.get("model.encoder.direction_embedding.0.weight")
                                .value()
                                .norm2Number()
                                .doubleValue()
                        > 0,
                "new modules start from fresh init");
    }

    @Test
    void loadingMonoWeightsAsAmbisonics_listsTheMissingTensors() {
        VisageConfig cfg = TinyModels.config(16, 3, 12, 0.3);
        Path f = save(Visage.random(cfg, ModelKind.MONO, 61, DataType.FLOAT), tmp.resolve("mono2.safetensors"));
        StateDictMismatchException e = assertThrows(
                StateDictMismatchException.class, () -> Visage.load(f, cfg, ModelKind.AMBISONICS, DataType.FLOAT));
        assertTrue(
                e.getMessage().contains("dir_null_embedding") && e.getMessage().contains("dac_heads." + cfg.numRvq()),
                e.getMessage());
    }

    @TempDir
    Path tmp;
}
