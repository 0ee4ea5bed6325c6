package io.visage.eval.saliency;

import com.fasterxml.jackson.databind.JsonNode;
import io.visage.eval.FoaMetricsFixture;
import io.visage.eval.spatial.AudioEnergyMap;
import io.visage.eval.spatial.EqualAreaSampler;
import io.visage.eval.spatial.SphericalHarmonicDecoder;
import io.visage.nn.ShapeMismatchException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SaliencyMetricsTest {
    /** Pair p of the fixture as [saliency case, ground-truth case] (names from fixture.json). */
    private static List<String[]> pairs(FoaMetricsFixture f) {
        List<String[]> out = new ArrayList<>();
        for (JsonNode p : f.fixture.get("metric_pairs")) {
            out.add(new String[] {p.get(0).asText(), p.get(1).asText()});
        }
        return out;
    }

    @Test
    void ccAndAucJudd_fromFixtureSampledMaps_matchReference() {
        try (FoaMetricsFixture f = new FoaMetricsFixture()) {
            List<String[]> pairs = pairs(f);
            double[] corr = f.io.doubles("metrics.corr");
            double[] auc = f.io.doubles("metrics.auc_judd_nojitter");
            assertEquals(pairs.size(), corr.length);
            for (int p = 0; p < pairs.size(); p++) {
                double[] s = f.io.doubles(pairs.get(p)[0] + ".sampled");
                double[] g = f.io.doubles(pairs.get(p)[1] + ".sampled");
                assertEquals(
                        corr[p], CorrelationCoefficient.cc(s, g), 1e-9 + 1e-9 * Math.abs(corr[p]), "corr pair " + p);
                assertEquals(auc[p], AucJudd.reference(s, g, Jitter.NONE), 1e-9, "auc_judd_nojitter pair " + p);
            }
            long[] jitterPairs = f.io.longs("metrics.auc_judd_jitter_pairs");
            double[] aucJ = f.io.doubles("metrics.auc_judd");
            for (int k = 0; k < jitterPairs.length; k++) {
                int p = (int) jitterPairs[k];
                double[] s = f.io.doubles(pairs.get(p)[0] + ".sampled");
                double[] g = f.io.doubles(pairs.get(p)[1] + ".sampled");
                double[] noise = f.io.doubles("metrics.jitter_noise." + p);
                assertEquals(
                        aucJ[k], AucJudd.reference(s, g, Jitter.recorded(noise)), 1e-9, "auc_judd (jitter) pair " + p);
            }
        }
    }

    @Test
    void ccAndAucJudd_endToEndFromAudio_matchReference() {
        try (FoaMetricsFixture f = new FoaMetricsFixture()) {
            List<String[]> pairs = pairs(f);
            double[] corr = f.io.doubles("metrics.corr");
            double[] auc = f.io.doubles("metrics.auc_judd_nojitter");
            for (int p = 0; p < pairs.size(); p++) {
                double[] s = sampled(f, pairs.get(p)[0]);
                double[] g = sampled(f, pairs.get(p)[1]);
                assertEquals(corr[p], CorrelationCoefficient.cc(s, g), 1e-5, "corr pair " + p);
                assertEquals(auc[p], AucJudd.reference(s, g, Jitter.NONE), 1e-4, "auc pair " + p);
            }
        }
    }

    private static double[] sampled(FoaMetricsFixture f, String c) {
        return EqualAreaSampler.sample(AudioEnergyMap.compute(
                f.audio(c + ".audio", true), SphericalHarmonicDecoder.REFERENCE_SQRT2, f.grid()));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void aucJudd_equalsNaiveLoopReference(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 500 + rng.nextInt(200);
        double[] s = new double[n];
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = Math.floor(rng.nextDouble() * 20); // many ties
            g[i] = rng.nextDouble();
        }
        for (int offset = 0; offset <= 1; offset++) {
            double naive = naiveAuc(s, g, offset);
            double fast = offset == 0 ? AucJudd.reference(s, g, Jitter.NONE) : AucJudd.mit(s, g, Jitter.NONE);
            assertEquals(naive, fast, 1e-12, "offset " + offset + " seed " + seed);
        }
    }

    /** Literal transcription of the reference loop (with i or i + 1). */
    private static double naiveAuc(double[] sal, double[] gt, int offset) {
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (double v : sal) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double[] s = new double[sal.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = (sal[i] - min) / (max - min);
        }
        boolean[] fix = Fixations.reference(gt);
        List<Double> th = new ArrayList<>();
        for (int i = 0; i < s.length; i++) {
            if (fix[i]) {
                th.add(s[i]);
            }
        }
        th.sort((a, b) -> Double.compare(b, a));
        int nf = th.size();
        double[] tp = new double[nf + 2];
        double[] fp = new double[nf + 2];
        tp[nf + 1] = 1;
        fp[nf + 1] = 1;
        for (int i = 0; i < nf; i++) {
            int above = 0;
            for (double v : s) {
                above += v >= th.get(i) ? 1 : 0;
            }
            tp[i + 1] = (double) (i + offset) / nf;
            fp[i + 1] = (double) (above - i - offset) / (s.length - nf);
        }
        double a = 0;
        for (int i = 1; i < tp.length; i++) {
            a += (fp[i] - fp[i - 1]) * (tp[i] + tp[i - 1]) / 2;
        }
        return a;
    }

    @ParameterizedTest
    @ValueSource(longs = {5, 6, 7})
    void axioms_ccKlSimNss(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 300 + rng.nextInt(100);
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextDouble();
            y[i] = rng.nextDouble();
        }
        double a = 0.1 + 10 * rng.nextDouble();
        double b = rng.nextDouble(-5, 5);
        double[] ax = new double[n];
        for (int i = 0; i < n; i++) {
            ax[i] = a * x[i] + b;
        }
        assertEquals(1.0, CorrelationCoefficient.cc(x, x), 1e-12);
        assertEquals(1.0, CorrelationCoefficient.cc(x, ax), 1e-12);
        assertEquals(1.0, CorrelationCoefficient.cc(ax, x), 1e-12);
        double cxy = CorrelationCoefficient.cc(x, y);
        assertTrue(cxy >= -1 && cxy <= 1);
        assertEquals(cxy, CorrelationCoefficient.cc(y, x), 1e-12);
        assertEquals(0.0, MapKlDivergence.kl(x, x), 1e-12);
        assertTrue(MapKlDivergence.kl(x, y) > 0);
        assertEquals(1.0, Similarity.sim(x, x), 1e-12);
        double sim = Similarity.sim(x, y);
        assertTrue(sim > 0 && sim < 1, "SIM in (0, 1): " + sim);
        assertTrue(NormalizedScanpathSaliency.nss(x, x) > 0, "NSS of a map at its own peaks is positive");
    }

    @ParameterizedTest
    @ValueSource(longs = {8, 9})
    void aucJudd_ofMapAgainstItsOwnPeak_isNearOne(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 2000;
        double[] x = new double[n];
        int peak = rng.nextInt(n);
        for (int i = 0; i < n; i++) {
            x[i] = Math.exp(-Math.abs(i - peak) / 30.0) + 1e-3 * rng.nextDouble();
        }
        int nFix = Fixations.count(Fixations.reference(x));
        double ref = AucJudd.reference(x, x, Jitter.gaussian(new SplittableRandom(seed)));
        double mit = AucJudd.mit(x, x, Jitter.gaussian(new SplittableRandom(seed)));
        assertEquals(1.0, mit, 1e-12, "MIT AUC of a map against its own peak");
        // the reference's off-by-one puts every inner point at (1/(N - Nfix), i/Nfix): only the last
        // segment, from (1/(N - Nfix), 1 - 1/Nfix) to (1, 1), has area
        double expected = (1.0 - 1.0 / (n - nFix)) * (1.0 - 1.0 / (2.0 * nFix));
        assertEquals(expected, ref, 1e-12, "reference AUC of own peak with " + nFix + " fixations");
    }

    @Test
    void aucJudd_sameSeed_sameValue_otherSeed_differsOnlyByTies() {
        double[] s = new double[1000];
        double[] g = new double[1000];
        for (int i = 0; i < s.length; i++) {
            s[i] = (i % 10) / 10.0; // heavy ties: the jitter decides their order
            g[i] = Math.sin(i * 0.01);
        }
        double a = AucJudd.reference(s, g, Jitter.gaussian(new SplittableRandom(3)));
        double b = AucJudd.reference(s, g, Jitter.gaussian(new SplittableRandom(3)));
        assertEquals(a, b, 0.0);
    }

    @Test
    void constantMaps_ccIsNaN_aucWithoutJitterThrows_aucWithJitterDefined() {
        double[] c = new double[100];
        double[] x = new double[100];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        assertTrue(Double.isNaN(CorrelationCoefficient.cc(c, x)));
        assertTrue(Double.isNaN(CorrelationCoefficient.cc(x, c)));
        assertTrue(Double.isNaN(Similarity.sim(c, x)));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> AucJudd.reference(c, x, Jitter.NONE));
        assertTrue(e.getMessage().contains("constant"), e.getMessage());
        double jittered = AucJudd.reference(c, x, Jitter.gaussian(new SplittableRandom(1)));
        assertTrue(jittered >= 0 && jittered <= 1);
        // a constant ground truth has no fixations: the reference curve is the diagonal
        assertEquals(0.5, AucJudd.reference(x, c, Jitter.NONE), 1e-12);
        assertTrue(Double.isNaN(AucJudd.mit(x, c, Jitter.NONE)));
    }

    @Test
    void nanInput_throwsNamingIndex() {
        double[] x = {1, 2, Double.NaN, 4};
        double[] y = {1, 2, 3, 4};
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> CorrelationCoefficient.cc(x, y));
        assertTrue(e.getMessage().contains("index 2") && e.getMessage().contains("saliency"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AucJudd.reference(y, x, Jitter.NONE));
        assertTrue(e.getMessage().contains("ground-truth") && e.getMessage().contains("index 2"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class, () -> MapKlDivergence.kl(new double[] {1, -1}, new double[] {1, 1}));
        assertTrue(e.getMessage().contains("negative"), e.getMessage());
    }

    @Test
    void lengthMismatch_throwsWithBothLengths() {
        ShapeMismatchException e = assertThrows(
                ShapeMismatchException.class, () -> CorrelationCoefficient.cc(new double[3], new double[4]));
        assertTrue(e.getMessage().contains("3") && e.getMessage().contains("4"), e.getMessage());
        IllegalArgumentException j = assertThrows(
                IllegalArgumentException.class,
                () -> AucJudd.reference(
                        new double[] {1, 2, 3}, new double[] {1, 2, 3}, Jitter.recorded(new double[2])));
        assertTrue(j.getMessage().contains("2 values") && j.getMessage().contains("3"), j.getMessage());
    }
}
