package io.visage.audio.dac;

import io.visage.nn.ConfigException;
import io.visage.nn.StateDictMismatchException;
import io.visage.nn.io.Safetensors;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorInfo;
import io.visage.nn.io.TensorSource;
import io.visage.nn.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Strict loading: wrong files fail with the keys named. */
class DacLoadTest {
    private static DacConfig tiny() {
        return DacConfig.fromJson(Fixtures.file("dac-tiny", "config.json"));
    }

    @Test
    void load_wrongModelFile_throwsStateDictMismatchNamingKeys() {
        StateDictMismatchException e = assertThrows(
                StateDictMismatchException.class,
                () -> Dac.load(Fixtures.file("visage-tiny", "weights.safetensors"), tiny()));
        assertTrue(e.missing().contains("encoder.block.0.weight_v"), e.getMessage());
        assertFalse(e.unexpected().isEmpty());
        assertTrue(e.getMessage().contains("encoder.block.0.weight_v"), e.getMessage());
    }

    @Test
    void load_checkpointMissingLastQuantizer_namesItsKeys(@TempDir Path dir) {
        DacConfig c = tiny();
        String prefix = "quantizer.quantizers." + (c.nCodebooks() - 1) + ".";
        Path f = dir.resolve("cut.safetensors");
        Map<String, INDArray> kept = new LinkedHashMap<>();
        try (TensorSource src = TensorFiles.open(Fixtures.file("dac-tiny", "weights.safetensors"))) {
            for (TensorInfo t : src.tensors()) {
                if (!t.name().startsWith(prefix)) {
                    kept.put(t.name(), src.load(t.name()));
                }
            }
        }
        Safetensors.write(f, kept, Map.of());
        StateDictMismatchException e = assertThrows(StateDictMismatchException.class, () -> Dac.load(f, c));
        assertTrue(e.missing().contains(prefix + "codebook.weight"), e.getMessage());
        assertTrue(e.unexpected().isEmpty(), e.getMessage());
    }

    @Test
    void load_fewerCodebooksInConfigThanFile_reportsUnexpectedKeys() {
        DacConfig c = tiny();
        DacConfig fewer = c.toBuilder()
                .codebookDims(c.codebookDims().subList(0, c.nCodebooks() - 1))
                .build();
        StateDictMismatchException e = assertThrows(
                StateDictMismatchException.class,
                () -> Dac.load(Fixtures.file("dac-tiny", "weights.safetensors"), fewer));
        assertTrue(
                e.unexpected().contains("quantizer.quantizers." + (c.nCodebooks() - 1) + ".codebook.weight"),
                e.getMessage());
    }

    @Test
    void load_safetensorsWithoutConfigBeside_throwsConfigException(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("weights.safetensors");
        Files.copy(Fixtures.file("dac-tiny", "weights.safetensors"), f);
        ConfigException e = assertThrows(ConfigException.class, () -> Dac.load(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("config.json"), e.getMessage());
    }
}
