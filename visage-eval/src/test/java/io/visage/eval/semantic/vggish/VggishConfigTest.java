package io.visage.eval.semantic.vggish;

import io.visage.nn.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VggishConfigTest {
    private static final int M = VggishConfig.MAX_POOL;

    @Test
    void fixtureConfig_readsLayersAndDerivedSizes() {
        VggishConfig c = VggishFixture.config();
        int last = 0;
        int pools = 0;
        for (int v : c.layers()) {
            last = v == M ? last : v;
            pools += v == M ? 1 : 0;
        }
        assertEquals(VggishConfig.POOLS, pools);
        assertEquals(last, c.featureChannels());
        assertEquals(last * VggishConfig.FEATURE_HEIGHT * VggishConfig.FEATURE_WIDTH, c.flattenedFeatures());
        assertEquals(VggishFrontEnd.EXAMPLE_FRAMES, VggishConfig.FEATURE_HEIGHT << VggishConfig.POOLS);
        assertEquals(VggishFrontEnd.MEL_BANDS, VggishConfig.FEATURE_WIDTH << VggishConfig.POOLS);
    }

    @Test
    void full_isTheReleasedModel() {
        VggishConfig f = VggishConfig.full();
        assertEquals(List.of(64, M, 128, M, 256, 256, M, 512, 512, M), f.layers());
        assertEquals(12288, f.flattenedFeatures());
        assertEquals(List.of(0, 2, 3, 5, 6, 8, 10, 11, 13, 15), f.featureIndices());
    }

    @Test
    void invalidPlans_throwNamingTheProblem() {
        var pools = assertThrows(ConfigException.class, () -> new VggishConfig(List.of(8, M, 8, M, 8, M), 4, 4));
        assertTrue(pools.getMessage().contains("3 max pools"), pools.getMessage());
        var neg = assertThrows(ConfigException.class, () -> new VggishConfig(List.of(8, -1, M, M, M, M), 4, 4));
        assertTrue(neg.getMessage().contains("layers[1]"), neg.getMessage());
        var noConv = assertThrows(ConfigException.class, () -> new VggishConfig(List.of(M, M, M, M), 4, 4));
        assertTrue(noConv.getMessage().contains("no convolution"), noConv.getMessage());
        var hidden = assertThrows(ConfigException.class, () -> new VggishConfig(List.of(8, M, M, M, M), 0, 4));
        assertTrue(hidden.getMessage().contains("hidden"), hidden.getMessage());
    }

    @Test
    void badJson_throwsNamingFileAndKey(@TempDir Path dir) throws IOException {
        Path unknown = Files.writeString(
                dir.resolve("a.json"),
                "{\"layers\": [8, \"M\", 8, \"M\", 8, \"M\", 8, \"M\"], \"hidden\": 4, \"embedding\": 4, \"x\": 1}");
        var u = assertThrows(ConfigException.class, () -> VggishConfig.fromJson(unknown));
        assertTrue(u.getMessage().contains("a.json") && u.getMessage().contains("'x'"), u.getMessage());
        Path letter = Files.writeString(
                dir.resolve("b.json"),
                "{\"layers\": [8, \"P\", 8, \"M\", 8, \"M\", 8, \"M\"], \"hidden\": 4, \"embedding\": 4}");
        var l = assertThrows(ConfigException.class, () -> VggishConfig.fromJson(letter));
        assertTrue(l.getMessage().contains("layers[1]"), l.getMessage());
        Path frames = Files.writeString(
                dir.resolve("c.json"),
                "{\"layers\": [8, \"M\", 8, \"M\", 8, \"M\", 8, \"M\"], \"hidden\": 4, \"embedding\": 4, \"frames\": 100}");
        var f = assertThrows(ConfigException.class, () -> VggishConfig.fromJson(frames));
        assertTrue(f.getMessage().contains("'frames'"), f.getMessage());
        Path missing =
                Files.writeString(dir.resolve("d.json"), "{\"layers\": [8, \"M\", 8, \"M\", 8, \"M\", 8, \"M\"]}");
        var m = assertThrows(ConfigException.class, () -> VggishConfig.fromJson(missing));
        assertTrue(m.getMessage().contains("'hidden'"), m.getMessage());
    }
}
