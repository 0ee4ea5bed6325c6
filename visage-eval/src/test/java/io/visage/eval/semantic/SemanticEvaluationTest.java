package io.visage.eval.semantic;

import io.visage.audio.foa.ReferenceMonoDecode;
import io.visage.audio.io.AudioBuffer;
import io.visage.audio.io.SampleFormat;
import io.visage.audio.io.Wav;
import io.visage.eval.report.EvaluationProgress;
import io.visage.eval.spatial.MapIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The folder plumbing of {@link SemanticEvaluation} with small stand-in networks (frame statistics);
 * parity with the reference networks is {@code SemanticEvaluationFixtureTest}'s.
 */
class SemanticEvaluationTest {
    private static final int SR = 16_000;

    /** Per 0.25-s frame: log energy, mean, zero-crossing rate; 4 "embedding" rows per second. */
    private record FrameStats(String name, int sampleRateHz, int hop) implements EmbeddingModel {
        @Override
        public int dimension() {
            return 3;
        }

        @Override
        public float[][] embed(float[] x) {
            int frames = x.length / hop;
            float[][] out = new float[frames][3];
            for (int f = 0; f < frames; f++) {
                double e = 0;
                double m = 0;
                int zc = 0;
                for (int i = f * hop; i < (f + 1) * hop; i++) {
                    e += x[i] * x[i];
                    m += x[i];
                    if (i > f * hop && (x[i] >= 0) != (x[i - 1] >= 0)) {
                        zc++;
                    }
                }
                out[f] = new float[] {(float) Math.log(1e-6 + e / hop), (float) (m / hop), (float) zc / hop};
            }
            return out;
        }
    }

    /** The clip's mean frame statistics as one row of "logits". */
    private record ClipStats(FrameStats frames) implements EmbeddingModel {
        @Override
        public String name() {
            return "clip-stats";
        }

        @Override
        public int sampleRateHz() {
            return frames.sampleRateHz();
        }

        @Override
        public int dimension() {
            return 3;
        }

        @Override
        public float[][] embed(float[] x) {
            float[] mean = new float[3];
            float[][] f = frames.embed(x);
            for (float[] r : f) {
                for (int k = 0; k < 3; k++) {
                    mean[k] += r[k] / f.length;
                }
            }
            return new float[][] {mean};
        }
    }

    private static final SemanticEvaluation.Models MODELS = new SemanticEvaluation.Models(
            new FrameStats("frame-stats", 16_000, 4_000), new ClipStats(new FrameStats("frame-stats", 32_000, 8_000)));

    private static float[][] scene(SplittableRandom rng, int n) {
        float[][] foa = new float[4][n];
        double f = 200 + 600 * rng.nextDouble();
        double az = 2 * Math.PI * rng.nextDouble();
        for (int t = 0; t < n; t++) {
            double s = 0.3 * Math.sin(2 * Math.PI * f * t / SR) + 0.02 * rng.nextGaussian();
            foa[0][t] = (float) s;
            foa[1][t] = (float) (s * Math.sin(az));
            foa[2][t] = (float) (0.1 * s);
            foa[3][t] = (float) (s * Math.cos(az));
        }
        return foa;
    }

    private static void write(Path f, int rate, float[][] ch) {
        Wav.write(f, new AudioBuffer(rate, ch), SampleFormat.FLOAT_32);
    }

    /** Writes {@code ids} as generated (gen/) and raw 4-channel ground truth (gt/); returns the directions. */
    private static Map<String, MapIndex> folders(Path tmp, List<String> ids, long seed) throws IOException {
        SplittableRandom rng = new SplittableRandom(seed);
        Files.createDirectories(tmp.resolve("gen"));
        Files.createDirectories(tmp.resolve("gt"));
        for (String id : ids) {
            write(tmp.resolve("gen").resolve(id + ".wav"), SR, scene(rng, 4 * SR + rng.nextInt(3 * SR)));
            write(tmp.resolve("gt").resolve(id + ".wav"), SR, scene(rng, 5 * SR));
        }
        Map<String, MapIndex> dirs = new java.util.HashMap<>();
        for (String id : ids) {
            dirs.put(id, new MapIndex(rng.nextInt(90), rng.nextInt(180)));
        }
        return dirs;
    }

    private static SemanticReport run(Path gen, Path gt, Map<String, MapIndex> dirs, SemanticEvaluation.Options o) {
        return SemanticEvaluation.evaluate(gen, gt, dirs, MODELS, o, EvaluationProgress.NONE);
    }

    @Test
    void preparedGroundTruth_equalsRawGroundTruthPreparedHere(@TempDir Path tmp) throws IOException {
        List<String> ids = List.of("a", "b", "c", "d", "e");
        Map<String, MapIndex> dirs = folders(tmp, ids, 3);
        Path prepared = tmp.resolve("prepared");
        for (String id : ids) {
            float[][] foa = Wav.read(tmp.resolve("gt").resolve(id + ".wav")).channels();
            Map<String, float[]> s =
                    SemanticEvaluation.signals(foa, SR, dirs.get(id), ReferenceMonoDecode.Variant.CORRECT);
            for (String sub : SemanticEvaluation.SUBSETS) {
                Files.createDirectories(prepared.resolve(sub));
                write(prepared.resolve(sub).resolve(id + ".wav"), SR, new float[][] {s.get(sub)});
            }
        }
        SemanticEvaluation.Options o = SemanticEvaluation.Options.reference();
        SemanticReport raw = run(tmp.resolve("gen"), tmp.resolve("gt"), dirs, o);
        SemanticReport prep = run(tmp.resolve("gen"), prepared, dirs, o);
        for (String sub : SemanticEvaluation.SUBSETS) {
            assertEquals(raw.of(sub), prep.of(sub), sub);
            assertTrue(raw.of(sub).fad() > 0, sub + ": different scenes must have a positive FAD");
        }
        assertEquals(ids.size(), raw.clipCount());
    }

    @Test
    void sameClipsOnBothSides_zeroDistanceAndDivergence(@TempDir Path tmp) throws IOException {
        List<String> ids = List.of("p", "q", "r", "s");
        Map<String, MapIndex> dirs = folders(tmp, ids, 5);
        SemanticEvaluation.Options o = new SemanticEvaluation.Options(SR, ReferenceMonoDecode.Variant.CORRECT, 3);
        SemanticReport r = run(tmp.resolve("gt"), tmp.resolve("gt"), dirs, o);
        for (String sub : SemanticEvaluation.SUBSETS) {
            assertEquals(0.0, r.of(sub).fad(), 1e-4, sub); // sqrtm rounding
            assertEquals(0.0, r.of(sub).kldSoftmax(), 1e-5, sub); // the 1e-6 floor on p_gen
        }
        // the reference's decode of the generated side differs from the correct one used for the truth
        SemanticReport quirky = run(tmp.resolve("gt"), tmp.resolve("gt"), dirs, SemanticEvaluation.Options.reference());
        assertTrue(quirky.of("monodecode").fad() > 1e-3, "operator-precedence decode must differ");
        assertEquals(0.0, quirky.of("w").fad(), 1e-4);
    }

    @Test
    void batchSize_doesNotChangeScores(@TempDir Path tmp) throws IOException {
        List<String> ids = List.of("a", "b", "c", "d", "e", "f", "g");
        Map<String, MapIndex> dirs = folders(tmp, ids, 9);
        List<SemanticReport> reports = new ArrayList<>();
        for (int b : new int[] {1, 3, 7}) {
            reports.add(run(
                    tmp.resolve("gen"),
                    tmp.resolve("gt"),
                    dirs,
                    new SemanticEvaluation.Options(SR, ReferenceMonoDecode.Variant.OPERATOR_PRECEDENCE_BUG, b)));
        }
        for (SemanticReport r : reports) {
            assertEquals(reports.get(0).scores(), r.scores());
        }
    }

    @Test
    void batchesEmbeddedApartAndInAnyOrder_giveTheSameReport_aMissingBatchIsNamed(@TempDir Path tmp)
            throws IOException {
        List<String> ids = List.of("a", "b", "c", "d", "e");
        Map<String, MapIndex> dirs = folders(tmp, ids, 11);
        SemanticEvaluation.Options o = new SemanticEvaluation.Options(SR, ReferenceMonoDecode.Variant.CORRECT, 2);
        SemanticEvaluation.Plan plan = SemanticEvaluation.plan(tmp.resolve("gen"), tmp.resolve("gt"), dirs, o);
        assertEquals(3, plan.batchCount());
        List<SemanticEvaluation.BatchOutput> reversed = new ArrayList<>();
        for (int b = plan.batchCount() - 1; b >= 0; b--) {
            reversed.add(SemanticEvaluation.embedBatch(plan, b, MODELS));
        }
        SemanticReport apart = SemanticEvaluation.report(plan, reversed);
        SemanticReport whole = run(tmp.resolve("gen"), tmp.resolve("gt"), dirs, o);
        assertEquals(whole.scores(), apart.scores());
        assertEquals(whole.clipCount(), apart.clipCount());
        var e = assertThrows(
                IllegalArgumentException.class, () -> SemanticEvaluation.report(plan, reversed.subList(0, 2)));
        assertTrue(e.getMessage().contains("batch 0"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> SemanticEvaluation.report(plan, List.of(reversed.get(0), reversed.get(0), reversed.get(1))));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
    }

    @Test
    void badInputs_oneClearMessageEach(@TempDir Path tmp) throws IOException {
        Map<String, MapIndex> dirs = folders(tmp, List.of("a", "b"), 11);
        SemanticEvaluation.Options o = SemanticEvaluation.Options.reference();
        Path gen = tmp.resolve("gen");
        Path gt = tmp.resolve("gt");

        write(gt.resolve("extra.wav"), SR, scene(new SplittableRandom(1), SR));
        String m = assertThrows(IllegalArgumentException.class, () -> run(gen, gt, dirs, o))
                .getMessage();
        assertTrue(m.contains("1 only in " + gt) && m.contains("'extra'"), m);
        Files.delete(gt.resolve("extra.wav"));

        String noDir = assertThrows(IllegalArgumentException.class, () -> run(gen, gt, Map.of("a", dirs.get("a")), o))
                .getMessage();
        assertTrue(noDir.contains("no camera direction") && noDir.contains("'b'"), noDir);

        write(gen.resolve("a.wav"), SR, new float[][] {new float[SR]});
        String mono = assertThrows(IllegalArgumentException.class, () -> run(gen, gt, dirs, o))
                .getMessage();
        assertTrue(mono.contains(gen.resolve("a.wav").toString()) && mono.contains("1 channels, expected 4"), mono);

        write(gen.resolve("a.wav"), 48_000, scene(new SplittableRandom(2), 48_000));
        String rate = assertThrows(IllegalArgumentException.class, () -> run(gen, gt, dirs, o))
                .getMessage();
        assertTrue(rate.contains("sample rate 48000 Hz, expected 16000 Hz"), rate);

        Path prepared = Files.createDirectories(tmp.resolve("prepared").resolve("monodecode"));
        String layout = assertThrows(IllegalArgumentException.class, () -> run(gen, prepared.getParent(), dirs, o))
                .getMessage();
        assertTrue(layout.contains("no w/"), layout);
    }

    @Test
    void silentClip_isReportedAndScored(@TempDir Path tmp) throws IOException {
        Map<String, MapIndex> dirs = folders(tmp, List.of("a", "b", "c"), 13);
        write(tmp.resolve("gen").resolve("b.wav"), SR, new float[4][3 * SR]);
        SemanticReport r = run(tmp.resolve("gen"), tmp.resolve("gt"), dirs, SemanticEvaluation.Options.reference());
        assertEquals(
                SemanticEvaluation.SUBSETS.size(),
                r.warnings().size(),
                r.warnings().toString());
        assertTrue(
                r.warnings().get(0).contains("b.wav") && r.warnings().get(0).contains("silent"),
                r.warnings().get(0));
        assertFalse(Double.isNaN(r.of("w").fad()));
    }

    @Test
    void waveform_followsWaveDataset() {
        float[] x = new float[1000];
        for (int i = 0; i < x.length; i++) {
            x[i] = 0.5f + (i % 2 == 0 ? 0.25f : -0.25f);
        }
        float[] p = EvaluationWaveform.prepare(x, SR, SR);
        assertEquals(EvaluationWaveform.MIN_SAMPLES, p.length, "padded to the minimum");
        assertEquals(0.25f, p[0], 1e-7);
        assertEquals(-0.25f, p[1], 1e-7);
        assertEquals(0f, p[1000]);
        float[] q = EvaluationWaveform.prepareForPasst(x, SR, 32_000);
        assertEquals(EvaluationWaveform.PASST_SAMPLES, q.length);
        float[] longer = EvaluationWaveform.prepareForPasst(new float[200_000], SR, 32_000);
        assertEquals(EvaluationWaveform.PASST_SAMPLES, longer.length, "16 kHz 12.5 s -> 32 kHz cut to 10 s");
    }
}
