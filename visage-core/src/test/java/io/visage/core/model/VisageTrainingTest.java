package io.visage.core.model;

import io.visage.nn.autodiff.Gradients;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tape;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.optim.AdamW;
import io.visage.nn.optim.LrSchedule;
import io.visage.nn.testing.GradCheck;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Gradients of the summed codebook loss (float64 central differences) and a tiny overfitting run. */
class VisageTrainingTest {

    @Test
    void lossGradient_wrtSampledParameters_matchesCentralDifferences() {
        VisageConfig cfg = TinyModels.config(8, 2, 6, 0.5);
        Visage m = Visage.random(cfg, ModelKind.AMBISONICS, 3, DataType.DOUBLE);
        TinyModels.Batch b = TinyModels.batch(new Random(4), cfg, ModelKind.AMBISONICS, 2, 3, 3, DataType.DOUBLE);
        Map<String, Tensor> sd = m.stateDict();
        Map<String, Tensor> leaves = new LinkedHashMap<>();
        for (String k : List.of(
                "model.encoder.bos",
                "model.encoder.clip_projection.weight",
                "model.encoder.energy_map_projection.0.weight",
                "model.encoder.direction_embedding.2.bias",
                "model.encoder.layers.0.self_attn.q_proj.weight",
                "model.decoder.bos",
                "model.decoder.embed_positions.weight",
                "model.decoder.layers.1.encoder_attn.k_proj.weight",
                "model.decoder.layernorm_embedding.weight",
                "dac_heads.7.weight",
                "dac_heads.0.bias")) {
            leaves.put(k, sd.get(k));
        }
        GradCheck.check(
                "codebook loss",
                leaves,
                ops -> m.loss(ops, m.forward(ops, b.clip(), b.energy(), b.direction(), b.inputs()), b.labels())
                        .total(),
                6,
                9);
    }

    @Test
    void loss_headWithoutValidLabels_contributesNothing() {
        VisageConfig cfg = TinyModels.config(8, 2, 6, 0.5);
        Visage m = Visage.random(cfg, ModelKind.AMBISONICS, 3, DataType.DOUBLE);
        TinyModels.Batch b = TinyModels.batch(new Random(4), cfg, ModelKind.AMBISONICS, 1, 3, 1, DataType.DOUBLE);
        // one frame: every codebook has exactly one label; blank codebook 5 entirely
        long[] labels = b.labels().values();
        int k = b.labels().codebooks();
        for (int i = 5; i < labels.length; i += k) {
            labels[i] = VisageConfig.IGNORE_INDEX;
        }
        var grid = new io.visage.core.pattern.TokenGrid(1, b.labels().rows(), k, labels);
        Tape tape = new Tape();
        Ops ops = Ops.recording(tape);
        CodebookLoss loss = m.loss(ops, m.forward(ops, b.clip(), b.energy(), b.direction(), b.inputs()), grid);
        assertFalse(loss.counted()[5]);
        assertEquals(0.0, loss.perHead()[5]);
        double sum = 0;
        for (double v : loss.perHead()) {
            sum += v;
        }
        assertEquals(sum, loss.value(), 1e-9);
        Gradients g = tape.backward(loss.total());
        assertTrue(
                !g.has(m.head(5).weight())
                        || g.get(m.head(5).weight()).norm2Number().doubleValue() == 0.0,
                "the blank head must get no gradient");
        assertTrue(g.get(m.head(4).weight()).norm2Number().doubleValue() > 0);
        assertTrue(g.get(m.decoder().embedDac().get(0).weight()).norm2Number().doubleValue() > 0);
        // the pad row of every code table is looked up but, as torch's padding_idx, never learns
        for (int j = 0; j < k; j++) {
            var gt = g.get(m.decoder().embedDac().get(j).weight());
            assertEquals(0.0, gt.getRow(cfg.dacPadTokenId()).norm2Number().doubleValue(), "pad row of embed_dac." + j);
        }
    }

    @Test
    void tinyModel_overfitsOneClip_lossFallsByOver90Percent() {
        VisageConfig cfg = TinyModels.config(16, 2, 16, 0.02);
        Visage m = Visage.random(cfg, ModelKind.AMBISONICS, 7, DataType.FLOAT);
        TinyModels.Batch b = TinyModels.batch(new Random(8), cfg, ModelKind.AMBISONICS, 1, 4, 6, DataType.FLOAT);
        AdamW opt = AdamW.withDefaults(m.stateDict(), LrSchedule.constant(1e-2), 0.0);
        double first = Double.NaN;
        double last = Double.NaN;
        for (int step = 0; step < 300; step++) {
            Tape tape = new Tape();
            Ops ops = Ops.recording(tape);
            CodebookLoss loss =
                    m.loss(ops, m.forward(ops, b.clip(), b.energy(), b.direction(), b.inputs()), b.labels());
            assertNotNull(loss.total());
            last = loss.value();
            if (step == 0) {
                first = last;
            }
            if (last < 0.05 * first) {
                break;
            }
            opt.step(tape.backward(loss.total()));
        }
        assertTrue(last < 0.1 * first, "loss went from " + first + " to " + last + " in " + opt.stepCount() + " steps");
        System.out.printf("overfit: loss %.4f -> %.4f in %d AdamW steps%n", first, last, opt.stepCount());
    }
}
