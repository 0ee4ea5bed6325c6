package io.visage.core.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.core.model.ModelKind;
import io.visage.core.model.Visage;
import io.visage.core.model.VisageConfig;
import io.visage.core.pattern.TokenGrid;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorSource;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.testing.FixtureTolerances;
import io.visage.nn.testing.Fixtures;
import io.visage.nn.testing.TensorAssert;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Greedy {@code generate_cfg} / {@code generate_dual_cfg} on {@code visage-tiny}: the codes and
 * fed-back rows exactly, and the first steps' per-branch hidden states and logits (teacher-forced
 * with the reference's fed-back ids) within tolerance. Scales, step lists and shapes come from
 * {@code fixture.json} and the tensors.
 */
class GeneratorParityTest {
    private static final String SET = "visage-tiny";
    private static Visage model;
    private static TensorSource io;
    private static JsonNode fixture;
    private static Parallelism par;
    private static FixtureTolerances tol;

    @BeforeAll
    static void load() throws IOException {
        tol = FixtureTolerances.forSet(SET);
        VisageConfig cfg = VisageConfig.read(Fixtures.file(SET, "config.json"));
        model = Visage.load(Fixtures.file(SET, "weights.safetensors"), cfg, ModelKind.AMBISONICS, DataType.FLOAT);
        io = TensorFiles.open(Fixtures.file(SET, "io.safetensors"));
        fixture = new ObjectMapper().readTree(Fixtures.file(SET, "fixture.json").toFile());
        par = new Parallelism(2);
    }

    @AfterAll
    static void close() {
        io.close();
        par.close();
    }

    private static Conditions conditions() {
        return new Conditions(io.load("gen.clip_features"), io.load("gen.energy_map"), io.load("gen.direction"));
    }

    private static Guidance guidance(String prefix) {
        double g = fixture.get("guidance_scale").asDouble();
        return prefix.equals("gen_cfg")
                ? new Guidance.Single(g)
                : new Guidance.Dual(g, fixture.get("spatial_guidance_scale").asDouble());
    }

    /** Fixture stream names in the order of {@link Guidance#branches()}. */
    private static List<String> streams(String prefix) {
        return prefix.equals("gen_cfg") ? List.of("cond", "uncond") : List.of("cond", "semantic", "spatial", "uncond");
    }

    private void checkCodes(String prefix) {
        Generator gen = new Generator(model, par);
        List<Integer> progress = new ArrayList<>();
        Generation out =
                gen.generate(conditions(), guidance(prefix), new Sampler.Greedy(), (done, total) -> progress.add(done));
        assertEquals(TokenGrid.of(io.load(prefix + ".codes")), out.codes(), prefix + ".codes");
        TokenGrid fed = TokenGrid.of(io.load(prefix + ".fed_back_ids"));
        assertEquals(fed, out.rows().rowRange(0, fed.rows()), prefix + ".fed_back_ids");
        assertEquals(fixture.get("generation_steps").asInt(), progress.size());
        assertEquals(progress.size(), progress.get(progress.size() - 1));
    }

    private void checkSteps(String prefix) {
        Generator gen = new Generator(model, par);
        Guidance guidance = guidance(prefix);
        Conditions c = conditions();
        DecodingSession s = gen.start(c, guidance, gen.steps(c.frames()));
        INDArray fed = io.load(prefix + ".fed_back_ids");
        int k = model.codebooks();
        int d = model.config().dModel();
        int v = model.config().dacVocabSize();
        int b = c.batch();
        long[] prev = null;
        int checked = 0;
        for (int step = 0; io.contains(prefix + ".step" + step + ".heads"); step++, checked++) {
            String p = prefix + ".step" + step + ".";
            float[] hidden = s.step(prev);
            long[] heads = io.longs(p + "heads");
            List<String> names = streams(prefix);
            for (int g = 0; g < names.size(); g++) {
                String n = p + names.get(g) + "_decoder_hidden";
                int clips = (int) io.shape(n)[0]; // the reference records [clips, d_model] of this branch
                float[] row = java.util.Arrays.copyOfRange(hidden, g * b * d, (g * b + clips) * d);
                TensorAssert.assertClose(n, io.shape(n), io.floats(n), row, tol.rtol(n), tol.atol(n));
            }
            int[] live = model.pattern().liveHeads(step, model.config().targetFrames(c.frames()));
            assertArrayEquals(
                    heads, java.util.Arrays.stream(live).asLongStream().toArray(), p + "heads");
            // logits are [heads, V] for clip 0, or [clips, heads, V]
            long[] logitShape = io.shape(p + "guided_logits");
            int clips = logitShape.length == 3 ? (int) logitShape[0] : 1;
            List<float[]> perStream = new ArrayList<>();
            for (int g = 0; g < names.size(); g++) {
                perStream.add(new float[clips * heads.length * v]);
            }
            float[] guided = new float[clips * heads.length * v];
            for (int h = 0; h < heads.length; h++) {
                float[] all = s.headLogits((int) heads[h]).clone();
                float[] guidedAll = s.guidedLogits((int) heads[h]);
                for (int i = 0; i < clips; i++) {
                    int at = (i * heads.length + h) * v;
                    for (int g = 0; g < names.size(); g++) {
                        System.arraycopy(all, (g * b + i) * v, perStream.get(g), at, v);
                    }
                    System.arraycopy(guidedAll, i * v, guided, at, v);
                }
            }
            for (int g = 0; g < names.size(); g++) {
                String n = p + names.get(g) + "_logits";
                TensorAssert.assertClose(n, io.shape(n), io.floats(n), perStream.get(g), tol.rtol(n), tol.atol(n));
            }
            TensorAssert.assertClose(
                    p + "guided_logits",
                    logitShape,
                    io.floats(p + "guided_logits"),
                    guided,
                    tol.rtol(p + "guided_logits"),
                    tol.atol(p + "guided_logits"));
            prev = new long[b * k];
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < k; j++) {
                    prev[i * k + j] = fed.getLong(i, step, j);
                }
            }
        }
        assertTrue(checked > 0, "the fixture has no " + prefix + ".step<N>.* tensors: nothing was checked");
    }

    @Test
    void generateCfg_greedy_reproducesReferenceCodesExactly() {
        checkCodes("gen_cfg");
    }

    @Test
    void generateDualCfg_greedy_reproducesReferenceCodesExactly() {
        checkCodes("gen_dual");
    }

    @Test
    void generateCfg_firstSteps_matchReferenceHiddenAndLogits() {
        checkSteps("gen_cfg");
    }

    @Test
    void generateDualCfg_firstSteps_matchReferenceHiddenAndLogits() {
        checkSteps("gen_dual");
    }
}
