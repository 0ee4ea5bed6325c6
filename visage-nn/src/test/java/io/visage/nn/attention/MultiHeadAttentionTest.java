package io.visage.nn.attention;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.module.RandomParams;
import io.visage.nn.testing.TensorAssert;
import io.visage.nn.transformer.BartDecoderLayer;
import io.visage.nn.transformer.LayerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static io.visage.nn.testing.GradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultiHeadAttentionTest {
    private static final Ops OPS = Ops.inference();

    /** Per-head, per-query loop: the textbook definition with q scaled before q·kᵀ. */
    private static double[] naive(
            MultiHeadAttention a, double[] x, double[] kv, int b, int t, int s, int d, boolean causal) {
        int h = a.heads();
        int dh = d / h;
        double[] q = project(a.qProj().weight().value(), a.qProj().bias().value(), x, b * t, d);
        double[] k = project(a.kProj().weight().value(), a.kProj().bias().value(), kv, b * s, d);
        double[] v = project(a.vProj().weight().value(), a.vProj().bias().value(), kv, b * s, d);
        double[] ctx = new double[b * t * d];
        for (int n = 0; n < b; n++) {
            for (int hh = 0; hh < h; hh++) {
                for (int i = 0; i < t; i++) {
                    double[] sc = new double[s];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < s; j++) {
                        double dot = 0;
                        for (int e = 0; e < dh; e++) {
                            dot += q[(n * t + i) * d + hh * dh + e] * a.scaling() * k[(n * s + j) * d + hh * dh + e];
                        }
                        sc[j] = causal && j > i ? Double.NEGATIVE_INFINITY : dot;
                        max = Math.max(max, sc[j]);
                    }
                    double z = 0;
                    for (int j = 0; j < s; j++) {
                        sc[j] = Math.exp(sc[j] - max);
                        z += sc[j];
                    }
                    for (int e = 0; e < dh; e++) {
                        double acc = 0;
                        for (int j = 0; j < s; j++) {
                            acc += sc[j] / z * v[(n * s + j) * d + hh * dh + e];
                        }
                        ctx[(n * t + i) * d + hh * dh + e] = acc;
                    }
                }
            }
        }
        return project(a.outProj().weight().value(), a.outProj().bias().value(), ctx, b * t, d);
    }

    private static double[] project(INDArray w, INDArray bias, double[] x, int rows, int in) {
        int out = (int) w.size(0);
        double[] wv = w.dup('c').data().asDouble();
        double[] bv = bias.data().asDouble();
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double acc = bv[o];
                for (int i = 0; i < in; i++) {
                    acc += x[r * in + i] * wv[o * in + i];
                }
                y[r * out + o] = acc;
            }
        }
        return y;
    }

    @Test
    void selfAndCrossAttention_matchPerHeadLoop() {
        MultiHeadAttention a = MultiHeadAttention.create(new RandomParams(1, DataType.DOUBLE), "attn", 12, 3, 0.0, 0.3);
        Random rng = new Random(2);
        INDArray x = randn(rng, 2, 5, 12);
        INDArray kv = randn(rng, 2, 7, 12);
        Tensor self = a.forward(OPS, Tensor.constant(x), null, true);
        TensorAssert.assertClose(
                "causal self-attention",
                self.shape(),
                naive(a, x.data().asDouble(), x.data().asDouble(), 2, 5, 5, 12, true),
                self.value().dup('c').data().asDouble(),
                1e-10,
                1e-12);
        Tensor cross = a.forward(OPS, Tensor.constant(x), Tensor.constant(kv), false);
        TensorAssert.assertClose(
                "cross-attention",
                cross.shape(),
                naive(a, x.data().asDouble(), kv.data().asDouble(), 2, 5, 7, 12, false),
                cross.value().dup('c').data().asDouble(),
                1e-10,
                1e-12);
    }

    @Test
    void causalMask_blocksFutureWithDtypeMin() {
        INDArray m = AttentionMasks.causal(2, 1, DataType.FLOAT);
        assertEquals(0.0, m.getDouble(0, 1));
        assertEquals(-Float.MAX_VALUE, m.getDouble(0, 2), 0.0);
        assertEquals(0.0, m.getDouble(1, 2));
    }

    @Test
    void incrementalDecoding_withKvCache_equalsFullCausalPass() {
        LayerConfig cfg =
                LayerConfig.builder(16, 4, 24).dropout(0.1).initStd(0.2).build();
        RandomParams p = new RandomParams(3, DataType.FLOAT);
        List<BartDecoderLayer> layers =
                List.of(BartDecoderLayer.create(p, "l.0", cfg), BartDecoderLayer.create(p, "l.1", cfg));
        Random rng = new Random(4);
        int b = 2;
        int t = 9;
        INDArray x = randn(rng, b, t, 16).castTo(DataType.FLOAT);
        Tensor enc = Tensor.constant(randn(rng, b, 6, 16).castTo(DataType.FLOAT));
        // full pass
        Tensor h = Tensor.constant(x);
        for (BartDecoderLayer l : layers) {
            h = l.forward(OPS, h, enc);
        }
        // incremental: 1 position, then a block of 3, then single steps
        KvCache cache = KvCache.allocate(2, b, 4, t, 4, DataType.FLOAT);
        List<INDArray> pieces = new ArrayList<>();
        int[] sizes = {1, 3, 1, 1, 1, 1, 1};
        int pos = 0;
        for (int n : sizes) {
            Tensor step =
                    Tensor.constant(x.get(NDArrayIndex.all(), NDArrayIndex.interval(pos, pos + n), NDArrayIndex.all())
                            .dup());
            for (int li = 0; li < layers.size(); li++) {
                step = layers.get(li).forwardCached(OPS, step, enc, cache.layer(li));
            }
            pieces.add(step.value());
            pos += n;
        }
        assertEquals(t, cache.length());
        INDArray inc = Nd4j.concat(1, pieces.toArray(new INDArray[0]));
        TensorAssert.assertClose("incremental vs full", h.value(), inc, 0.0, 1e-5);
        var e = assertThrows(
                IllegalStateException.class,
                () -> layers.get(0)
                        .forwardCached(
                                OPS,
                                        Tensor.constant(x.get(
                                                        NDArrayIndex.all(),
                                                        NDArrayIndex.interval(0, 1),
                                                        NDArrayIndex.all())
                                                .dup()),
                                enc, cache.layer(0)));
        assertTrue(e.getMessage().contains("capacity"), e.getMessage());
    }

    @Test
    void packedSelfAttention_equalsUnpackedAttention() {
        Random rng = new Random(5);
        PackedSelfAttention packed = PackedSelfAttention.create(new RandomParams(6, DataType.DOUBLE), "attn", 8, 2);
        var sd = packed.stateDict();
        INDArray w = sd.get("in_proj_weight").value();
        INDArray bias = sd.get("in_proj_bias").value();
        var q = new io.visage.nn.layers.Linear(
                Tensor.constant(
                        w.get(NDArrayIndex.interval(0, 8), NDArrayIndex.all()).dup()),
                Tensor.constant(bias.get(NDArrayIndex.interval(0, 8)).dup()));
        var k = new io.visage.nn.layers.Linear(
                Tensor.constant(
                        w.get(NDArrayIndex.interval(8, 16), NDArrayIndex.all()).dup()),
                Tensor.constant(bias.get(NDArrayIndex.interval(8, 16)).dup()));
        var v = new io.visage.nn.layers.Linear(
                Tensor.constant(
                        w.get(NDArrayIndex.interval(16, 24), NDArrayIndex.all()).dup()),
                Tensor.constant(bias.get(NDArrayIndex.interval(16, 24)).dup()));
        var out = new io.visage.nn.layers.Linear(sd.get("out_proj.weight"), sd.get("out_proj.bias"));
        MultiHeadAttention plain = new MultiHeadAttention(k, v, q, out, 2, 0.0);
        Tensor x = Tensor.constant(randn(rng, 2, 5, 8));
        TensorAssert.assertClose(
                "packed vs plain",
                plain.forward(OPS, x, null, false).value(),
                packed.forward(OPS, x, null).value(),
                1e-12,
                1e-12);
    }
}
