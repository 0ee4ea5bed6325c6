package io.visage.audio.dac;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.ParameterGradients;
import io.visage.nn.autodiff.Tape;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.module.RandomParams;
import io.visage.nn.optim.SplitMixRandom;
import io.visage.nn.testing.GradCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reference forward on training {@link Ops} records a gradient for every parameter of the codec:
 * weight-norm g and v of every (transposed) convolution, every Snake alpha, every bias, every
 * codebook; and quantizer dropout masks levels per item as the reference does.
 */
class DacTrainingGradientTest {
    static final DacConfig TINY = DacConfig.builder()
            .encoderDim(2)
            .encoderRates(2, 3)
            .decoderDim(8)
            .decoderRates(3, 2)
            .codebookSize(5)
            .codebooks(2, 3)
            .sampleRateHz(1000)
            .build();

    private static Tensor audio(long seed, int batch, int samples, DataType type) {
        return Tensor.constant(
                GradCheck.randn(new Random(seed), batch, 1, samples).muli(0.3).castTo(type));
    }

    @Test
    void encodeQuantizeDecode_givesEveryParameterANonZeroGradient() {
        Dac dac;
        try (RandomParams p = new RandomParams(3)) {
            dac = Dac.create(p, TINY);
        }
        Map<String, Tensor> params = dac.stateDict();
        ParameterGradients grads = new ParameterGradients(params);
        Tape tape = new Tape();
        Ops ops = Ops.training(tape, new SplitMixRandom(1));
        Tensor x = audio(5, 3, 24, DataType.FLOAT);
        DacEncoding e = dac.encode(ops, x, new int[] {2, 2, 2});
        Tensor y = dac.decode(ops, e.z());
        Tensor target = ops.constant(GradCheck.randn(new Random(9), y.shape()).castTo(DataType.FLOAT));
        Tensor loss = ops.add(ops.mean(ops.square(ops.sub(y, target))), ops.add(e.commitmentLoss(), e.codebookLoss()));
        tape.backward(loss, grads);
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Tensor> p : params.entrySet()) {
            INDArray g = grads.get(p.getValue());
            if (!grads.received(p.getValue()) || g.norm2Number().doubleValue() == 0.0) {
                missing.add(p.getKey());
            }
        }
        assertTrue(missing.isEmpty(), "parameters without a gradient: " + missing);
        assertTrue(params.keySet().stream().anyMatch(k -> k.endsWith("weight_g")));
        assertTrue(params.keySet().stream().anyMatch(k -> k.endsWith("alpha")));
        assertTrue(params.keySet().stream().anyMatch(k -> k.endsWith("codebook.weight")));
    }

    @Test
    void quantizerDropout_masksLevelsPerItem_andCountsLossesOnlyWhereUsed() {
        Dac dac;
        try (RandomParams p = new RandomParams(4, DataType.DOUBLE)) {
            dac = Dac.create(p, TINY);
        }
        Tensor x = audio(6, 2, 24, DataType.DOUBLE);
        Ops ops = Ops.inference();
        DacEncoding all = dac.encode(ops, x, new int[] {2, 2});
        DacEncoding reference = dac.encode(ops, x, 2);
        assertEquals(reference.commitmentLoss().item(), all.commitmentLoss().item(), 1e-12);

        DacEncoding masked = dac.encode(ops, x, new int[] {1, 2});
        DacEncoding item0 = dac.encode(
                ops,
                Tensor.constant(x.value()
                        .get(
                                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1),
                                org.nd4j.linalg.indexing.NDArrayIndex.all(),
                                org.nd4j.linalg.indexing.NDArrayIndex.all())
                        .dup('c')),
                1);
        // item 0 uses one level: its z_q is the first level's alone; item 1 uses both
        double[] z0 = masked.z().value().slice(0).dup('c').data().asDouble();
        double[] ref0 = item0.z().value().slice(0).dup('c').data().asDouble();
        double[] z1 = masked.z().value().slice(1).dup('c').data().asDouble();
        double[] ref1 = all.z().value().slice(1).dup('c').data().asDouble();
        for (int i = 0; i < z0.length; i++) {
            assertEquals(ref0[i], z0[i], 1e-12, "item 0, element " + i);
            assertEquals(ref1[i], z1[i], 1e-12, "item 1, element " + i);
        }
        // every level's codes are reported, and the masked loss drops item 0's second-level term
        assertEquals(2, masked.codes().size(1));
        assertTrue(masked.commitmentLoss().item() < all.commitmentLoss().item());
        assertThrows(IllegalArgumentException.class, () -> dac.encode(ops, x, new int[] {0, 2}));
        assertThrows(IllegalArgumentException.class, () -> dac.encode(ops, x, new int[] {2}));
    }

    @Test
    void quantizerDropout_drawsForTheFirstFractionOfTheBatch() {
        SplitMixRandom rng = new SplitMixRandom(8);
        long before = rng.state();
        int[] none = QuantizerDropout.levels(6, 4, 0.0, rng);
        assertEquals(before, rng.state(), "p = 0 draws nothing");
        for (int v : none) {
            assertEquals(4, v);
        }
        int[] counts = new int[5];
        for (int r = 0; r < 400; r++) {
            int[] l = QuantizerDropout.levels(6, 4, 0.5, rng);
            for (int i = 3; i < 6; i++) {
                assertEquals(4, l[i], "items past floor(B·p) use every level");
            }
            for (int i = 0; i < 3; i++) {
                counts[l[i]]++;
            }
        }
        for (int k = 1; k <= 4; k++) {
            assertTrue(counts[k] > 200, "level count " + k + " drawn " + counts[k] + " times of 1200");
        }
        assertThrows(IllegalArgumentException.class, () -> QuantizerDropout.levels(2, 4, 1.5, rng));
    }
}
