package io.visage.nn.optim;

import io.visage.nn.CheckpointFormatException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tape;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorSource;
import io.visage.nn.module.LoadedParams;
import io.visage.nn.module.Params;
import io.visage.nn.module.RandomParams;
import io.visage.nn.module.StateDicts;
import io.visage.nn.transformer.BartEncoderLayer;
import io.visage.nn.transformer.LayerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Save at step k, resume, and get the uninterrupted loss curve bit for bit (dropout on). */
class ResumeTest {
    private static final LayerConfig CFG = LayerConfig.builder(8, 2, 16)
            .dropout(0.2)
            .attentionDropout(0.1)
            .activationDropout(0.1)
            .initStd(0.3)
            .build();
    private static final INDArray X = ramp(-1, 1);
    private static final INDArray Y = ramp(1, -1);

    private static INDArray ramp(double from, double to) {
        double[] v = new double[2 * 5 * 8];
        for (int i = 0; i < v.length; i++) {
            v[i] = from + (to - from) * i / (v.length - 1);
        }
        return Nd4j.create(v, new long[] {2, 5, 8}, 'c').castTo(DataType.FLOAT);
    }

    private record Run(BartEncoderLayer layer, AdamW opt, SplitMixRandom rng) {
        static Run create(Params p, long seed) {
            BartEncoderLayer l = BartEncoderLayer.create(p, "", CFG);
            return new Run(
                    l,
                    AdamW.withDefaults(l.stateDict(), LrSchedule.constantWithWarmup(1e-2, 3), 0.01),
                    new SplitMixRandom(seed));
        }

        double step() {
            Tape tape = new Tape();
            Ops ops = Ops.training(tape, rng);
            Tensor d = ops.sub(layer.forward(ops, Tensor.constant(X)), Tensor.constant(Y));
            Tensor loss = ops.mean(ops.square(d));
            var g = tape.backward(loss);
            GradClip.clipGlobalNorm(
                    layer.stateDict().values().stream().map(g::get).toList(), 1.0);
            opt.step(g);
            return loss.item();
        }
    }

    @Test
    void resumeFromCheckpoint_reproducesUninterruptedLossCurveExactly(@TempDir Path dir) throws java.io.IOException {
        int total = 12;
        int cut = 5;
        double[] straight = new double[total];
        Run a;
        try (RandomParams p = new RandomParams(9)) {
            a = Run.create(p, 77);
        }
        for (int i = 0; i < total; i++) {
            straight[i] = a.step();
        }

        double[] resumed = new double[total];
        Run b;
        try (RandomParams p = new RandomParams(9)) {
            b = Run.create(p, 77);
        }
        for (int i = 0; i < cut; i++) {
            resumed[i] = b.step();
        }
        OptimizerCheckpoint.writeAtomically(
                dir.resolve("model.safetensors"),
                StateDicts.arrays(b.layer().stateDict()),
                Map.of("rng", Long.toString(b.rng().state())));
        OptimizerCheckpoint.save(b.opt(), dir.resolve("optimizer.safetensors"));

        Run c;
        try (TensorSource src = TensorFiles.open(dir.resolve("model.safetensors"))) {
            LoadedParams lp = new LoadedParams(src);
            c = Run.create(lp, 0);
            lp.verify();
            c.rng()
                    .restore(Long.parseLong(
                            ((io.visage.nn.io.Safetensors) src).metadata().get("rng")));
        }
        OptimizerCheckpoint.load(c.opt(), dir.resolve("optimizer.safetensors"));
        assertEquals(cut, c.opt().stepCount());
        for (int i = cut; i < total; i++) {
            resumed[i] = c.step();
        }
        assertArrayEquals(straight, resumed, 0.0, "loss curve after resume");
        assertTrue(straight[total - 1] < straight[0], "the toy run learns");
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary files left");
        }
    }

    @Test
    void splitMixRandom_restoresItsStream() {
        SplitMixRandom r = new SplitMixRandom(5);
        r.nextGaussian();
        long s = r.state();
        double[] first = {r.nextDouble(), r.nextGaussian(), r.nextInt(10)};
        r.restore(s);
        assertArrayEquals(first, new double[] {r.nextDouble(), r.nextGaussian(), r.nextInt(10)}, 0.0);
    }

    @Test
    void loadingAForeignFileAsOptimizerState_fails(@TempDir Path dir) {
        Path f = dir.resolve("x.safetensors");
        OptimizerCheckpoint.writeAtomically(f, Map.of("w", Nd4j.ones(2)), Map.of());
        AdamW opt = AdamW.withDefaults(Map.of(), LrSchedule.constant(1e-3), 0.0);
        var e = assertThrows(CheckpointFormatException.class, () -> OptimizerCheckpoint.load(opt, f));
        assertTrue(e.getMessage().contains("x.safetensors") && e.getMessage().contains("optimizer"), e.getMessage());
    }
}
