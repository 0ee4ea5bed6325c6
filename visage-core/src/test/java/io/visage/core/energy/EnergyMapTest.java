package io.visage.core.energy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.nn.ShapeMismatchException;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorSource;
import io.visage.nn.testing.Fixtures;
import io.visage.nn.testing.TensorAssert;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnergyMapTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EnergyMapConfig fixtureConfig() throws IOException {
        JsonNode c = JSON.readTree(Fixtures.file("energy-map", "config.json").toFile());
        return new EnergyMapConfig(
                c.get("height").asInt(),
                c.get("width").asInt(),
                c.get("temperature").asDouble(),
                c.get("top_p").asDouble(),
                c.get("final_temperature").asDouble());
    }

    private static List<String> cases() throws IOException {
        JsonNode f = JSON.readTree(Fixtures.file("energy-map", "fixture.json").toFile());
        List<String> names = new ArrayList<>();
        f.get("cases").fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void compute_everyIntermediate_matchesReferenceForAllCases() throws IOException {
        EnergyMapConfig config = fixtureConfig();
        List<String> cases = cases();
        assertFalse(cases.isEmpty(), "fixture.json lists no cases");
        try (TensorSource io = TensorFiles.open(Fixtures.file("energy-map", "io.safetensors"))) {
            for (String k : cases) {
                EnergyMap m = EnergyMap.compute(io.load(k + ".features"), config);
                check(io, k + ".spatial_score", m.spatialScore());
                check(io, k + ".temporal_score", m.temporalScore());
                check(io, k + ".energy_map", m.energyMap());
                check(io, k + ".filtered_spatial_score", m.filteredSpatialScore());
                check(io, k + ".filtered_temporal_score", m.filteredTemporalScore());
                check(io, k + ".final_energy_map", m.finalEnergyMap());
                long[] removed = new long[m.removed().length];
                for (int i = 0; i < removed.length; i++) {
                    removed[i] = m.removed()[i] ? 1 : 0;
                }
                TensorAssert.assertExact(k + ".removed", io.shape(k + ".removed"), io.longs(k + ".removed"), removed);
            }
        }
    }

    private static void check(TensorSource io, String name, float[] actual) {
        float[] expected = io.floats(name);
        long[] shape = io.shape(name);
        for (int i = 0; i < expected.length; i++) {
            if (Float.isInfinite(expected[i]) || Float.isInfinite(actual[i])) {
                assertEquals(expected[i], actual[i], name + " at flat index " + i + " (-inf marks a removed patch)");
                expected[i] = 0;
                actual[i] = 0;
            }
        }
        TensorAssert.assertClose(name, shape, expected, actual, 1e-4, 1e-5);
    }

    private static float[] randomTokens(long seed, int frames, int tokens, int channels) {
        Random r = new Random(seed);
        float[] x = new float[frames * tokens * channels];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    @Test
    void finalMap_rowsSumToOne_andRemovedPatchesAreZero() {
        EnergyMapConfig cfg = EnergyMapConfig.VISAGE;
        for (int frames = 1; frames <= 5; frames++) {
            long seed = 100 + frames;
            EnergyMap m = EnergyMap.compute(
                    randomTokens(seed, frames, 1 + cfg.patches(), 11), frames, 1 + cfg.patches(), 11, cfg);
            for (int t = 0; t < frames; t++) {
                double sum = 0;
                int kept = 0;
                for (int i = 0; i < cfg.patches(); i++) {
                    float v = m.finalEnergyMap()[t * cfg.patches() + i];
                    sum += v;
                    if (m.removed()[t * cfg.patches() + i]) {
                        assertEquals(0f, v, "seed " + seed + " removed patch " + i);
                    } else {
                        assertTrue(v > 0, "seed " + seed + " kept patch " + i);
                        kept++;
                    }
                }
                assertEquals(1.0, sum, 1e-5, "seed " + seed + " frame " + t);
                assertTrue(kept >= 1, "top-p keeps at least one patch");
            }
        }
    }

    @Test
    void compute_singleFrame_temporalScoreIsOne() {
        EnergyMapConfig cfg = EnergyMapConfig.VISAGE;
        EnergyMap m = EnergyMap.compute(randomTokens(7, 1, 1 + cfg.patches(), 5), 1, 1 + cfg.patches(), 5, cfg);
        for (float s : m.temporalScore()) {
            assertEquals(1f, s, 1e-6f);
        }
    }

    @Test
    void compute_ignoresClassToken_andGlobalScale() {
        EnergyMapConfig cfg = EnergyMapConfig.VISAGE;
        int tokens = 1 + cfg.patches();
        int c = 6;
        float[] x = randomTokens(11, 3, tokens, c);
        EnergyMap a = EnergyMap.compute(x, 3, tokens, c, cfg);
        float[] y = x.clone();
        for (int i = 0; i < y.length; i++) {
            y[i] *= 3.5f;
        }
        for (int t = 0; t < 3; t++) {
            for (int k = 0; k < c; k++) {
                y[t * tokens * c + k] = 1000f; // class token
            }
        }
        EnergyMap b = EnergyMap.compute(y, 3, tokens, c, cfg);
        TensorAssert.assertClose(
                "final map, scaled + class token changed",
                new long[] {3, cfg.patches()},
                a.finalEnergyMap(),
                b.finalEnergyMap(),
                1e-4,
                1e-6);
    }

    @Test
    void compute_wrongTokenCount_throwsWithShapes() {
        ShapeMismatchException e = assertThrows(
                ShapeMismatchException.class, () -> EnergyMap.compute(Nd4j.zeros(2, 49, 8), EnergyMapConfig.VISAGE));
        assertTrue(e.getMessage().contains("[2, 50, 8]") && e.getMessage().contains("[2, 49, 8]"), e.getMessage());
        e = assertThrows(
                ShapeMismatchException.class, () -> EnergyMap.compute(Nd4j.zeros(50, 8), EnergyMapConfig.VISAGE));
        assertTrue(e.getMessage().contains("rank 3"), e.getMessage());
    }

    @Test
    void config_invalidTopP_throws() {
        Exception e = assertThrows(io.visage.nn.ConfigException.class, () -> new EnergyMapConfig(7, 7, 0.1, 1.5, 0.1));
        assertTrue(e.getMessage().contains("top_p") && e.getMessage().contains("1.5"), e.getMessage());
    }
}
