package io.visage.core.generate;

import io.visage.core.model.ModelKind;
import io.visage.core.model.TinyModels;
import io.visage.core.model.Visage;
import io.visage.core.model.VisageConfig;
import io.visage.core.pattern.CodePattern;
import io.visage.core.pattern.TokenGrid;
import io.visage.nn.ShapeMismatchException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.kernel.Parallelism;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Generation continuing a prompt: forced cells, sampled cells, RNG use, validation. */
class GeneratorPromptTest {
    private static Parallelism par;

    @BeforeAll
    static void pool() {
        par = new Parallelism(2);
    }

    @AfterAll
    static void close() {
        par.close();
    }

    private static TokenGrid randomCodes(Random rng, int batch, int frames, int k, int vocab) {
        long[] v = new long[batch * frames * k];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextInt(vocab);
        }
        return new TokenGrid(batch, frames, k, v);
    }

    @Test
    void forcedCells_equalThePrompt_andOnlyTheOtherCellsDrawFromTheRng() {
        VisageConfig cfg = TinyModels.config(16, 2, 12, 0.3);
        Visage m = Visage.random(cfg, ModelKind.AMBISONICS, 61, DataType.FLOAT);
        CodePattern p = m.pattern();
        Conditions c = TinyModels.conditions(new Random(62), cfg, 2, 1);
        int frames = cfg.targetFrames(1);
        int k = m.codebooks();
        int promptFrames = 5;
        assertTrue(promptFrames < frames, "the clip must generate frames after the prompt");
        TokenGrid prompt = randomCodes(new Random(63), 2, promptFrames, k, cfg.dacVocabSize());
        Generator gen = new Generator(m, par);
        for (Guidance g : List.of(new Guidance.None(), new Guidance.Single(2.5), new Guidance.Dual(2.0, 1.5))) {
            CountingRng rng = new CountingRng(64);
            Generation out =
                    gen.generate(c, g, new Sampler.TopK(4, 1.0, rng), Prompt.of(prompt), GenerationProgress.NONE);
            for (int b = 0; b < 2; b++) {
                for (int f = 0; f < promptFrames; f++) {
                    for (int j = 0; j < k; j++) {
                        String at = g + " clip " + b + " frame " + f + " codebook " + j;
                        assertEquals(prompt.get(b, f, j), out.rows().get(b, p.rowOf(j, f), j), at + " (row)");
                        assertEquals(prompt.get(b, f, j), out.codes().get(b, f, j), at + " (codes)");
                    }
                }
            }
            // one draw per sampled cell: (T - P) frames of K codebooks per clip, none for forced cells
            assertEquals(2L * (frames - promptFrames) * k, rng.draws(), g + ": RNG draws");
        }
    }

    @Test
    void firstSampledCell_isTheFullDecodersArgmaxGivenThePromptRows() {
        VisageConfig cfg = TinyModels.config(16, 2, 12, 0.3);
        Visage m = Visage.random(cfg, ModelKind.AMBISONICS, 71, DataType.FLOAT);
        CodePattern p = m.pattern();
        Random rng = new Random(72);
        Conditions c = TinyModels.conditions(rng, cfg, 2, 1);
        int k = m.codebooks();
        int promptFrames = 4;
        TokenGrid prompt = randomCodes(rng, 2, promptFrames, k, cfg.dacVocabSize());
        Generation out = new Generator(m, par)
                .generate(c, new Guidance.None(), new Sampler.Greedy(), Prompt.of(prompt), GenerationProgress.NONE);

        // rows 0 .. 2P-1 hold only cells of frames < P: the generation must have fed exactly the
        // prompt's interleaving there, and codebook 0 of frame P (row 2P) is the argmax after them
        int row = p.rowOf(0, promptFrames);
        TokenGrid fed = TokenGrid.stack(
                        interleaved(p, prompt.item(0), promptFrames), interleaved(p, prompt.item(1), promptFrames))
                .rowRange(0, row);
        assertEquals(fed, out.rows().rowRange(0, row));
        List<Tensor> enc = m.encoder()
                .forward(
                        Ops.inference(),
                        Tensor.constant(c.clip()),
                        Tensor.constant(c.energy()),
                        Tensor.constant(c.direction()));
        List<Tensor> full = m.decoder().forward(Ops.inference(), fed, enc.get(enc.size() - 1));
        INDArray last =
                full.get(full.size() - 1).value().get(NDArrayIndex.all(), NDArrayIndex.point(row), NDArrayIndex.all());
        INDArray logits =
                m.head(0).forward(Ops.inference(), Tensor.constant(last)).value();
        for (int b = 0; b < 2; b++) {
            assertEquals(
                    logits.getRow(b).argMax().getLong(0),
                    out.rows().get(b, row, 0),
                    "clip " + b + " frame P codebook 0");
        }
    }

    private static TokenGrid interleaved(CodePattern p, TokenGrid oneClip, int frames) {
        int k = p.codebooks();
        long[] km = new long[k * frames];
        for (int f = 0; f < frames; f++) {
            for (int j = 0; j < k; j++) {
                km[j * frames + f] = oneClip.get(0, f, j);
            }
        }
        return p.interleave(km, frames);
    }

    @Test
    void promptOfTheGreedyOutput_reproducesIt_andAnotherPromptChangesTheContinuation() {
        VisageConfig cfg = TinyModels.config(16, 2, 12, 0.3);
        Visage m = Visage.random(cfg, ModelKind.AMBISONICS, 81, DataType.FLOAT);
        Conditions c = TinyModels.conditions(new Random(82), cfg, 2, 1);
        Generator gen = new Generator(m, par);
        Guidance g = new Guidance.Single(2.5);
        Generation free = gen.generate(c, g, new Sampler.Greedy(), GenerationProgress.NONE);
        assertEquals(free, gen.generate(c, g, new Sampler.Greedy(), Prompt.none(), GenerationProgress.NONE));
        int promptFrames = 6;
        Generation own = gen.generate(
                c, g, new Sampler.Greedy(), Prompt.of(free.codes().rowRange(0, promptFrames)), GenerationProgress.NONE);
        assertEquals(free.rows(), own.rows());
        assertEquals(free.codes(), own.codes());

        TokenGrid other = randomCodes(new Random(83), 2, promptFrames, m.codebooks(), cfg.dacVocabSize());
        Generation steered = gen.generate(c, g, new Sampler.Greedy(), Prompt.of(other), GenerationProgress.NONE);
        int frames = cfg.targetFrames(1);
        assertNotEquals(
                free.codes().rowRange(promptFrames, frames),
                steered.codes().rowRange(promptFrames, frames),
                "the frames after a different prompt are conditioned on it");
    }

    @Test
    void badPrompts_areRejectedWithWhatIsWrong() {
        VisageConfig cfg = TinyModels.config(16, 2, 12, 0.3);
        Visage m = Visage.random(cfg, ModelKind.AMBISONICS, 91, DataType.FLOAT);
        Conditions c = TinyModels.conditions(new Random(92), cfg, 2, 1);
        Generator gen = new Generator(m, par);
        int k = m.codebooks();
        int frames = cfg.targetFrames(1);
        Random rng = new Random(93);
        Sampler greedy = new Sampler.Greedy();
        Guidance g = new Guidance.None();

        ShapeMismatchException batch = assertThrows(
                ShapeMismatchException.class,
                () -> gen.generate(c, g, greedy, Prompt.of(randomCodes(rng, 1, 3, k, 12)), GenerationProgress.NONE));
        assertTrue(batch.getMessage().contains("[2, P, " + k + "]"), batch.getMessage());
        assertThrows(
                ShapeMismatchException.class,
                () -> gen.generate(
                        c, g, greedy, Prompt.of(randomCodes(rng, 2, 3, k - 1, 12)), GenerationProgress.NONE));
        IllegalArgumentException tooLong = assertThrows(
                IllegalArgumentException.class,
                () -> gen.generate(
                        c, g, greedy, Prompt.of(randomCodes(rng, 2, frames + 1, k, 12)), GenerationProgress.NONE));
        assertTrue(tooLong.getMessage().contains(frames + " frames of the clip"), tooLong.getMessage());
        long[] v = randomCodes(rng, 2, 3, k, 12).values();
        v[5] = cfg.dacPadTokenId();
        IllegalArgumentException pad = assertThrows(
                IllegalArgumentException.class,
                () -> gen.generate(c, g, greedy, Prompt.of(new TokenGrid(2, 3, k, v)), GenerationProgress.NONE));
        assertTrue(pad.getMessage().contains("outside the vocabulary"), pad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Prompt.of(new TokenGrid(2, 0, k, new long[0])));
        assertEquals(0, Prompt.none().frames());
    }
}
