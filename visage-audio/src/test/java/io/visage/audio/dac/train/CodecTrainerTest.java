package io.visage.audio.dac.train;

import io.visage.audio.dac.Dac;
import io.visage.audio.dac.DacCodec;
import io.visage.audio.dac.DacConfig;
import io.visage.audio.dac.DacEncoding;
import io.visage.nn.CheckpointFormatException;
import io.visage.nn.ConfigException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.io.Safetensors;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorSource;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.module.RandomParams;
import io.visage.nn.testing.GradCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CodecTrainerTest {
    static final int SR = 16000;

    /** A small codec that learns tones in a few steps: hop 8, 2 levels of 16 entries. */
    static final DacConfig SMALL = DacConfig.builder()
            .encoderDim(4)
            .encoderRates(2, 4)
            .decoderDim(32)
            .decoderRates(4, 2)
            .codebookSize(16)
            .codebooks(2, 4)
            .sampleRateHz(SR)
            .build();

    static final List<MelScale> SCALES = List.of(new MelScale(256, 64, 20), new MelScale(64, 16, 10));

    private static Parallelism par;

    @BeforeAll
    static void pool() {
        par = new Parallelism(1);
    }

    @AfterAll
    static void closePool() {
        par.close();
    }

    static CodecTrainConfig.Builder recipe() {
        return CodecTrainConfig.builder()
                .segmentSamples(512)
                .batchSize(4)
                .steps(20)
                .learningRate(1e-3)
                .seed(42)
                .melScales(SCALES);
    }

    /** Periodic tones (sines and squares at multiples of 250 Hz) with FOA-like gains and sign flips. */
    static float[][] tones(long seed, int channels, int samples) {
        Random r = new Random(seed);
        float[][] out = new float[channels][samples];
        for (int c = 0; c < channels; c++) {
            double f = 250.0 * (1 + r.nextInt(4));
            double gain = 2 * r.nextDouble() - 1;
            boolean square = r.nextBoolean();
            for (int i = 0; i < samples; i++) {
                double s = Math.sin(2 * Math.PI * f * i / SR);
                out[c][i] = (float) (0.5 * gain * (square ? Math.signum(s) : s));
            }
        }
        return out;
    }

    @Test
    void aFewStepsOnTones_lowerTheLoss() {
        float[][] tones = tones(1, 4, 4000);
        CodecTrainingData data = CodecTrainingData.of(SR, tones);
        CodecTrainer t = CodecTrainer.start(SMALL, recipe().build(), data, par);
        // a fixed batch: the first 512 samples of every channel
        INDArray fixed = Nd4j.create(DataType.FLOAT, 4, 1, 512);
        for (int c = 0; c < 4; c++) {
            fixed.get(
                            org.nd4j.linalg.indexing.NDArrayIndex.point(c),
                            org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                            org.nd4j.linalg.indexing.NDArrayIndex.all())
                    .assign(Nd4j.createFromArray(java.util.Arrays.copyOf(tones[c], 512)));
        }
        CodecLoss.Terms before = t.evaluate(fixed);
        for (int i = 0; i < 30; i++) {
            CodecTrainer.StepResult r = t.step();
            assertEquals(i + 1, r.step());
            assertEquals(
                    r.total(),
                    15 * r.mel() + r.l1() + 0.25 * r.commitment() + r.codebook(),
                    1e-4 * r.total(),
                    "the total is the weighted sum of the terms");
        }
        CodecLoss.Terms after = t.evaluate(fixed);
        // seeded, so not flaky; measured: total 33.8 -> 26.2, mel 2.12 -> 1.66 (the VQ terms fall too)
        assertTrue(
                after.total().item() < 0.85 * before.total().item(),
                "total loss on a fixed batch fell from " + before.total().item() + " to only "
                        + after.total().item());
        assertTrue(
                after.mel() < 0.85 * before.mel(),
                "mel loss on a fixed batch fell from " + before.mel() + " to only " + after.mel());
    }

    @Test
    void resumedRun_equalsAnUninterruptedOne(@TempDir Path dir) {
        CodecTrainingData data = CodecTrainingData.of(SR, tones(2, 4, 3000));
        CodecTrainConfig c = recipe().steps(4).build();
        Path straight = dir.resolve("straight");
        Path split = dir.resolve("split");
        double[] expected = run(CodecTrainer.start(SMALL, c, data, par), straight, 4);

        double[] first = run(CodecTrainer.start(SMALL, c, data, par), split, 2);
        Path ckpt = CodecTrainer.latestCheckpoint(split);
        assertEquals(split.resolve("checkpoint-2"), ckpt);
        CodecTrainer resumed =
                CodecTrainer.resume(ckpt, recipe().steps(4).seed(999).build(), data, par);
        assertEquals(2, resumed.stepCount());
        assertEquals(42, resumed.config().seed(), "the seed comes from the checkpoint");
        double[] second = runOn(resumed, split, 2);
        double[] got = {first[0], first[1], second[0], second[1]};
        assertArrayEquals(expected, got, 0.0, "losses of 2 + 2 resumed steps equal those of 4 steps");
        assertArrayEquals(
                expected, CodecLossLog.column(split.resolve(CodecLossLog.FILE), "total"), 0.0, "the resumed log");
        INDArray a = Dac.load(CodecTrainer.weightsIn(straight.resolve("checkpoint-4")))
                .stateDict()
                .get("decoder.model.0.weight_v")
                .value();
        INDArray b = Dac.load(CodecTrainer.weightsIn(split.resolve("checkpoint-4")))
                .stateDict()
                .get("decoder.model.0.weight_v")
                .value();
        assertEquals(a, b, "the weights after 4 steps are equal");
    }

    private static double[] run(CodecTrainer t, Path dir, int steps) {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return runOn(t, dir, steps);
    }

    private static double[] runOn(CodecTrainer t, Path dir, int steps) {
        CodecLossLog log = CodecLossLog.open(dir, t.stepCount());
        double[] out = new double[steps];
        for (int i = 0; i < steps; i++) {
            CodecTrainer.StepResult r = t.step();
            log.append(r);
            out[i] = r.total();
        }
        t.save(dir);
        return out;
    }

    @Test
    void checkpointAndFinal_useTheOfficialKeys_andLoadWithDacLoad_andDecode(@TempDir Path dir) throws Exception {
        CodecTrainingData data = CodecTrainingData.of(SR, tones(3, 2, 2000));
        CodecTrainer t = CodecTrainer.start(SMALL, recipe().steps(1).build(), data, par);
        t.step();
        Path ckpt = t.save(dir);
        Path fin = t.saveFinal(dir);
        for (String f : List.of(
                CodecTrainer.WEIGHTS_FILE, Dac.CONFIG_FILE, CodecTrainer.OPTIMIZER_FILE, CodecTrainerState.FILE)) {
            assertTrue(Files.isRegularFile(ckpt.resolve(f)), "checkpoint holds " + f);
        }
        assertTrue(Files.isRegularFile(fin.resolve(CodecTrainer.WEIGHTS_FILE)));
        assertTrue(Files.isRegularFile(fin.resolve(Dac.CONFIG_FILE)));
        assertTrue(!Files.exists(fin.resolve(CodecTrainer.OPTIMIZER_FILE)), "final/ holds no optimizer state");
        try (TensorSource src = TensorFiles.open(CodecTrainer.weightsIn(fin))) {
            assertTrue(src instanceof Safetensors);
            List<String> names = src.tensors().stream().map(i -> i.name()).toList();
            for (String k : List.of(
                    "encoder.block.0.weight_g",
                    "encoder.block.0.weight_v",
                    "encoder.block.0.bias",
                    "encoder.block.1.block.0.block.0.alpha",
                    "quantizer.quantizers.0.codebook.weight",
                    "quantizer.quantizers.1.in_proj.weight_v",
                    "decoder.model.1.block.1.weight_g")) {
                assertTrue(names.contains(k), "weights hold " + k + " (have " + names.size() + " tensors)");
            }
            assertEquals(t.model().stateDict().size(), names.size());
        }
        Dac loaded = Dac.load(CodecTrainer.weightsIn(fin));
        assertEquals(SMALL, loaded.config());
        INDArray x = Nd4j.create(tones(4, 1, 256)[0]).reshape(1, 1, 256).castTo(DataType.FLOAT);
        DacEncoding ref = t.model().encode(Ops.inference(), Tensor.constant(x), 2);
        INDArray refAudio = t.model().decode(Ops.inference(), ref.z()).value();
        try (DacCodec codec = DacCodec.load(CodecTrainer.weightsIn(fin))) {
            DacEncoding e = codec.encode(x);
            assertEquals(ref.codes(), e.codes(), "the loaded codec gives the trained model's codes");
            INDArray y = codec.decodeCodes(e.codes(), 8);
            assertEquals(256, y.size(2));
            double maxDiff = Math.abs(y.sub(refAudio).maxNumber().doubleValue());
            maxDiff = Math.max(maxDiff, Math.abs(y.sub(refAudio).minNumber().doubleValue()));
            assertTrue(maxDiff < 1e-4, "decoded audio differs from the trained model's by " + maxDiff);
        }
    }

    @Test
    void badInput_isNamed(@TempDir Path dir) throws Exception {
        CodecTrainingData data = CodecTrainingData.of(SR, tones(5, 1, 1000));
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> CodecTrainer.start(SMALL, recipe().segmentSamples(500).build(), data, par));
        assertTrue(e.getMessage().contains("hop length 8"), e.getMessage());
        ConfigException rate = assertThrows(
                ConfigException.class,
                () -> CodecTrainer.start(SMALL, recipe().build(), CodecTrainingData.of(8000, tones(5, 1, 900)), par));
        assertTrue(rate.getMessage().contains("8000 Hz"), rate.getMessage());
        Files.createDirectories(dir.resolve("checkpoint-3"));
        CheckpointFormatException c = assertThrows(
                CheckpointFormatException.class,
                () -> CodecTrainer.resume(dir.resolve("checkpoint-3"), recipe().build(), data, par));
        assertTrue(c.getMessage().contains(CodecTrainer.WEIGHTS_FILE), c.getMessage());
        assertThrows(ConfigException.class, () -> recipe().learningRate(0).build());
        assertThrows(
                ConfigException.class,
                () -> recipe().lossWeights(15, -1, 0.25, 1).build());
    }

    /** One quantizer level: in one level the straight-through path feeds no later level (see below). */
    static final DacConfig TINY = DacConfig.builder()
            .encoderDim(2)
            .encoderRates(2, 3)
            .decoderDim(8)
            .decoderRates(3, 2)
            .codebookSize(5)
            .codebooks(1, 3)
            .sampleRateHz(1000)
            .build();

    /**
     * Finite differences of the codec's loss in float64. The decoder and out_proj get the true
     * gradient of the whole loss (checked on the total); the encoder and in_proj get DAC's
     * straight-through estimate of the reconstruction terms, which is not the (zero almost
     * everywhere) derivative of the quantised forward, so they are checked on the commitment term, and
     * the codebook on the codebook term: each term's gradient is stopped on the other side (the
     * reference's {@code detach()}), so the sum of both would differ from its finite difference.
     * The decoder's odd rate 3 gives 6T − 2 samples: the length crop is exercised too.
     */
    @Test
    void totalLoss_gradientMatchesFiniteDifferences_inDouble() {
        Dac dac;
        try (RandomParams p = new RandomParams(12, DataType.DOUBLE)) {
            dac = Dac.create(p, TINY);
        }
        CodecLoss loss = new CodecLoss(
                new MelSpectrogramLoss(1000, List.of(new MelScale(16, 4, 4), new MelScale(8, 2, 2))), 15, 1, 0.25, 1);
        Tensor audio = Tensor.constant(GradCheck.randn(new Random(3), 2, 1, 48).muli(0.5));
        int[] levels = {1, 1};
        Map<String, Tensor> sd = dac.stateDict();
        Map<String, Tensor> decoderSide = new LinkedHashMap<>();
        for (String k : List.of(
                "decoder.model.0.weight_v",
                "decoder.model.0.weight_g",
                "decoder.model.1.block.0.alpha",
                "decoder.model.1.block.1.weight_v",
                "decoder.model.1.block.1.bias",
                "decoder.model.2.block.2.block.1.weight_g",
                "decoder.model.4.weight_v",
                "quantizer.quantizers.0.out_proj.weight_v",
                "quantizer.quantizers.0.out_proj.bias")) {
            decoderSide.put(k, sd.get(k));
        }
        GradCheck.check(
                "codec total loss (decoder side)",
                decoderSide,
                ops -> loss.compute(ops, dac, audio, levels).total(),
                6,
                21);
        Map<String, Tensor> encoderSide = new LinkedHashMap<>();
        for (String k : List.of(
                "encoder.block.0.weight_v",
                "encoder.block.1.block.0.block.0.alpha",
                "encoder.block.2.block.4.weight_g",
                "encoder.block.4.bias",
                "quantizer.quantizers.0.in_proj.weight_v")) {
            encoderSide.put(k, sd.get(k));
        }
        GradCheck.check(
                "codec commitment loss (encoder side)",
                encoderSide,
                ops -> dac.encode(ops, audio, levels).commitmentLoss(),
                6,
                22);
        GradCheck.check(
                "codec codebook loss (codebook)",
                Map.of("codebook", sd.get("quantizer.quantizers.0.codebook.weight")),
                ops -> dac.encode(ops, audio, levels).codebookLoss(),
                15,
                23);
    }
}
