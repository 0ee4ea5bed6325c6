package io.visage.eval.semantic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.eval.report.EvaluationProgress;
import io.visage.eval.semantic.passt.Passt;
import io.visage.eval.semantic.passt.PasstConfig;
import io.visage.eval.semantic.vggish.VggishConfig;
import io.visage.eval.semantic.vggish.VggishWeights;
import io.visage.eval.spatial.MapIndex;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorSource;
import io.visage.nn.testing.FixtureTolerances;
import io.visage.nn.testing.Fixtures;
import io.visage.nn.testing.TensorAssert;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code semantic-eval}: the whole semantic evaluation on the fixture folders with the tiny VGGish and
 * PaSST of {@code vggish-tiny} / {@code passt-tiny} equals what evaluate_semantic.py computed.
 */
class SemanticEvaluationFixtureTest {
    private static final String SET = "semantic-eval";
    private static SemanticReport report;
    private static FixtureTolerances tol;

    static Map<String, MapIndex> directions(Path ambiJson) throws IOException {
        JsonNode root = new ObjectMapper().readTree(ambiJson.toFile());
        Map<String, MapIndex> m = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(
                    e.getKey(),
                    new MapIndex(
                            e.getValue().get(0).asInt(), e.getValue().get(1).asInt()));
        }
        return m;
    }

    static SemanticEvaluation.Models fixtureModels() {
        Path v = Fixtures.set("vggish-tiny");
        Path p = Fixtures.set("passt-tiny");
        return new SemanticEvaluation.Models(
                VggishWeights.load(
                        v.resolve("weights.safetensors"), null, VggishConfig.fromJson(v.resolve("config.json"))),
                Passt.load(p.resolve("weights.safetensors"), PasstConfig.fromJson(p.resolve("config.json"))));
    }

    @BeforeAll
    static void run() throws IOException {
        Path set = Fixtures.set(SET);
        JsonNode cfg = new ObjectMapper().readTree(set.resolve("config.json").toFile());
        report = SemanticEvaluation.evaluate(
                set.resolve("generated"),
                set.resolve("groundtruth"),
                directions(set.resolve("ambi.json")),
                fixtureModels(),
                new SemanticEvaluation.Options(
                        cfg.get("sample_rate").asInt(),
                        io.visage.audio.foa.ReferenceMonoDecode.Variant.OPERATOR_PRECEDENCE_BUG,
                        2),
                EvaluationProgress.NONE);
        tol = FixtureTolerances.forSet(SET);
    }

    private static void assertScalar(TensorSource s, String name, double actual) {
        double expected = s.doubles(name)[0];
        assertEquals(expected, actual, tol.atol(name) + tol.rtol(name) * Math.abs(expected), name);
    }

    @Test
    void everySubset_fadAndKl_equalReference() {
        try (TensorSource s = TensorFiles.open(Fixtures.file(SET, "io.safetensors"))) {
            for (String sub : SemanticEvaluation.SUBSETS) {
                SemanticReport.Scores sc = report.of(sub);
                assertScalar(s, sub + ".fad", sc.fad());
                assertScalar(s, sub + ".kld_softmax", sc.kldSoftmax());
                assertScalar(s, sub + ".kld_sigmoid", sc.kldSigmoid());
                assertEquals(s.shape(sub + ".generated_embeddings")[0], sc.generatedRows(), sub + " generated rows");
                assertEquals(s.shape(sub + ".groundtruth_embeddings")[0], sc.groundTruthRows(), sub + " truth rows");
            }
            assertScalar(s, "fad_mean", report.fadMean());
            assertScalar(s, "kld_mean", report.kldMean());
        }
    }

    @Test
    void resultJson_equalsReferenceResultJson() throws IOException {
        JsonNode expected =
                new ObjectMapper().readTree(Fixtures.file(SET, "result.json").toFile());
        JsonNode actual = report.toJson().get("result");
        for (String sub : SemanticEvaluation.SUBSETS) {
            // 4-decimal strings: equal unless the value sits on a rounding edge, so compare as numbers
            assertEquals(
                    expected.get(sub).get("fad").asDouble(),
                    actual.get(sub).get("fad").asDouble(),
                    2e-4 + 1e-3 * Math.abs(expected.get(sub).get("fad").asDouble()),
                    sub + ".fad");
            assertEquals(
                    expected.get(sub).get("kld").asDouble(),
                    actual.get(sub).get("kld").asDouble(),
                    2e-4,
                    sub + ".kld");
        }
    }

    @Test
    void generatedMonoDecode_equalsScript() {
        Path set = Fixtures.set(SET);
        try (TensorSource s = TensorFiles.open(Fixtures.file(SET, "io.safetensors"))) {
            Map<String, MapIndex> dirs = directions(set.resolve("ambi.json"));
            List<String> names = new ArrayList<>();
            s.tensors().forEach(t -> {
                if (t.name().startsWith("monodecode.generated.")) {
                    names.add(t.name());
                }
            });
            for (String name : names) {
                String id = name.substring("monodecode.generated.".length());
                io.visage.audio.io.AudioBuffer a =
                        io.visage.audio.io.Wav.read(set.resolve("generated").resolve(id + ".wav"));
                float[] mono = SemanticEvaluation.signals(
                                a.channels(),
                                a.sampleRate(),
                                dirs.get(id),
                                io.visage.audio.foa.ReferenceMonoDecode.Variant.OPERATOR_PRECEDENCE_BUG)
                        .get("monodecode");
                TensorAssert.assertClose(name, s.shape(name), s.floats(name), mono, tol.rtol(name), tol.atol(name));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
