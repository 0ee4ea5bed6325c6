package io.visage.nn.optim;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tape;
import io.visage.nn.autodiff.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdamWTest {

    /** torch.optim.AdamW written out per element. */
    private static double[] reference(
            double[] p, double[][] grads, double lr, double b1, double b2, double eps, double wd) {
        double[] x = p.clone();
        double[] m = new double[x.length];
        double[] v = new double[x.length];
        for (int t = 1; t <= grads.length; t++) {
            for (int i = 0; i < x.length; i++) {
                double g = grads[t - 1][i];
                x[i] *= 1 - lr * wd;
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
                x[i] -= lr / (1 - Math.pow(b1, t)) * m[i] / denom;
            }
        }
        return x;
    }

    @Test
    void steps_matchTorchFormula_andSkipDecayForBiasAndLayerNorm() {
        double[] w0 = {0.5, -1.0, 2.0};
        Tensor w = Tensor.parameter(Nd4j.createFromArray(w0.clone()));
        Tensor b = Tensor.parameter(Nd4j.createFromArray(0.25, -0.75, 1.5));
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("model.fc1.weight", w);
        params.put("model.fc1.bias", b);
        AdamW opt = AdamW.withDefaults(params, LrSchedule.constant(0.1), 0.01);
        double[][] gw = new double[3][];
        double[][] gb = new double[3][];
        for (int s = 0; s < 3; s++) {
            Tape tape = new Tape();
            Ops ops = Ops.recording(tape);
            // loss = Σ w² · (s+1) + Σ b³
            Tensor loss = ops.add(ops.scale(ops.sum(ops.square(w)), s + 1), ops.sum(ops.mul(ops.square(b), b)));
            var g = tape.backward(loss);
            gw[s] = g.get(w).data().asDouble();
            gb[s] = g.get(b).data().asDouble();
            opt.step(g);
        }
        double[] expW = reference(w0, gw, 0.1, 0.9, 0.999, 1e-8, 0.01);
        double[] expB = reference(new double[] {0.25, -0.75, 1.5}, gb, 0.1, 0.9, 0.999, 1e-8, 0.0);
        for (int i = 0; i < 3; i++) {
            assertEquals(expW[i], w.value().getDouble(i), 1e-12, "weight " + i);
            assertEquals(expB[i], b.value().getDouble(i), 1e-12, "bias " + i);
        }
        assertEquals(3, opt.stepCount());
    }

    @Test
    void noDecayRule_isTheReferenceSubstringRule() {
        NoDecayRule r = NoDecayRule.REFERENCE;
        assertFalse(r.decays("model.decoder.layers.0.fc1.bias"));
        assertFalse(r.decays("model.decoder.layers.0.self_attn_layer_norm.weight"));
        assertFalse(r.decays("model.decoder.layers.0.final_layer_norm.weight"));
        assertTrue(r.decays("model.decoder.layernorm_embedding.weight"));
        assertTrue(r.decays("model.decoder.embed_dac.0.weight"));
        assertTrue(r.decays("null_embedding"));
    }

    @Test
    void gradClip_scalesToMaxNorm_onlyWhenAbove() {
        INDArray a = Nd4j.createFromArray(3.0, 0.0);
        INDArray b = Nd4j.createFromArray(0.0, 4.0);
        double norm = GradClip.clipGlobalNorm(List.of(a, b), 1.0);
        assertEquals(5.0, norm, 1e-12);
        assertEquals(1.0, Math.hypot(a.getDouble(0), b.getDouble(1)), 1e-6);
        INDArray c = Nd4j.createFromArray(0.3, 0.4);
        GradClip.clipGlobalNorm(List.of(c), 1.0);
        assertEquals(0.3, c.getDouble(0), 0.0);
    }

    @Test
    void warmupSchedule_rampsLinearlyThenHolds() {
        LrSchedule s = LrSchedule.constantWithWarmup(1e-4, 4);
        assertEquals(0.0, s.lr(1), 0.0);
        assertEquals(0.5e-4, s.lr(3), 1e-18);
        assertEquals(1e-4, s.lr(5), 0.0);
        assertEquals(1e-4, s.lr(1000), 0.0);
    }

    @Test
    void fusedStep_onPreallocatedGradients_equalsTheReferenceStep_withClippingFoldedIn() {
        java.util.Random r = new java.util.Random(3);
        Map<String, Tensor> a = new LinkedHashMap<>();
        Map<String, Tensor> b = new LinkedHashMap<>();
        // odd sizes: vector body and scalar tail; a "bias" that does not decay
        for (String name : List.of("w.weight", "w.bias", "big.weight")) {
            int n = name.startsWith("big") ? 70_001 : 37;
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) r.nextGaussian();
            }
            a.put(name, Tensor.parameter(Nd4j.createFromArray(v.clone())));
            b.put(name, Tensor.parameter(Nd4j.createFromArray(v.clone())));
        }
        Tensor skipped = Tensor.parameter(Nd4j.createFromArray(1f, 2f, 3f));
        a.put("skipped.weight", skipped);
        AdamW ref = AdamW.withDefaults(b, LrSchedule.constant(1e-2), 0.1);
        AdamW fused = AdamW.withDefaults(a, LrSchedule.constant(1e-2), 0.1);
        io.visage.nn.autodiff.ParameterGradients grads = new io.visage.nn.autodiff.ParameterGradients(a);
        try (io.visage.nn.kernel.Parallelism par = new io.visage.nn.kernel.Parallelism(2)) {
            for (int step = 0; step < 3; step++) {
                double scale = step == 1 ? 0.37 : 1.0;
                Map<Tensor, INDArray> raw = new java.util.IdentityHashMap<>();
                grads.zero();
                for (String name : List.of("w.weight", "w.bias", "big.weight")) {
                    INDArray g = Nd4j.rand(
                                    org.nd4j.linalg.api.buffer.DataType.FLOAT,
                                    a.get(name).shape())
                            .subi(0.5);
                    Tape t = new Tape();
                    Ops ops = Ops.recording(t);
                    // loss = Σ p·g: its gradient is g, accumulated into the buffers by the training backward
                    t.backward(ops.sum(ops.mul(a.get(name), ops.constant(g))), grads);
                    raw.put(b.get(name), g.mul(scale));
                }
                fused.step(grads, scale, par);
                ref.step(new TestGradients(raw).get());
            }
        }
        for (String name : List.of("w.weight", "w.bias", "big.weight")) {
            io.visage.nn.testing.TensorAssert.assertClose(
                    name, b.get(name).value(), a.get(name).value(), 1e-5, 1e-6);
        }
        assertEquals(1f, skipped.value().getFloat(0), "a parameter without gradient is not even decayed");
        assertFalse(fused.expAvg().containsKey("skipped.weight"));
    }

    /** Builds {@link io.visage.nn.autodiff.Gradients} from arrays through the tape. */
    private record TestGradients(Map<Tensor, INDArray> byTensor) {
        io.visage.nn.autodiff.Gradients get() {
            Tape t = new Tape();
            Ops ops = Ops.recording(t);
            Tensor total = null;
            for (var e : byTensor.entrySet()) {
                Tensor term = ops.sum(ops.mul(e.getKey(), ops.constant(e.getValue())));
                total = total == null ? term : ops.add(total, term);
            }
            return t.backward(total);
        }
    }
}
