package io.visage.examples.bench;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tape;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.module.RandomParams;
import io.visage.nn.transformer.BartEncoderLayer;
import io.visage.nn.transformer.LayerConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The measurement behind the autodiff decision (docs/ENGINE.md): one BART encoder layer, forward
 * and forward+backward, written once with the project's {@link Ops}/{@link Tape} and once as a
 * SameDiff graph with the same weights; prints medians and the largest output/gradient difference.
 */
public final class AutodiffBench {
    private AutodiffBench() {}

    /** Figures of one run. */
    public record Result(
            int d,
            int batch,
            int seq,
            double tapeForwardMs,
            double tapeTrainMs,
            double sameDiffForwardMs,
            double sameDiffTrainMs,
            double maxOutputDiff,
            double maxGradDiff) {
        @Override
        public String toString() {
            return String.format(
                    "BART encoder layer d=%d B=%d T=%d (float32, medians):%n"
                            + "  tape     forward %8.2f ms   forward+backward %8.2f ms%n"
                            + "  SameDiff forward %8.2f ms   forward+backward %8.2f ms%n"
                            + "  max |output diff| %.2e   max |grad diff| %.2e",
                    d,
                    batch,
                    seq,
                    tapeForwardMs,
                    tapeTrainMs,
                    sameDiffForwardMs,
                    sameDiffTrainMs,
                    maxOutputDiff,
                    maxGradDiff);
        }
    }

    public static Result run(int d, int heads, int ffn, int batch, int seq, int iterations) {
        LayerConfig cfg = LayerConfig.builder(d, heads, ffn).build();
        BartEncoderLayer layer;
        try (RandomParams p = new RandomParams(7)) {
            layer = BartEncoderLayer.create(p, "", cfg);
        }
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, seq, d).subi(0.5);
        INDArray r = Nd4j.rand(DataType.FLOAT, batch, seq, d).subi(0.5);
        Map<String, Tensor> params = layer.stateDict();

        // ---- tape
        Tensor xt = Tensor.constant(x);
        double[] tf = time(iterations, () -> layer.forward(Ops.inference(), xt));
        Map<String, INDArray> tapeGrads = new LinkedHashMap<>();
        double[] tt = time(iterations, () -> {
            Tape tape = new Tape();
            Ops ops = Ops.recording(tape);
            Tensor loss = ops.sum(ops.mul(layer.forward(ops, xt), ops.constant(r)));
            var g = tape.backward(loss);
            params.forEach((k, v) -> tapeGrads.put(k, g.get(v)));
        });
        INDArray tapeOut = layer.forward(Ops.inference(), xt).value();

        // ---- SameDiff, same weights
        SameDiff sd = SameDiff.create();
        Map<String, SDVariable> w = new LinkedHashMap<>();
        params.forEach((k, v) -> w.put(k, sd.var(k, v.value().dup())));
        SDVariable in = sd.placeHolder("x", DataType.FLOAT, batch, seq, d);
        SDVariable out = sameDiffLayer(sd, w, in, batch, seq, d, heads);
        SDVariable loss = out.mul(sd.constant(r)).sum();
        sd.setLossVariables(loss);
        Map<String, INDArray> ph = Map.of("x", x);
        String outName = out.name();
        double[] sf = time(iterations, () -> sd.output(ph, outName));
        List<String> names = new ArrayList<>(w.keySet());
        Map<String, INDArray> sdGrads = new LinkedHashMap<>();
        double[] st = time(iterations, () -> sdGrads.putAll(sd.calculateGradients(ph, names)));
        INDArray sdOut = sd.output(ph, outName).get(outName);

        double gradDiff = 0;
        for (String k : names) {
            gradDiff = Math.max(
                    gradDiff, tapeGrads.get(k).sub(sdGrads.get(k)).amaxNumber().doubleValue());
        }
        return new Result(
                d,
                batch,
                seq,
                Stats.median(tf),
                Stats.median(tt),
                Stats.median(sf),
                Stats.median(st),
                tapeOut.sub(sdOut).amaxNumber().doubleValue(),
                gradDiff);
    }

    private static SDVariable linear(SameDiff sd, SDVariable x2, SDVariable w, SDVariable b) {
        return sd.mmul(x2, w, false, true, false).add(b);
    }

    private static SDVariable layerNorm(SameDiff sd, SDVariable h, SDVariable g, SDVariable b) {
        SDVariable mean = h.mean(true, 1);
        SDVariable c = h.sub(mean);
        SDVariable var = c.mul(c).mean(true, 1);
        return c.div(sd.math.sqrt(var.add(1e-5))).mul(g).add(b);
    }

    private static SDVariable heads(SameDiff sd, SDVariable x2, int b, int t, int h, int dh) {
        return sd.permute(sd.reshape(x2, b, t, h, dh), 0, 2, 1, 3);
    }

    private static SDVariable sameDiffLayer(
            SameDiff sd, Map<String, SDVariable> w, SDVariable x, int b, int t, int d, int h) {
        int dh = d / h;
        SDVariable x2 = sd.reshape(x, b * t, d);
        SDVariable q = heads(
                sd,
                linear(sd, x2, w.get("self_attn.q_proj.weight"), w.get("self_attn.q_proj.bias"))
                        .mul(Math.pow(dh, -0.5)),
                b,
                t,
                h,
                dh);
        SDVariable k = heads(
                sd, linear(sd, x2, w.get("self_attn.k_proj.weight"), w.get("self_attn.k_proj.bias")), b, t, h, dh);
        SDVariable v = heads(
                sd, linear(sd, x2, w.get("self_attn.v_proj.weight"), w.get("self_attn.v_proj.bias")), b, t, h, dh);
        SDVariable p = sd.nn.softmax(sd.mmul(q, k, false, true, false), 3);
        SDVariable ctx = sd.reshape(sd.permute(sd.mmul(p, v), 0, 2, 1, 3), b * t, d);
        SDVariable a = linear(sd, ctx, w.get("self_attn.out_proj.weight"), w.get("self_attn.out_proj.bias"));
        SDVariable h1 =
                layerNorm(sd, x2.add(a), w.get("self_attn_layer_norm.weight"), w.get("self_attn_layer_norm.bias"));
        SDVariable f = linear(sd, h1, w.get("fc1.weight"), w.get("fc1.bias"));
        SDVariable gelu = f.mul(sd.math.erf(f.div(Math.sqrt(2))).add(1.0)).mul(0.5);
        SDVariable f2 = linear(sd, gelu, w.get("fc2.weight"), w.get("fc2.bias"));
        SDVariable h2 = layerNorm(sd, h1.add(f2), w.get("final_layer_norm.weight"), w.get("final_layer_norm.bias"));
        return sd.reshape(h2, b, t, d);
    }

    private static double[] time(int n, Runnable r) {
        for (int i = 0; i < 3; i++) {
            r.run();
        }
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            r.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return ms;
    }
}
