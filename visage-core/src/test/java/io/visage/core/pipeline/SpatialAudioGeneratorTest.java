package io.visage.core.pipeline;

import io.visage.audio.dac.Dac;
import io.visage.audio.dac.DacCodec;
import io.visage.audio.dac.DacConfig;
import io.visage.core.clip.ClipVisionConfig;
import io.visage.core.clip.ClipVisionTransformer;
import io.visage.core.frontend.VideoFeatures;
import io.visage.core.generate.CountingRng;
import io.visage.core.generate.GenerationProgress;
import io.visage.core.generate.Sampler;
import io.visage.core.model.ModelKind;
import io.visage.core.model.TinyModels;
import io.visage.core.model.Visage;
import io.visage.core.model.VisageConfig;
import io.visage.core.pattern.TokenGrid;
import io.visage.nn.ConfigException;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.module.RandomParams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Long videos through the whole model end (tiny random ViSAGe with 1-s windows, a tiny random
 * 44.1-kHz DAC): one window unchanged, continuing windows prompted with the previous codes and
 * decoded on the same sample grid, overlap 0 as independent windows, output lengths.
 */
class SpatialAudioGeneratorTest {
    private static final int WINDOW = 4; // CLIP frames = 1 s
    private static Parallelism par;
    private static Components nets;

    @BeforeAll
    static void build() {
        par = new Parallelism(2);
        VisageConfig probe = VisageConfig.builder().maxSourceLength(WINDOW).build();
        VisageConfig cfg = VisageConfig.builder()
                .dModel(16)
                .encoderLayers(1)
                .decoderLayers(1)
                .encoderAttentionHeads(2)
                .decoderAttentionHeads(2)
                .encoderFfnDim(32)
                .decoderFfnDim(32)
                .dClip(8)
                .initStd(0.3)
                .maxSourceLength(WINDOW)
                .maxTargetLength(2 * probe.targetFrames(WINDOW) + 1)
                .cfgGuidanceScale(2.5)
                .build();
        ClipVisionTransformer clip;
        try (RandomParams p = new RandomParams(11)) {
            clip = ClipVisionTransformer.create(p, "", new ClipVisionConfig(32, 16, 16, 1, 2, cfg.dClip()));
        }
        Visage model = Visage.random(cfg, ModelKind.AMBISONICS, 12, DataType.FLOAT);
        DacCodec codec = DacCodec.of(
                Dac.random(DacConfig.builder().encoderDim(4).decoderDim(32).build(), 13));
        nets = new Components(clip, model, codec, true);
        // decodes of the same codes differ in the last digits while the JIT replaces the Vector API's
        // Java fallback of the codec's sine by its intrinsic (up to ~1e-3 on the first decode, 2e-5
        // seen later), so audio is compared with sameAudio below; codes are compared exactly
        new DacCodesToAudio(codec, 64).decode(TokenGrid.filled(1, 8, model.codebooks(), 1));
    }

    /**
     * Equal length, and equal samples up to the codec's float rounding (2e-3 of the peak: the
     * JIT-dependent sine differences are amplified by this random DAC, up to ~1e-3 seen; a wrong
     * join or window would differ at full scale).
     */
    private static void sameAudio(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double peak = 0;
        for (float v : expected) {
            peak = Math.max(peak, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 2e-3 * peak + 1e-7, what + ": sample " + i);
        }
    }

    @AfterAll
    static void close() {
        nets.close();
        par.close();
    }

    private static VisageConfig cfg() {
        return nets.model().config();
    }

    private static VideoFeatures features(int frames, long seed) {
        Random rng = new Random(seed);
        float[][] energy = new float[frames][VisageConfig.ENERGY_MAP_SIZE];
        for (float[] row : energy) {
            double sum = 0;
            for (int j = 0; j < row.length; j++) {
                row[j] = rng.nextFloat() + 1e-3f;
                sum += row[j];
            }
            for (int j = 0; j < row.length; j++) {
                row[j] /= (float) sum;
            }
        }
        return new VideoFeatures(
                TinyModels.randn(rng, DataType.FLOAT, frames, cfg().dClip()),
                Nd4j.createFromArray(energy),
                Nd4j.createFromArray(new float[] {0.6f, 0.8f, 0f}));
    }

    private static SpatialAudioGenerator generator() {
        return new SpatialAudioGenerator(nets, par, 4, 64);
    }

    private static int codecRate() {
        return nets.codec().config().sampleRateHz();
    }

    private static INDArray rows(INDArray a, int from, int to) {
        return a.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).dup('c');
    }

    @Test
    void clipOfAtMostOneWindow_isGeneratedExactlyAsBefore_whateverTheOverlap() {
        VisagePipeline pipeline = new VisagePipeline(nets.model(), par);
        DacCodesToAudio dac = new DacCodesToAudio(nets.codec(), 64);
        for (int frames : new int[] {WINDOW, WINDOW - 1}) {
            VideoFeatures f = features(frames, 20 + frames);
            TokenGrid expected = pipeline.codes(
                    f.clip(),
                    f.energyMap(),
                    f.direction(),
                    pipeline.defaultGuidance(),
                    new Sampler.TopK(16, 1.0, new SplittableRandom(5)),
                    GenerationProgress.NONE);
            float[][] audio = dac.decode(expected);
            assertEquals(cfg().outputFrames(frames) * cfg().dacDownsampleRate(), audio[0].length);
            for (double overlap : new double[] {0, 0.25, 0.75}) {
                for (WindowPlan.Join join : WindowPlan.Join.values()) {
                    SpatialAudioGenerator.Result r = generator()
                            .generate(
                                    f,
                                    new SpatialAudioGenerator.Options(
                                            null,
                                            new Sampler.TopK(16, 1.0, new SplittableRandom(5)),
                                            codecRate(),
                                            overlap,
                                            join),
                                    PipelineProgress.NONE);
                    String at = frames + " frames, overlap " + overlap + " " + join;
                    assertEquals(List.of(expected), r.codes(), at);
                    for (int c = 0; c < 4; c++) {
                        sameAudio(audio[c], r.codecAudio()[c], at + " channel " + c);
                    }
                }
            }
        }
    }

    @Test
    void continuingWindows_startWithThePreviousCodes_decodeOnItsSampleGrid_andLastTheExpectedLength() {
        int frames = 10; // windows [0, 4), [2, 6), [4, 8), [6, 10)
        double overlap = 0.5;
        VideoFeatures f = features(frames, 31);
        CountingRng rng = new CountingRng(32);
        SpatialAudioGenerator.Result r = generator()
                .generate(
                        f,
                        new SpatialAudioGenerator.Options(
                                null, new Sampler.TopK(16, 1.0, rng), 16000, overlap, WindowPlan.Join.CROSSFADE),
                        PipelineProgress.NONE);
        WindowPlan plan = r.windows();
        assertEquals(WindowPlan.of(cfg(), frames, overlap).windows(), plan.windows());
        assertEquals(4, plan.windows().size());
        int k = nets.model().codebooks();
        int h = cfg().dacDownsampleRate();
        long draws = 0;
        DacCodesToAudio dac = new DacCodesToAudio(nets.codec(), 64);
        for (WindowPlan.Window w : plan.windows()) {
            TokenGrid codes = r.codes().get(w.index());
            assertEquals(w.outputFrames(), codes.rows());
            draws += (long) (w.generatedFrames() - w.promptFrames()) * k;
            if (w.index() == 0) {
                continue;
            }
            assertTrue(w.promptFrames() > 0);
            TokenGrid previous = r.codes().get(w.index() - 1);
            assertEquals(
                    previous.rowRange(w.promptFrom(), w.promptFrom() + w.promptFrames()),
                    codes.rowRange(0, w.promptFrames()),
                    "window " + w.index() + " starts with the previous window's overlap codes");
            // the prompt decodes at the same output samples in both windows (away from the decodes' edges)
            float[][] before = dac.decode(previous);
            float[][] after = dac.decode(codes);
            int mid = (w.promptFrames() / 2) * h;
            long shift = w.audioOffset() - plan.windows().get(w.index() - 1).audioOffset();
            double diff = 0;
            double energy = 0;
            for (int s = mid - 4 * h; s < mid + 4 * h; s++) {
                double a = before[0][(int) (s + shift)];
                double b = after[0][s];
                diff += (a - b) * (a - b);
                energy += a * a;
            }
            assertTrue(energy > 0);
            assertTrue(diff < 1e-6 * energy, "window " + w.index() + ": relative difference " + diff / energy);
        }
        assertEquals(draws, rng.draws(), "one draw per sampled cell, none for the prompt");

        WindowPlan.Window last = plan.windows().get(3);
        long expected = (long) last.startFrame() * codecRate() / cfg().clipFrameRate() + (long) last.outputFrames() * h;
        assertEquals(expected, plan.totalSamples());
        for (float[] ch : r.codecAudio()) {
            assertEquals(expected, ch.length);
        }
        assertEquals((long) Math.ceil(expected * 16000.0 / codecRate()), r.foa()[0].length);
    }

    @Test
    void noOverlap_isTheOldIndependentWindows_cutToTheirDuration() {
        int frames = 10; // windows [0, 4), [4, 8), [8, 10)
        VideoFeatures f = features(frames, 41);
        VisagePipeline pipeline = new VisagePipeline(nets.model(), par);
        DacCodesToAudio dac = new DacCodesToAudio(nets.codec(), 64);
        Sampler sampler = new Sampler.TopK(16, 1.0, new SplittableRandom(42));
        List<TokenGrid> codes = new ArrayList<>();
        float[][] expected = new float[4][0];
        for (int start = 0; start < frames; start += WINDOW) {
            int end = Math.min(frames, start + WINDOW);
            TokenGrid c = pipeline.codes(
                    rows(f.clip(), start, end),
                    rows(f.energyMap(), start, end),
                    f.direction(),
                    pipeline.defaultGuidance(),
                    sampler,
                    GenerationProgress.NONE);
            codes.add(c);
            float[][] a = dac.decode(c);
            int keep = end < frames ? (end - start) * codecRate() / cfg().clipFrameRate() : a[0].length;
            for (int ch = 0; ch < 4; ch++) {
                float[] joined = Arrays.copyOf(expected[ch], expected[ch].length + keep);
                System.arraycopy(a[ch], 0, joined, expected[ch].length, keep);
                expected[ch] = joined;
            }
        }
        SpatialAudioGenerator.Result r = generator()
                .generate(
                        f,
                        new SpatialAudioGenerator.Options(
                                null,
                                new Sampler.TopK(16, 1.0, new SplittableRandom(42)),
                                codecRate(),
                                0.0,
                                WindowPlan.Join.CROSSFADE),
                        PipelineProgress.NONE);
        assertEquals(codes, r.codes());
        for (int ch = 0; ch < 4; ch++) {
            sameAudio(expected[ch], r.codecAudio()[ch], "channel " + ch);
        }
    }

    @Test
    void badOverlap_isRejectedBeforeAnyWork() {
        VideoFeatures f = features(6, 51);
        Sampler s = new Sampler.Greedy();
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> generator()
                        .generate(
                                f,
                                new SpatialAudioGenerator.Options(null, s, 16000, 0.1, WindowPlan.Join.CUT),
                                PipelineProgress.NONE));
        assertTrue(e.getMessage().contains("multiple of 1/4 s"), e.getMessage());
        ConfigException hop = assertThrows(
                ConfigException.class,
                () -> generator()
                        .generate(
                                f,
                                new SpatialAudioGenerator.Options(null, s, 16000, 1.0, WindowPlan.Join.CUT),
                                PipelineProgress.NONE));
        assertTrue(hop.getMessage().contains("leaves no hop"), hop.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new SpatialAudioGenerator.Options(null, s, 16000, -0.25, WindowPlan.Join.CUT));
        assertThrows(IllegalArgumentException.class, () -> new SpatialAudioGenerator.Options(null, s, 16000, 1, null));
        assertEquals(
                SpatialAudioGenerator.Options.DEFAULT_OVERLAP_SECONDS,
                new SpatialAudioGenerator.Options(null, s, 16000).overlapSeconds());
    }
}
