package io.visage.eval.semantic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.nn.ShapeMismatchException;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorSource;
import io.visage.nn.testing.Fixtures;
import io.visage.nn.testing.TensorAssert;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SemanticMathTest {
    private static final String SET = "semantic-math";

    private static float[][] matrix(TensorSource s, String name) {
        long[] shape = s.shape(name);
        float[] flat = s.floats(name);
        float[][] m = new float[(int) shape[0]][(int) shape[1]];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(flat, i * m[0].length, m[i], 0, m[0].length);
        }
        return m;
    }

    /** Case names with the given prefix and suffix, e.g. fad.X.fad -> X. */
    private static List<String> cases(TensorSource s, String prefix, String suffix) {
        Set<String> out = new LinkedHashSet<>();
        s.tensors().forEach(t -> {
            if (t.name().startsWith(prefix) && t.name().endsWith(suffix)) {
                out.add(t.name().substring(prefix.length(), t.name().length() - suffix.length()));
            }
        });
        return new ArrayList<>(out);
    }

    @Test
    void statistics_matchFixture() {
        try (TensorSource s = TensorFiles.open(Fixtures.file(SET, "io.safetensors"))) {
            for (String set : new String[] {"gen", "gt"}) {
                EmbeddingStatistics st = EmbeddingStatistics.of(matrix(s, "fad.main." + set + "_embeddings"));
                TensorAssert.assertClose(
                        "mu_" + set,
                        s.shape("fad.main.mu_" + set),
                        s.floats("fad.main.mu_" + set),
                        st.mean(),
                        1e-5,
                        1e-6);
                double[] cov = new double[st.dimension() * st.dimension()];
                for (int i = 0; i < st.dimension(); i++) {
                    System.arraycopy(st.covariance()[i], 0, cov, i * st.dimension(), st.dimension());
                }
                TensorAssert.assertClose(
                        "sigma_" + set,
                        s.shape("fad.main.sigma_" + set),
                        s.doubles("fad.main.sigma_" + set),
                        cov,
                        1e-7,
                        1e-9);
            }
        }
    }

    @Test
    void frechetDistance_everyFixtureCase_matchesValueAndRetryBranch() throws IOException {
        JsonNode fx =
                new ObjectMapper().readTree(Fixtures.file(SET, "fixture.json").toFile());
        try (TensorSource s = TensorFiles.open(Fixtures.file(SET, "io.safetensors"))) {
            List<String> cases = cases(s, "fad.", ".fad");
            assertFalse(cases.isEmpty());
            boolean sawRetry = false;
            for (String c : cases) {
                FrechetDistance.Result r = FrechetDistance.compute(
                        matrix(s, "fad." + c + ".gen_embeddings"), matrix(s, "fad." + c + ".gt_embeddings"));
                double expected = s.doubles("fad." + c + ".fad")[0];
                assertEquals(expected, r.distance(), 1e-4 + 1e-6 * Math.abs(expected), "fad." + c);
                boolean retry = s.longs("fad." + c + ".retry_triggered")[0] == 1;
                assertEquals(retry, r.retried(), "fad." + c + ".retry_triggered");
                sawRetry |= retry;
                if (retry) {
                    // without the offset the value is the independent estimate, visibly different
                    FrechetDistance.Result plain = FrechetDistance.compute(
                            EmbeddingStatistics.of(matrix(s, "fad." + c + ".gen_embeddings")),
                            EmbeddingStatistics.of(matrix(s, "fad." + c + ".gt_embeddings")),
                            FrechetDistance.RetryRule.NEVER);
                    double indep = fx.get("fad")
                            .get(c)
                            .get("independent_float64_eigh_estimate")
                            .asDouble();
                    assertEquals(indep, plain.distance(), 1e-4 + 1e-6 * Math.abs(indep), "fad." + c + " without retry");
                    assertTrue(
                            Math.abs(plain.distance() - expected) > 100 * (1e-4 + 1e-6 * Math.abs(expected)),
                            "the retry must matter on fad." + c);
                }
            }
            assertTrue(sawRetry, "the fixture has no retry case");
        }
    }

    @Test
    void sqrtPsd_squaresBack() {
        SplittableRandom rng = new SplittableRandom(3);
        int d = 7;
        double[][] a = new double[d][d + 2];
        for (double[] r : a) {
            for (int j = 0; j < r.length; j++) {
                r[j] = rng.nextGaussian();
            }
        }
        RealMatrix m = new Array2DRowRealMatrix(a);
        m = m.multiply(m.transpose());
        RealMatrix r = FrechetDistance.sqrtPsd(m);
        double[][] back = r.multiply(r).getData();
        for (int i = 0; i < d; i++) {
            assertArrayEquals(m.getData()[i], back[i], 1e-9);
        }
    }

    @Test
    void frechetDistance_identicalSetsNearZero_dimensionMismatchThrows() {
        SplittableRandom rng = new SplittableRandom(5);
        float[][] e = new float[50][6];
        for (float[] r : e) {
            for (int j = 0; j < r.length; j++) {
                r[j] = (float) rng.nextGaussian();
            }
        }
        assertEquals(0.0, FrechetDistance.compute(e, e).distance(), 1e-9);
        ShapeMismatchException x = assertThrows(
                ShapeMismatchException.class, () -> FrechetDistance.compute(e, new float[][] {{1, 2}, {3, 4}}));
        assertTrue(x.getMessage().contains("6") && x.getMessage().contains("2"), x.getMessage());
        IllegalArgumentException one =
                assertThrows(IllegalArgumentException.class, () -> EmbeddingStatistics.of(new float[][] {{1, 2}}));
        assertTrue(one.getMessage().contains("at least 2 rows"), one.getMessage());
    }

    @Test
    void klDivergence_everyFixtureCase_matchesWithPairingByName() {
        try (TensorSource s = TensorFiles.open(Fixtures.file(SET, "io.safetensors"))) {
            List<String> cases = cases(s, "kl.", ".kl_softmax");
            assertFalse(cases.isEmpty());
            for (String c : cases) {
                String p = "kl." + c + ".";
                float[][] gen = matrix(s, p + "gen_logits");
                float[][] gt = matrix(s, p + "gt_logits");
                List<String> gtNames = new ArrayList<>();
                for (int j = 0; j < gt.length; j++) {
                    gtNames.add("clips/gt/" + "clip" + j + ".wav");
                }
                List<String> genNames = new ArrayList<>();
                long[] pg = s.contains(p + "pair_gen_row") ? s.longs(p + "pair_gen_row") : null;
                long[] pt = s.contains(p + "pair_gt_row") ? s.longs(p + "pair_gt_row") : null;
                for (int i = 0; i < gen.length; i++) {
                    genNames.add("gen/extra" + i + ".wav");
                }
                if (pg == null) { // pair i = row i
                    for (int i = 0; i < gen.length; i++) {
                        genNames.set(i, "gen/clip" + i + ".wav");
                    }
                } else {
                    for (int k = 0; k < pg.length; k++) {
                        genNames.set((int) pg[k], "gen/clip" + pt[k] + ".wav");
                    }
                }
                PairedKlDivergence.Result r = PairedKlDivergence.compute(genNames, gen, gtNames, gt);
                if (pg != null) {
                    assertArrayEquals(
                            pg,
                            java.util.Arrays.stream(r.generatedRows())
                                    .asLongStream()
                                    .toArray());
                    assertArrayEquals(
                            pt,
                            java.util.Arrays.stream(r.groundTruthRows())
                                    .asLongStream()
                                    .toArray());
                    assertEquals(gt.length - pt.length, r.missingInGenerated().size());
                }
                float expSoft = s.floats(p + "kl_softmax")[0];
                float expSig = s.floats(p + "kl_sigmoid")[0];
                assertEquals(expSoft, r.softmax(), 1e-5 + 1e-4 * Math.abs(expSoft), p + "kl_softmax");
                double sigAtol = c.equals("peaked") ? 1e-3 : 1e-4; // README tolerance per case
                assertEquals(expSig, r.sigmoid(), sigAtol + 1e-4 * Math.abs(expSig), p + "kl_sigmoid");
                float[] ref = s.floats(p + "kl_ref");
                double[] refD = new double[ref.length];
                for (int i = 0; i < ref.length; i++) {
                    refD[i] = ref[i];
                }
                TensorAssert.assertClose(p + "kl_ref", s.shape(p + "kl_ref"), refD, r.perPair(), 1e-4, 1e-5);
            }
        }
    }

    @Test
    void klDivergence_samePairs_isZeroUpToTheFloor_andNoPairThrows() {
        float[][] l = {{1, 2, 3}, {0, -1, 4}};
        PairedKlDivergence.Result r = PairedKlDivergence.compute(
                List.of("a.wav", "b.wav"), l, List.of("b.wav", "a.wav"), new float[][] {l[1], l[0]});
        assertEquals(0.0, r.softmax(), 1e-5, "KL(p, p) is 0 up to the 1e-6 floor");
        assertEquals(List.of("b.wav", "a.wav"), r.pairedNames());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> PairedKlDivergence.compute(
                        List.of("a.wav"), new float[][] {l[0]}, List.of("z.wav"), new float[][] {l[0]}));
        assertTrue(e.getMessage().contains("no generated file name matches"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> PairedKlDivergence.compute(
                        List.of("x/a.wav", "y/a.wav"), l, List.of("a.wav"), new float[][] {l[0]}));
        assertTrue(e.getMessage().contains("'a.wav' occurs twice"), e.getMessage());
    }
}
