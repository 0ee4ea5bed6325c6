package io.visage.core.generate;

import io.visage.core.model.ModelKind;
import io.visage.core.model.TinyModels;
import io.visage.core.model.Visage;
import io.visage.core.model.VisageConfig;
import io.visage.core.pattern.TokenGrid;
import io.visage.nn.ConfigException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.kernel.WeightFormat;
import io.visage.nn.testing.TensorAssert;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Structural properties of generation on small random models. */
class GeneratorPropertiesTest {
    private static Parallelism par;

    @BeforeAll
    static void pool() {
        par = new Parallelism(2);
    }

    @AfterAll
    static void close() {
        par.close();
    }

    @Test
    void cachedDecoding_equalsFullRecompute_atEveryStep() {
        VisageConfig cfg = TinyModels.config(16, 2, 12, 0.3);
        Visage m = Visage.random(cfg, ModelKind.AMBISONICS, 21, DataType.FLOAT);
        Random rng = new Random(22);
        Conditions c = TinyModels.conditions(rng, cfg, 2, 2);
        Generator gen = new Generator(m, par);
        int steps = 9;
        DecodingSession s = gen.start(c, new Guidance.None(), steps);
        int k = m.codebooks();
        List<Tensor> enc = m.encoder()
                .forward(
                        Ops.inference(),
                        Tensor.constant(c.clip()),
                        Tensor.constant(c.energy()),
                        Tensor.constant(c.direction()));
        long[] fed = new long[2 * (steps - 1) * k];
        long[] prev = null;
        for (int step = 0; step < steps; step++) {
            float[] hidden = s.step(prev).clone();
            TokenGrid inputs = new TokenGrid(2, step, k, rowsUpTo(fed, steps - 1, k, step));
            List<Tensor> full = m.decoder().forward(Ops.inference(), inputs, enc.get(enc.size() - 1));
            INDArray last = full.get(full.size() - 1)
                    .value()
                    .get(NDArrayIndex.all(), NDArrayIndex.point(step), NDArrayIndex.all());
            TensorAssert.assertClose(
                    "step " + step, last, Nd4j.create(hidden, new long[] {2, cfg.dModel()}, 'c'), 1e-4, 1e-5);
            float[] logits = s.headLogits(3).clone();
            INDArray fullLogits =
                    m.head(3).forward(Ops.inference(), Tensor.constant(last)).value();
            TensorAssert.assertClose(
                    "head 3 step " + step,
                    fullLogits,
                    Nd4j.create(logits, new long[] {2, cfg.dacVocabSize()}, 'c'),
                    1e-4,
                    1e-5);
            prev = new long[2 * k];
            for (int i = 0; i < prev.length; i++) {
                prev[i] = rng.nextInt(cfg.dacVocabSize() + 1); // codes and the pad id
            }
            if (step < steps - 1) {
                for (int b = 0; b < 2; b++) {
                    System.arraycopy(prev, b * k, fed, (b * (steps - 1) + step) * k, k);
                }
            }
        }
    }

    private static long[] rowsUpTo(long[] fed, int capacity, int k, int rows) {
        long[] out = new long[2 * rows * k];
        for (int b = 0; b < 2; b++) {
            System.arraycopy(fed, b * capacity * k, out, b * rows * k, rows * k);
        }
        return out;
    }

    @Test
    void bf16AndInt8Weights_followTheFp32Logits_withLessWeightTraffic() {
        // d = 64, FFN 128: the vector kernels' main loops run (bf16 16 and int8 32 columns per step here)
        VisageConfig cfg = TinyModels.config(64, 2, 40, 0.3);
        Visage m = Visage.random(cfg, ModelKind.AMBISONICS, 61, DataType.FLOAT);
        Conditions c = TinyModels.conditions(new Random(62), cfg, 1, 1);
        Guidance g = new Guidance.Single(2.5);
        Generator ref = new Generator(m, par);
        int steps = ref.steps(1);
        int frames = cfg.targetFrames(1);
        for (WeightFormat f : List.of(WeightFormat.BF16, WeightFormat.INT8)) {
            Generator low = new Generator(m, par, f);
            DecodingSession a = ref.start(c, g, steps);
            DecodingSession b = low.start(c, g, steps);
            assertTrue(
                    b.weightBytesPerStep(m.codebooks()) < 0.6 * a.weightBytesPerStep(m.codebooks()),
                    f + ": " + b.weightBytesPerStep(m.codebooks()) + " vs " + a.weightBytesPerStep(m.codebooks()));
            double se = 0;
            double ss = 0;
            long[] row = null;
            int v = cfg.dacVocabSize();
            for (int step = 0; step < steps; step++) {
                a.step(row);
                b.step(row);
                row = new long[m.codebooks()];
                java.util.Arrays.fill(row, cfg.dacPadTokenId());
                for (int head : m.pattern().liveHeads(step, frames)) {
                    float[] la = a.guidedLogits(head);
                    float[] lb = b.guidedLogits(head);
                    for (int i = 0; i < v; i++) {
                        se += (lb[i] - la[i]) * (double) (lb[i] - la[i]);
                        ss += la[i] * (double) la[i];
                    }
                    row[head] = new Sampler.Greedy().sample(la, 0, v);
                }
            }
            double rel = Math.sqrt(se / ss);
            assertTrue(rel > 0 && rel < (f == WeightFormat.BF16 ? 0.02 : 0.06), f + ": relative logit error " + rel);
        }
    }

    @Test
    void batchOfTwo_equalsEachClipAlone() {
        VisageConfig cfg = TinyModels.config(16, 2, 12, 0.3);
        Visage m = Visage.random(cfg, ModelKind.AMBISONICS, 31, DataType.FLOAT);
        Conditions both = TinyModels.conditions(new Random(32), cfg, 2, 1);
        Generator gen = new Generator(m, par);
        for (Guidance g : List.of(new Guidance.Single(2.5), new Guidance.Dual(2.0, 1.5))) {
            Generation together = gen.generate(both, g, new Sampler.Greedy(), GenerationProgress.NONE);
            for (int b = 0; b < 2; b++) {
                Conditions one = new Conditions(
                        both.clip().get(NDArrayIndex.interval(b, b + 1)).dup(),
                        both.energy().get(NDArrayIndex.interval(b, b + 1)).dup(),
                        both.direction().get(NDArrayIndex.interval(b, b + 1)).dup());
                Generation alone = gen.generate(one, g, new Sampler.Greedy(), GenerationProgress.NONE);
                assertEquals(alone.codes(), together.codes().item(b), g + " item " + b);
            }
            assertEquals(cfg.outputFrames(1), together.codes().rows());
        }
    }

    @Test
    void topK_isReproducibleForASeed_andStaysInTheTopK() {
        Random rng = new Random(41);
        float[] logits = new float[50];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) rng.nextGaussian();
        }
        float[] sorted = logits.clone();
        Arrays.sort(sorted);
        int k = 5;
        Sampler a = new Sampler.TopK(k, 0.7, new SplittableRandom(3));
        Sampler b = new Sampler.TopK(k, 0.7, new SplittableRandom(3));
        int[] counts = new int[logits.length];
        for (int i = 0; i < 2000; i++) {
            int x = a.sample(logits, 0, logits.length);
            assertEquals(x, b.sample(logits, 0, logits.length));
            assertTrue(logits[x] >= sorted[logits.length - k], "index " + x + " is outside the top " + k);
            counts[x]++;
        }
        assertEquals(k, Arrays.stream(counts).filter(n -> n > 0).count(), "all top-k entries are drawn");
        assertEquals(
                new Sampler.Greedy().sample(logits, 0, logits.length),
                new Sampler.TopK(1, 1.0, new SplittableRandom(9)).sample(logits, 0, logits.length));
        assertThrows(IllegalArgumentException.class, () -> a.sample(logits, 0, 4));
    }

    @Test
    void greedy_tiesPickTheFirstIndex() {
        assertEquals(1, new Sampler.Greedy().sample(new float[] {0f, 2f, 2f, 1f}, 0, 4));
    }

    @Test
    void clipLongerThanPositionTables_isRejectedWithTheLimit() {
        VisageConfig cfg = TinyModels.config(16, 2, 12, 0.3);
        Visage m = Visage.random(cfg, ModelKind.AMBISONICS, 31, DataType.FLOAT);
        Generator gen = new Generator(m, par);
        Conditions c = TinyModels.conditions(new Random(1), cfg, 1, cfg.maxSourceLength());
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> gen.generate(c, new Guidance.Single(1), new Sampler.Greedy(), GenerationProgress.NONE));
        assertTrue(e.getMessage().contains("max_target_length " + cfg.maxTargetLength()), e.getMessage());
    }

    @Test
    void monoModel_generatesNineStreamLayout_withClipOnlyGuidance() {
        VisageConfig cfg = TinyModels.config(16, 3, 12, 0.3);
        Visage m = Visage.random(cfg, ModelKind.MONO, 51, DataType.FLOAT);
        Conditions c = new Conditions(TinyModels.randn(new Random(52), DataType.FLOAT, 1, 1, cfg.dClip()), null, null);
        Generation g = new Generator(m, par)
                .generate(c, new Guidance.Single(2.0), new Sampler.Greedy(), GenerationProgress.NONE);
        int frames = cfg.targetFrames(1);
        assertEquals(2 * frames, g.rows().rows());
        assertArrayEquals(
                new long[] {1, cfg.outputFrames(1), cfg.numRvq()}, g.codes().shape());
        for (long v : g.codes().values()) {
            assertTrue(v >= 0 && v < cfg.dacVocabSize(), "code " + v);
        }
    }
}
