package io.visage.eval.semantic.vggish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tape;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.io.TensorSource;
import io.visage.nn.module.RandomParams;
import io.visage.nn.testing.FixtureTolerances;
import io.visage.nn.testing.GradCheck;
import io.visage.nn.testing.TensorAssert;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static io.visage.eval.semantic.vggish.VggishFixture.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The network on the vggish-tiny fixture: every layer, the three outputs, batching, and its error cases. */
class VggishTest {
    private static Vggish model;
    private static FixtureTolerances tol;

    @BeforeAll
    static void load() {
        model = VggishFixture.model();
        tol = FixtureTolerances.forSet(VggishFixture.SET);
    }

    static float[] flat(float[][] m) {
        int d = m.length == 0 ? 0 : m[0].length;
        float[] out = new float[m.length * d];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, out, i * d, d);
        }
        return out;
    }

    @Test
    void embeddingModel_describesVggish() {
        assertEquals("vggish", model.name());
        assertEquals(VggishFrontEnd.SAMPLE_RATE_HZ, model.sampleRateHz());
        assertEquals(VggishFixture.config().embedding(), model.dimension());
        assertTrue(model.hasPostprocessor());
    }

    /** Every per-layer tensor of the file, from the fixture's examples (isolating the network). */
    @Test
    void forward_everyRecordedLayer_matchesFixture() {
        try (TensorSource io = VggishFixture.io()) {
            int checked = 0;
            for (int c : VggishFixture.clips(io)) {
                List<String> layers = VggishFixture.layers(io, c);
                if (layers.isEmpty()) {
                    continue;
                }
                Map<String, INDArray> seen = new HashMap<>();
                model.forward(
                        Ops.inference(),
                        Tensor.constant(io.load(key(c, "examples"))),
                        (name, out) -> seen.put(name, out.value()));
                for (String layer : layers) {
                    String k = key(c, layer);
                    INDArray got = seen.get(layer);
                    assertTrue(got != null, "the forward reported no " + layer);
                    INDArray expected = io.load(k);
                    INDArray first =
                            got.get(NDArrayIndex.interval(0, expected.size(0))).dup('c');
                    TensorAssert.assertClose(k, expected, first, tol.rtol(k), tol.atol(k));
                    checked++;
                }
            }
            assertTrue(checked > 0, "the fixture holds no per-layer tensor");
        }
    }

    /** FAD and ReLU embeddings end to end from the audio, for every clip. */
    @Test
    void embed_everyClip_fadAndActivated_matchFixture() {
        try (TensorSource io = VggishFixture.io()) {
            for (int c : VggishFixture.clips(io)) {
                float[] audio = io.floats(key(c, "audio"));
                long examples = io.shape(key(c, "examples"))[0];
                for (var e : Map.of("embedding", VggishOutput.FAD, "embedding_relu", VggishOutput.ACTIVATED)
                        .entrySet()) {
                    String k = key(c, e.getKey());
                    float[][] got =
                            e.getValue() == VggishOutput.FAD ? model.embed(audio) : model.embed(audio, e.getValue());
                    assertEquals(examples, got.length, k + " rows");
                    if (got.length == 0) {
                        assertFalse(io.contains(k), k + " exists but the clip has no example");
                        continue;
                    }
                    assertEquals(model.dimension(), got[0].length);
                    TensorAssert.assertClose(k, io.shape(k), io.floats(k), flat(got), tol.rtol(k), tol.atol(k));
                }
            }
        }
    }

    /**
     * Quantised outputs equal the fixture exactly, except ±1 where our pre-rounding value lies within
     * the README's margin of a rounding boundary (x.5), and only in clips whose {@code
     * postprocess_margin} (fixture.json: the reference's closest approach to a boundary) is inside
     * that margin.
     */
    @Test
    void embed_everyClip_postprocessed_matchesFixtureUpToRoundingTies() throws IOException {
        double margin = roundingMargin();
        JsonNode clipInfo = new ObjectMapper()
                .readTree(VggishFixture.file("fixture.json").toFile())
                .get("clips");
        VggishPostprocessor pp = model.postprocessor();
        try (TensorSource io = VggishFixture.io()) {
            for (int c : VggishFixture.clips(io)) {
                JsonNode info = clipInfo.get(c);
                assertTrue(info != null, "fixture.json has no entry for clip " + c);
                boolean tiesPossible = !info.has("postprocess_margin")
                        || info.get("postprocess_margin").asDouble() <= margin;
                String k = key(c, "postprocessed");
                float[] audio = io.floats(key(c, "audio"));
                float[][] got = model.embed(audio, VggishOutput.POSTPROCESSED);
                assertEquals(io.shape(key(c, "examples"))[0], got.length, k + " rows");
                if (got.length == 0) {
                    continue;
                }
                float[] expected = io.floats(k);
                float[] actual = flat(got);
                float[] pre = preRounding(pp, flat(model.embed(audio, VggishOutput.ACTIVATED)), got.length);
                for (int i = 0; i < expected.length; i++) {
                    double frac = pre[i] - Math.floor(pre[i]);
                    boolean nearTie = tiesPossible && Math.abs(frac - 0.5) <= margin;
                    float diff = Math.abs(actual[i] - expected[i]);
                    if (diff != 0 && !(nearTie && diff == 1)) {
                        fail(k + "[" + i + "]: expected " + expected[i] + " actual " + actual[i] + " (pre-rounding "
                                + pre[i] + ", near a tie: " + nearTie + ")");
                    }
                }
            }
        }
    }

    /** (clamp(V·(x − μ), −2, 2) + 2) · 255/4, before rounding, in float32. */
    private static float[] preRounding(VggishPostprocessor pp, float[] relu, int rows) {
        int d = pp.dimension();
        float[] v = pp.eigenVectors().value().dup('c').data().asFloat();
        float[] mu = pp.means().value().dup('c').data().asFloat();
        float[] out = new float[rows * d];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < d; i++) {
                double acc = 0;
                for (int j = 0; j < d; j++) {
                    acc += (double) v[i * d + j] * (relu[r * d + j] - mu[j]);
                }
                float cl = (float)
                        Math.min(Math.max(acc, VggishPostprocessor.QUANTIZE_MIN), VggishPostprocessor.QUANTIZE_MAX);
                out[r * d + i] = (cl - VggishPostprocessor.QUANTIZE_MIN) * (255f / 4f);
            }
        }
        return out;
    }

    /** The "within X of .5" of the postprocessed rows of the README. */
    private static double roundingMargin() throws IOException {
        Pattern p = Pattern.compile("^\\|\\s*`clip\\.\\d+\\.postprocessed`.*within\\s+([0-9.eE+-]+)\\s+of\\s+\\.5");
        for (String line : Files.readAllLines(VggishFixture.file("README.md"))) {
            Matcher m = p.matcher(line);
            if (m.find()) {
                return Double.parseDouble(m.group(1));
            }
        }
        return fail("README lists no rounding margin for the postprocessed tensors");
    }

    /**
     * The clips together, through small batches that cut across clips, equal each clip alone up to
     * float32 rounding (GEMMs of other sizes sum in other orders): within the fixture's tolerance
     * for the embeddings, ±1 for the quantised values.
     */
    @Test
    void embedAll_batchedAcrossClips_equalsPerClipEmbed() {
        try (TensorSource io = VggishFixture.io()) {
            List<float[]> clips = new ArrayList<>(VggishFixture.audio(io));
            String ref = key(VggishFixture.clips(io).get(0), "embedding");
            float[] first = clips.get(0);
            clips.add(1, java.util.Arrays.copyOf(first, VggishFrontEnd.minimumSamples() - 1)); // no example
            for (VggishOutput kind : VggishOutput.values()) {
                boolean quantised = kind == VggishOutput.POSTPROCESSED;
                Map<Integer, float[][]> alone = new HashMap<>();
                for (int i = 0; i < clips.size(); i++) {
                    alone.put(i, model.embed(clips.get(i), kind));
                }
                for (int batch : new int[] {1, 3, Vggish.DEFAULT_MAX_BATCH}) {
                    List<float[][]> all = model.withMaxBatch(batch).embedAll(clips, kind);
                    assertEquals(clips.size(), all.size());
                    for (int i = 0; i < clips.size(); i++) {
                        float[][] one = alone.get(i);
                        assertEquals(one.length, all.get(i).length, "rows of clip " + i);
                        TensorAssert.assertClose(
                                kind + " batch " + batch + " clip " + i,
                                new long[] {one.length, model.dimension()},
                                flat(one),
                                flat(all.get(i)),
                                quantised ? 0 : tol.rtol(ref),
                                quantised ? 1 : tol.atol(ref));
                    }
                }
            }
            assertEquals(0, model.embed(clips.get(1)).length);
            assertEquals(List.of(), model.embedAll(List.of()));
        }
    }

    @Test
    void embedAll_badClip_namesIt() {
        float[] nan = new float[VggishFrontEnd.minimumSamples()];
        nan[7] = Float.NaN;
        var e = assertThrows(IllegalArgumentException.class, () -> model.embedAll(List.of(new float[20000], nan)));
        assertTrue(e.getMessage().startsWith("clip 1 of 2:") && e.getMessage().contains("sample 7"), e.getMessage());
        var empty = assertThrows(IllegalArgumentException.class, () -> model.embed(new float[0]));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
        assertThrows(IllegalArgumentException.class, () -> model.withMaxBatch(0));
    }

    @Test
    void forward_wrongExampleShape_throwsWithShape() {
        var e = assertThrows(
                io.visage.nn.ShapeMismatchException.class,
                () -> model.forward(
                        Ops.inference(), Tensor.constant(org.nd4j.linalg.factory.Nd4j.zeros(2, 1, 95, 64))));
        assertTrue(
                e.getMessage().contains("[*, 1, 96, 64]") && e.getMessage().contains("[2, 1, 95, 64]"), e.getMessage());
    }

    @Test
    void postprocessed_withoutPca_orUnderATape_throws() {
        Vggish bare;
        try (RandomParams p = new RandomParams(1)) {
            bare = Vggish.create(p, VggishFixture.config(), false);
        }
        var e = assertThrows(
                IllegalStateException.class, () -> bare.embed(new float[20000], VggishOutput.POSTPROCESSED));
        assertTrue(e.getMessage().contains("PCA"), e.getMessage());
        Tensor x = Tensor.constant(org.nd4j.linalg.factory.Nd4j.zeros(DataType.FLOAT, 1, 1, 96, 64));
        var u = assertThrows(
                UnsupportedOperationException.class,
                () -> model.output(Ops.recording(new Tape()), x, VggishOutput.POSTPROCESSED));
        assertTrue(u.getMessage().contains("no gradient"), u.getMessage());
    }

    /** Gradients flow through the whole (tiny) network, parameters and input, in float64. */
    @Test
    void forward_gradients_matchFiniteDifferences() {
        Vggish net;
        try (RandomParams p = new RandomParams(7, DataType.DOUBLE)) {
            net = Vggish.create(p, VggishFixture.config(), false);
        }
        Random rng = new Random(8);
        Tensor x =
                Tensor.parameter(GradCheck.randn(rng, 1, 1, VggishFrontEnd.EXAMPLE_FRAMES, VggishFrontEnd.MEL_BANDS));
        Map<String, Tensor> leaves = new LinkedHashMap<>(net.stateDict());
        leaves.put("examples", x);
        GradCheck.check("vggish", leaves, ops -> net.output(ops, x, VggishOutput.ACTIVATED), 3, 9);
    }

    @Test
    void fullSizeConfig_equalsFixtureJson() throws IOException {
        JsonNode full = new ObjectMapper()
                .readTree(VggishFixture.file("fixture.json").toFile())
                .get("full_size_config");
        assertTrue(full != null, "fixture.json has no full_size_config");
        java.nio.file.Path tmp = Files.createTempFile("vggish-full", ".json");
        try {
            Files.writeString(tmp, full.toString());
            assertEquals(VggishConfig.full(), VggishConfig.fromJson(tmp));
        } finally {
            Files.delete(tmp);
        }
    }
}
