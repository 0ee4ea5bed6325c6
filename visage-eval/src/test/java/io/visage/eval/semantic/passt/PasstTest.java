package io.visage.eval.semantic.passt;

import io.visage.nn.ShapeMismatchException;
import io.visage.nn.autodiff.Gradients;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tape;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.io.TensorSource;
import io.visage.nn.testing.FixtureTolerances;
import io.visage.nn.testing.TensorAssert;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasstTest {
    private static final Ops OPS = Ops.inference();

    /** Compares one tensor and prints its largest deviation (for the record of worst cases). */
    private static void check(TensorSource io, FixtureTolerances tol, String name, Tensor actual) {
        INDArray want = io.load(name);
        INDArray got = actual.value();
        TensorAssert.assertClose(name, want, got, tol.rtol(name), tol.atol(name));
        double worst = Math.abs(want.castTo(got.dataType()).sub(got).maxNumber().doubleValue());
        worst = Math.max(
                worst, Math.abs(want.castTo(got.dataType()).sub(got).minNumber().doubleValue()));
        System.out.printf(
                "passt-tiny %-18s max|diff| %.3g (atol %.0e, rtol %.0e)%n",
                name, worst, tol.atol(name), tol.rtol(name));
    }

    @Test
    void trace_everyFixtureClip_matchesEveryReferenceIntermediate() {
        Passt passt = PasstFixture.model();
        FixtureTolerances tol = PasstFixture.tolerances();
        try (TensorSource io = PasstFixture.io()) {
            List<Integer> clips = PasstFixture.clips(io);
            assertFalse(clips.isEmpty(), "no clip.K.audio in the fixture");
            for (int k : clips) {
                String p = "clip." + k + ".";
                PasstTrace t = passt.trace(OPS, List.of(PasstFixture.audio(io, k)));
                List<Integer> blocks = PasstFixture.blocks(io, k);
                assertEquals(passt.config().depth(), blocks.size(), p + "blocks.N in the fixture vs config depth");
                assertEquals(blocks.size(), t.blocks().size());
                check(io, tol, p + "mel", t.mel());
                check(io, tol, p + "patch_embed", t.patchEmbed());
                check(io, tol, p + "tokens", t.tokens());
                for (int b : blocks) {
                    check(io, tol, p + "blocks." + b, t.blocks().get(b));
                }
                check(io, tol, p + "norm", t.norm());
                check(io, tol, p + "features", t.features());
                check(io, tol, p + "logits", t.logits());
            }
        }
    }

    @Test
    void embed_everyFixtureClip_isTheLogitsRow() {
        Passt passt = PasstFixture.model();
        FixtureTolerances tol = PasstFixture.tolerances();
        try (TensorSource io = PasstFixture.io()) {
            for (int k : PasstFixture.clips(io)) {
                String name = "clip." + k + ".logits";
                float[][] e = passt.embed(PasstFixture.audio(io, k));
                assertEquals(1, e.length);
                assertEquals(passt.dimension(), e[0].length);
                TensorAssert.assertClose(name, io.shape(name), io.floats(name), e[0], tol.rtol(name), tol.atol(name));
            }
        }
    }

    @Test
    void embedAll_mixedLengthsAndMoreThanOneBatch_equalsPerClipEmbed() {
        Passt passt = PasstFixture.model();
        List<float[]> clips = new ArrayList<>();
        try (TensorSource io = PasstFixture.io()) {
            List<Integer> ks = PasstFixture.clips(io);
            float[] first = PasstFixture.audio(io, ks.get(0));
            // more equal-length clips than one batch holds, then every other fixture clip
            for (int v = 0; v <= Passt.MAX_BATCH; v++) {
                float[] c = first.clone();
                for (int i = 0; i < c.length; i++) {
                    c[i] = c[i] * (1f - 0.1f * v) + 0.01f * v * (float) Math.sin(0.001 * i * (v + 1));
                }
                clips.add(c);
            }
            for (int k : ks.subList(1, ks.size())) {
                clips.add(PasstFixture.audio(io, k));
            }
        }
        List<float[][]> all = passt.embedAll(clips);
        assertEquals(clips.size(), all.size());
        for (int i = 0; i < clips.size(); i++) {
            float[][] one = passt.embed(clips.get(i));
            assertEquals(1, all.get(i).length);
            TensorAssert.assertClose(
                    "embedAll row " + i, new long[] {passt.dimension()}, one[0], all.get(i)[0], 1e-5, 1e-5);
        }
    }

    @Test
    void logits_recordingOps_sameValuesAndGradientsForEveryWeightButHeadDist() {
        Passt passt = PasstFixture.model();
        float[] shortest;
        try (TensorSource io = PasstFixture.io()) {
            shortest = PasstFixture.clips(io).stream()
                    .map(k -> PasstFixture.audio(io, k))
                    .min(java.util.Comparator.comparingInt(a -> a.length))
                    .orElseThrow();
        }
        Tensor mel = passt.mel(List.of(shortest));
        Tape tape = new Tape();
        Ops rec = Ops.recording(tape);
        Tensor logits = passt.logits(rec, mel);
        TensorAssert.assertClose("recorded logits", passt.logits(OPS, mel).value(), logits.value(), 0, 0);
        Gradients g = tape.backward(rec.sum(logits));
        passt.stateDict().forEach((name, t) -> {
            if (name.startsWith("head_dist.")) {
                assertFalse(g.has(t) && g.get(t).amaxNumber().doubleValue() > 0, name + " must not reach the logits");
            } else {
                assertTrue(g.has(t) && g.get(t).amaxNumber().doubleValue() > 0, name + " has no gradient");
            }
        });
    }

    @Test
    void embedAll_reportsTheIndexOfABadClip() {
        Passt passt = PasstFixture.model();
        float[] good = new float[passt.config().minSamples()];
        float[] bad = good.clone();
        bad[7] = Float.POSITIVE_INFINITY;
        String m = assertThrows(IllegalArgumentException.class, () -> passt.embedAll(List.of(good, good, bad)))
                .getMessage();
        assertTrue(m.contains("clip 2") && m.contains("index 7"), m);
    }

    @Test
    void embed_badClips_throwOneClearMessageEach() {
        Passt passt = PasstFixture.model();
        PasstConfig c = passt.config();
        String m = assertThrows(IllegalArgumentException.class, () -> passt.embed(new float[0]))
                .getMessage();
        assertTrue(m.contains("empty"), m);
        float[] nan = new float[c.minSamples()];
        nan[c.minSamples() / 2] = Float.NaN;
        m = assertThrows(IllegalArgumentException.class, () -> passt.embed(nan)).getMessage();
        assertTrue(m.contains("NaN") && m.contains("index " + c.minSamples() / 2), m);
        m = assertThrows(IllegalArgumentException.class, () -> passt.embed(new float[c.minSamples() - 1]))
                .getMessage();
        assertTrue(m.contains("too short") && m.contains(Integer.toString(c.minSamples())), m);
        m = assertThrows(IllegalArgumentException.class, () -> passt.embed(new float[c.maxSamples() + 1]))
                .getMessage();
        assertTrue(m.contains("at most " + c.maxSamples()), m);
    }

    @Test
    void embed_lengthLimits_areExactlyTheModelsRange() {
        Passt passt = PasstFixture.model();
        PasstConfig c = passt.config();
        assertEquals(1, c.timePatches(PasstFrontEnd.frames(c.minSamples())));
        assertEquals(0, c.timePatches(PasstFrontEnd.frames(c.minSamples() - 1)));
        assertEquals(c.timeGrid(), c.timePatches(PasstFrontEnd.frames(c.maxSamples())));
        assertEquals(c.timeGrid() + 1, c.timePatches(PasstFrontEnd.frames(c.maxSamples() + 1)));
        assertEquals(passt.dimension(), passt.embed(new float[c.minSamples()])[0].length);
        assertEquals(passt.dimension(), passt.embed(new float[c.maxSamples()])[0].length);
    }

    @Test
    void mel_unequalLengths_throwsWithBothLengths() {
        Passt passt = PasstFixture.model();
        int n = passt.config().minSamples();
        ShapeMismatchException e =
                assertThrows(ShapeMismatchException.class, () -> passt.mel(List.of(new float[n], new float[n + 1])));
        assertTrue(
                e.getMessage().contains(Integer.toString(n)) && e.getMessage().contains(Integer.toString(n + 1)));
    }

    @Test
    void logits_wrongMelShape_throwsWithShape() {
        Passt passt = PasstFixture.model();
        Tensor bad = Tensor.constant(org.nd4j.linalg.factory.Nd4j.zeros(1, PasstFrontEnd.N_MELS + 1, 100));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> passt.logits(OPS, bad));
        assertTrue(e.getMessage().contains("[1, " + (PasstFrontEnd.N_MELS + 1) + ", 100]"), e.getMessage());
    }

    @Test
    void embeddingModel_describesPasst() {
        Passt passt = PasstFixture.model();
        assertEquals("passt", passt.name());
        assertEquals(PasstFrontEnd.SAMPLE_RATE_HZ, passt.sampleRateHz());
        assertEquals(passt.config().numClasses(), passt.dimension());
        assertArrayEquals(
                new long[] {passt.config().numClasses(), passt.config().embedDim()},
                passt.stateDict().get("head.1.weight").shape());
    }
}
