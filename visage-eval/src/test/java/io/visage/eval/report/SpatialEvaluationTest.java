package io.visage.eval.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.audio.io.AudioBuffer;
import io.visage.audio.io.SampleFormat;
import io.visage.audio.io.Wav;
import io.visage.eval.FoaMetricsFixture;
import io.visage.eval.spatial.EqualAreaSampler;
import io.visage.nn.testing.FixtureTolerances;
import io.visage.nn.testing.TensorAssert;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpatialEvaluationTest {
    private static final FixtureTolerances TOL = FixtureTolerances.forSet(FoaMetricsFixture.SET);

    private static int sampleRate(FoaMetricsFixture f) {
        return f.fixture.get("gt_sample_rate").asInt();
    }

    private static SpatialEvalConfig config(FoaMetricsFixture f) {
        return new SpatialEvalConfig(
                f.config.get("clip_seconds").asInt(), 5, SpatialEvalConfig.REFERENCE.decoder(), f.grid());
    }

    private static void assertMaps(FoaMetricsFixture f, ClipMaps m) {
        assertMap(f, "gt.map", m.map());
        assertMap(f, "gt.map_1fps", flat(m.map1fps()));
        assertMap(f, "gt.map_5fps", flat(m.map5fps()));
    }

    private static void assertMap(FoaMetricsFixture f, String name, double[] actual) {
        TensorAssert.assertClose(name, f.io.shape(name), f.io.doubles(name), actual, TOL.rtol(name), TOL.atol(name));
    }

    /**
     * Windows of {@code windowSamples} the reference skips for a clip: those whose correlation is NaN
     * because the generated or the ground-truth audio is all zero there (after both are cut or
     * zero-padded to the clip length), as its evaluation rule states.
     */
    private static int silentWindows(float[][] gen, float[][] gt, int clipSamples, int windowSamples) {
        int skipped = 0;
        for (int start = 0; start < clipSamples; start += windowSamples) {
            if (silent(gen, start, windowSamples) || silent(gt, start, windowSamples)) {
                skipped++;
            }
        }
        return skipped;
    }

    private static boolean silent(float[][] audio, int start, int length) {
        for (float[] ch : audio) {
            for (int i = start; i < Math.min(ch.length, start + length); i++) {
                if (ch[i] != 0f) {
                    return false;
                }
            }
        }
        return true;
    }

    /** How many "Skipping ... NaN in <fps>fps setting" lines the reference printed, or -1 if it recorded none. */
    private static int recordedSkips(FoaMetricsFixture f, int fps) {
        JsonNode messages = f.fixture.get("eval_messages");
        if (messages == null || messages.isEmpty()) {
            return -1;
        }
        int n = 0;
        for (JsonNode m : messages) {
            if (m.asText().contains("NaN in " + fps + "fps")) {
                n++;
            }
        }
        return n;
    }

    @Test
    void groundTruthMaps_matchFixture() {
        try (FoaMetricsFixture f = new FoaMetricsFixture()) {
            ClipMaps m = ClipMaps.compute(f.audio("gt.audio", false), sampleRate(f), config(f));
            assertEquals(f.io.shape("gt.map_1fps")[0], m.map1fps().length);
            assertEquals(f.io.shape("gt.map_5fps")[0], m.map5fps().length);
            assertMaps(f, m);
        }
    }

    @Test
    void clipScores_matchFixtureWithinJitterTolerance() {
        try (FoaMetricsFixture f = new FoaMetricsFixture()) {
            int sr = sampleRate(f);
            float[][] gtAudio = f.audio("gt.audio", false);
            float[][] genAudio = f.audio("eval.audio", false);
            ClipMaps gt = ClipMaps.compute(gtAudio, sr, config(f));
            ClipMaps gen = ClipMaps.compute(genAudio, sr, config(f));
            int clip = config(f).clipSamples(sr);
            int skips1 = silentWindows(genAudio, gtAudio, clip, sr);
            int skips5 = silentWindows(genAudio, gtAudio, clip, config(f).fineWindowSamples(sr));
            for (int fps : new int[] {1, 5}) {
                int recorded = recordedSkips(f, fps);
                if (recorded >= 0) {
                    assertEquals(
                            recorded, fps == 1 ? skips1 : skips5, "skips the reference printed at " + fps + " fps");
                }
            }
            for (long seed = 0; seed < 3; seed++) {
                ClipScores s = SpatialEvaluation.scoreClip("clip", gen, gt, SpatialEvaluation.clipRng(seed, "clip"));
                TensorAssert.assertClose(
                        "eval.scores seed " + seed,
                        f.io.shape("eval.scores"),
                        f.io.doubles("eval.scores"),
                        s.values(),
                        TOL.rtol("eval.scores"),
                        TOL.atol("eval.scores"));
                assertEquals(skips1, s.skipped1fps(), "1 fps windows skipped");
                assertEquals(skips5, s.skipped5fps(), "5 fps windows skipped");
            }
        }
    }

    @Test
    void folders_prepareThenEvaluate_matchFixtureAndWriteJson(@TempDir Path tmp) throws IOException {
        try (FoaMetricsFixture f = new FoaMetricsFixture()) {
            int sr = sampleRate(f);
            Path gtWav = Files.createDirectories(tmp.resolve("gt-wav"));
            Path gtMaps = tmp.resolve("gt-maps");
            Path gen = Files.createDirectories(tmp.resolve("gen"));
            Wav.write(gtWav.resolve("c1.wav"), new AudioBuffer(sr, f.audio("gt.audio", false)), SampleFormat.FLOAT_32);
            Wav.write(gen.resolve("c1.wav"), new AudioBuffer(sr, f.audio("eval.audio", false)), SampleFormat.FLOAT_32);
            Files.writeString(gen.resolve("notes.txt"), "not audio");
            SpatialEvaluation.Options o = new SpatialEvaluation.Options(sr, config(f), 7);
            List<Path> npz = SpatialEvaluation.prepareGroundTruth(gtWav, gtMaps, o, EvaluationProgress.NONE);
            assertEquals(List.of(gtMaps.resolve("c1.npz")), npz);
            assertMaps(f, ClipMaps.readNpz(npz.get(0), EqualAreaSampler.sampledLength(f.grid())));

            int[] calls = new int[1];
            SpatialReport r = SpatialEvaluation.evaluate(gen, gtMaps, o, (done, total, id) -> calls[0]++);
            assertEquals(1, calls[0]);
            assertEquals(1, r.clips().size());
            TensorAssert.assertClose(
                    "eval.scores via folders",
                    f.io.shape("eval.scores"),
                    f.io.doubles("eval.scores"),
                    r.clips().get(0).values(),
                    TOL.rtol("eval.scores"),
                    TOL.atol("eval.scores"));
            // the same from the ground-truth WAVs directly (no prepared npz)
            SpatialReport direct = SpatialEvaluation.evaluate(gen, gtWav, o, EvaluationProgress.NONE);
            TensorAssert.assertClose(
                    "prepared vs on-the-fly ground truth", new long[] {6}, r.mean(), direct.mean(), 0, 1e-12);

            Path json = tmp.resolve("report.json");
            r.writeJson(json);
            JsonNode j = new ObjectMapper().readTree(json.toFile());
            JsonNode expected = f.fixture.get("eval_result_json");
            for (String k : SpatialReport.KEYS) {
                assertEquals(
                        expected.get(k).asDouble(),
                        Double.parseDouble(j.get("result").get(k).asText()),
                        TOL.atol("eval.scores") + 0.5e-4, // the reference rounds to 4 decimals
                        k);
                assertEquals(r.mean(k), j.get("clips").get("c1").get(k).asDouble(), 0.0, k);
            }
            assertEquals(1, j.get("clip_count").asInt());
        }
    }

    @Test
    void silentGeneratedClip_windowsSkippedAndClipExcludedFromMeans() {
        try (FoaMetricsFixture f = new FoaMetricsFixture()) {
            int sr = sampleRate(f);
            ClipMaps gt = ClipMaps.compute(f.audio("gt.audio", false), sr, config(f));
            ClipMaps silent = ClipMaps.compute(new float[4][sr], sr, config(f));
            ClipScores s = SpatialEvaluation.scoreClip("silent", silent, gt, SpatialEvaluation.clipRng(1, "silent"));
            assertTrue(Double.isNaN(s.corrAll()));
            assertEquals(gt.map1fps().length, s.skipped1fps());
            assertEquals(gt.map5fps().length, s.skipped5fps());
            ClipMaps gen = ClipMaps.compute(f.audio("eval.audio", false), sr, config(f));
            ClipScores ok = SpatialEvaluation.scoreClip("ok", gen, gt, SpatialEvaluation.clipRng(1, "ok"));
            SpatialReport r = SpatialReport.of(List.of(ok, s), 1, "REFERENCE_SQRT2");
            assertEquals(ok.corrAll(), r.mean("corr_all"), 0.0);
            assertEquals(1, r.excluded()[0]);
        }
    }

    @Test
    void wrongSampleRate_throwsNamingFileAndRates(@TempDir Path tmp) {
        Path w = tmp.resolve("x.wav");
        Wav.write(w, new AudioBuffer(48_000, new float[4][100]), SampleFormat.PCM_16);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> SpatialEvaluation.readFoa(w, SpatialEvaluation.REFERENCE_SAMPLE_RATE_HZ));
        assertTrue(
                e.getMessage().contains("x.wav")
                        && e.getMessage().contains("48000 Hz")
                        && e.getMessage().contains("16000 Hz"),
                e.getMessage());
        Path m = tmp.resolve("mono.wav");
        Wav.write(m, new AudioBuffer(16_000, new float[1][100]), SampleFormat.PCM_16);
        e = assertThrows(IllegalArgumentException.class, () -> SpatialEvaluation.readFoa(m, 16_000));
        assertTrue(
                e.getMessage().contains("mono.wav") && e.getMessage().contains("1 channels, expected 4"),
                e.getMessage());
    }

    @Test
    void missingGroundTruth_throwsNamingBothCandidates(@TempDir Path tmp) throws IOException {
        Path gen = Files.createDirectories(tmp.resolve("gen"));
        Wav.write(gen.resolve("abc.wav"), new AudioBuffer(16_000, new float[4][16_000]), SampleFormat.PCM_16);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> SpatialEvaluation.evaluate(
                        gen, tmp, SpatialEvaluation.Options.reference(0), EvaluationProgress.NONE));
        assertTrue(e.getMessage().contains("abc.npz") && e.getMessage().contains("abc.wav"), e.getMessage());
    }

    @Test
    void sampleRateNotTilingFineWindows_throws() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new SpatialEvaluation.Options(16_003, SpatialEvalConfig.REFERENCE, 0));
        assertTrue(e.getMessage().contains("16003"), e.getMessage());
    }

    static double[] flat(double[][] rows) {
        int w = rows.length == 0 ? 0 : rows[0].length;
        double[] out = new double[rows.length * w];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, out, r * w, w);
        }
        return out;
    }
}
