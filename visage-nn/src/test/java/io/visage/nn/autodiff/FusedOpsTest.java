package io.visage.nn.autodiff;

import io.visage.nn.ShapeMismatchException;
import io.visage.nn.attention.AttentionMasks;
import io.visage.nn.attention.AttentionMath;
import io.visage.nn.layers.Activation;
import io.visage.nn.optim.SplitMixRandom;
import io.visage.nn.testing.GradCheck;
import io.visage.nn.testing.TensorAssert;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every fused op against the same math composed of the simple ops (values and gradients, also
 * under dropout with the same seeds) and against float64 central differences.
 */
class FusedOpsTest {
    private static Tensor param(Random r, long... shape) {
        return Tensor.parameter(GradCheck.randn(r, shape));
    }

    /**
     * fused(ops) and composite(ops) agree in value, and the gradients of Σ f·R agree for every leaf;
     * both run with training ops seeded alike, so dropout masks are drawn in the same order.
     */
    private static void assertSameAsComposite(
            String label,
            Map<String, Tensor> leaves,
            Function<Ops, Tensor> fused,
            Function<Ops, Tensor> composite,
            boolean training) {
        Tape t1 = new Tape();
        Tape t2 = new Tape();
        Ops o1 = training ? Ops.training(t1, new SplitMixRandom(9)) : Ops.recording(t1);
        Ops o2 = training ? Ops.training(t2, new SplitMixRandom(9)) : Ops.recording(t2);
        Tensor a = fused.apply(o1);
        Tensor b = composite.apply(o2);
        TensorAssert.assertClose(label + " value", b.value(), a.value(), 1e-10, 1e-12);
        INDArray r = GradCheck.randn(new Random(11), a.shape());
        Gradients ga = t1.backward(o1.sum(o1.mul(a, o1.constant(r))));
        Gradients gb = t2.backward(o2.sum(o2.mul(b, o2.constant(r))));
        for (Map.Entry<String, Tensor> e : leaves.entrySet()) {
            INDArray x = ga.get(e.getValue());
            INDArray y = gb.get(e.getValue());
            assertEquals(y == null, x == null, label + " gradient presence of " + e.getKey());
            if (x != null) {
                TensorAssert.assertClose(label + " d/d" + e.getKey(), y, x, 1e-9, 1e-11);
            }
        }
    }

    private static Tensor compositeAttention(Ops ops, Tensor q, Tensor k, Tensor v, int heads, double s, boolean c) {
        Tensor mask = c ? ops.constant(AttentionMasks.causal((int) q.size(1), 0, q.dataType())) : null;
        Tensor o = AttentionMath.attend(
                ops,
                AttentionMath.splitHeads(ops, ops.scale(q, s), heads),
                AttentionMath.splitHeads(ops, k, heads),
                AttentionMath.splitHeads(ops, v, heads),
                mask,
                0.0);
        return AttentionMath.mergeHeads(ops, o);
    }

    @Test
    void attention_causalSelfAndCross_equalTheCompositeAndFiniteDifferences() {
        Random r = new Random(1);
        int heads = 3;
        Tensor q = param(r, 2, 5, 12);
        Tensor k = param(r, 2, 5, 12);
        Tensor v = param(r, 2, 5, 12);
        Tensor kc = param(r, 2, 7, 12);
        Tensor vc = param(r, 2, 7, 12);
        double s = Math.pow(4, -0.5);
        Map<String, Tensor> self = Map.of("q", q, "k", k, "v", v);
        assertSameAsComposite(
                "causal self-attention",
                self,
                ops -> ops.attention(q, k, v, heads, s, true),
                ops -> compositeAttention(ops, q, k, v, heads, s, true),
                false);
        Map<String, Tensor> cross = Map.of("q", q, "k", kc, "v", vc);
        assertSameAsComposite(
                "cross-attention",
                cross,
                ops -> ops.attention(q, kc, vc, heads, s, false),
                ops -> compositeAttention(ops, q, kc, vc, heads, s, false),
                false);
        GradCheck.check("attention causal", self, ops -> ops.attention(q, k, v, heads, s, true), 20, 2);
        GradCheck.check("attention cross", cross, ops -> ops.attention(q, kc, vc, heads, s, false), 20, 3);
    }

    @Test
    void attention_float32_runsTheKernel_andEqualsTheCompositeOnSeveralThreads() {
        Random r = new Random(12);
        int heads = 4;
        Tensor q = Tensor.parameter(GradCheck.randn(r, 2, 9, 32).castTo(DataType.FLOAT));
        Tensor k = Tensor.parameter(GradCheck.randn(r, 2, 9, 32).castTo(DataType.FLOAT));
        Tensor v = Tensor.parameter(GradCheck.randn(r, 2, 9, 32).castTo(DataType.FLOAT));
        double s = Math.pow(8, -0.5);
        try (io.visage.nn.kernel.Parallelism par = new io.visage.nn.kernel.Parallelism(2)) {
            for (boolean causal : new boolean[] {true, false}) {
                Tape t1 = new Tape();
                Ops o1 = Ops.training(t1, new SplitMixRandom(1), par);
                Tensor a = o1.attention(q, k, v, heads, s, causal);
                Tape t2 = new Tape();
                Ops o2 = Ops.recording(t2);
                Tensor b = compositeAttention(o2, q, k, v, heads, s, causal);
                TensorAssert.assertClose("float attention causal=" + causal, b.value(), a.value(), 1e-5, 1e-6);
                INDArray w = GradCheck.randn(new Random(2), a.shape()).castTo(DataType.FLOAT);
                Gradients ga = t1.backward(o1.sum(o1.mul(a, o1.constant(w))));
                Gradients gb = t2.backward(o2.sum(o2.mul(b, o2.constant(w))));
                for (Tensor x : List.of(q, k, v)) {
                    TensorAssert.assertClose("float attention gradient", gb.get(x), ga.get(x), 1e-4, 1e-5);
                }
            }
        }
    }

    @Test
    void attention_badShapes_throwNamingThem() {
        Random r = new Random(2);
        Tensor q = param(r, 2, 5, 12);
        Tensor k = param(r, 2, 7, 12);
        Ops ops = Ops.inference();
        var e = assertThrows(ShapeMismatchException.class, () -> ops.attention(q, k, k, 5, 1.0, false));
        assertTrue(e.getMessage().contains("not divisible by 5 heads"), e.getMessage());
        e = assertThrows(ShapeMismatchException.class, () -> ops.attention(q, k, k, 3, 1.0, true));
        assertTrue(e.getMessage().contains("causal mask needs T = S"), e.getMessage());
        e = assertThrows(ShapeMismatchException.class, () -> ops.attention(q, param(r, 2, 7, 8), k, 2, 1.0, false));
        assertTrue(e.getMessage().contains("[B, S, D]"), e.getMessage());
    }

    /** LayerNorm from reductions and element-wise ops only. */
    private static Tensor compositeNorm(Ops ops, Tensor x, Tensor g, Tensor b, double eps) {
        double d = x.size(-1);
        Tensor mean = ops.scale(ops.sumKeepDims(x, -1), 1 / d);
        Tensor xc = ops.sub(x, mean);
        Tensor var = ops.scale(ops.sumKeepDims(ops.square(xc), -1), 1 / d);
        Tensor y = ops.div(xc, ops.sqrt(ops.addScalar(var, eps)));
        return ops.add(ops.mul(y, g), b);
    }

    @Test
    void residualNorm_withAndWithoutDropout_equalsTheCompositeAndFiniteDifferences() {
        Random r = new Random(3);
        Tensor x = param(r, 2, 4, 6);
        Tensor delta = param(r, 2, 4, 6);
        Tensor g = param(r, 6);
        Tensor b = param(r, 6);
        Map<String, Tensor> leaves = Map.of("x", x, "delta", delta, "gamma", g, "beta", b);
        for (double p : new double[] {0.0, 0.3}) {
            assertSameAsComposite(
                    "residualNorm p=" + p,
                    leaves,
                    ops -> ops.residualNorm(x, delta, p, g, b, 1e-5),
                    ops -> compositeNorm(ops, ops.add(x, ops.dropout(delta, p)), g, b, 1e-5),
                    true);
        }
        assertSameAsComposite(
                "layerNorm",
                Map.of("x", x, "gamma", g, "beta", b),
                ops -> ops.layerNorm(x, g, b, 1e-5),
                ops -> compositeNorm(ops, x, g, b, 1e-5),
                false);
        GradCheck.check("residualNorm", leaves, ops -> ops.residualNorm(x, delta, 0.0, g, b, 1e-5), 24, 4);
    }

    @Test
    void feedForward_everyActivation_withAndWithoutDropout_equalsTheCompositeAndFiniteDifferences() {
        Random r = new Random(5);
        Tensor x = param(r, 2, 3, 5);
        Tensor w1 = param(r, 7, 5);
        Tensor b1 = param(r, 7);
        Tensor w2 = param(r, 4, 7);
        Tensor b2 = param(r, 4);
        Map<String, Tensor> leaves = new LinkedHashMap<>();
        leaves.put("x", x);
        leaves.put("w1", w1);
        leaves.put("b1", b1);
        leaves.put("w2", w2);
        leaves.put("b2", b2);
        for (Activation act : Activation.values()) {
            for (double p : new double[] {0.0, 0.25}) {
                assertSameAsComposite(
                        "feedForward " + act + " p=" + p,
                        leaves,
                        ops -> ops.feedForward(x, w1, b1, act, p, w2, b2),
                        ops -> ops.linear(ops.dropout(act.apply(ops, ops.linear(x, w1, b1)), p), w2, b2),
                        true);
            }
            GradCheck.check("feedForward " + act, leaves, ops -> ops.feedForward(x, w1, b1, act, 0, w2, b2), 12, 6);
        }
        assertSameAsComposite(
                "feedForward without biases",
                Map.of("x", x, "w1", w1, "w2", w2),
                ops -> ops.feedForward(x, w1, null, Activation.GELU_EXACT, 0, w2, null),
                ops -> ops.linear(ops.geluExact(ops.linear(x, w1, null)), w2, null),
                false);
    }

    @Test
    void embeddingSum_equalsTheSumOfLookups_andThePaddingRowLearnsNothing() {
        Random r = new Random(7);
        List<Tensor> tables = List.of(param(r, 6, 4), param(r, 6, 4), param(r, 6, 4));
        int positions = 5;
        long pad = 5;
        long[] ids = new long[positions * 3];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt(6); // includes the padding id 5 now and then
        }
        ids[1] = pad;
        long[] shape = {1, positions, 4};
        Map<String, Tensor> leaves = new LinkedHashMap<>();
        for (int j = 0; j < tables.size(); j++) {
            leaves.put("table" + j, tables.get(j));
        }
        Function<Ops, Tensor> composite = ops -> {
            Tensor sum = null;
            for (int j = 0; j < tables.size(); j++) {
                long[] col = new long[positions];
                for (int p = 0; p < positions; p++) {
                    col[p] = ids[p * 3 + j];
                }
                Tensor e = ops.embedding(tables.get(j), col, new long[] {1, positions}, pad);
                sum = sum == null ? e : ops.add(sum, e);
            }
            return sum;
        };
        assertSameAsComposite(
                "embeddingSum", leaves, ops -> ops.embeddingSum(tables, ids, positions, shape, pad), composite, false);
        Tape tape = new Tape();
        Ops ops = Ops.recording(tape);
        Gradients g = tape.backward(ops.sum(ops.embeddingSum(tables, ids, positions, shape, pad)));
        for (Tensor t : tables) {
            assertEquals(0.0, g.get(t).getRow(pad).norm2Number().doubleValue(), "padding row");
        }
        // the padding row is read but by definition gets no gradient: check the math without one
        GradCheck.check("embeddingSum", leaves, o -> o.embeddingSum(tables, ids, positions, shape, -1), 24, 8);
        assertThrows(
                IndexOutOfBoundsException.class,
                () -> Ops.inference().embeddingSum(tables, new long[] {0, 6, 1}, 1, new long[] {1, 4}, pad));
    }

    @Test
    void crossEntropyHeads_equalsPerHeadLinearAndCrossEntropy_skipsDeadHeads_andHonoursDivisors() {
        Random r = new Random(9);
        int rows = 6;
        Tensor hidden = param(r, 2, 3, 5);
        List<Tensor> w = List.of(param(r, 4, 5), param(r, 4, 5), param(r, 4, 5), param(r, 4, 5));
        List<Tensor> b = new ArrayList<>(List.of(param(r, 4), param(r, 4)));
        b.add(null); // a head without bias
        b.add(param(r, 4));
        long ig = -100;
        long[][] labels = { // heads 0 and 3 share their live rows (evaluated as one group)
            {0, 3, ig, 1, ig, 2}, {ig, ig, ig, ig, ig, ig}, {3, 3, 0, ig, 1, 2}, {2, 0, ig, 3, ig, 3},
        };
        Map<String, Tensor> leaves = new LinkedHashMap<>();
        leaves.put("hidden", hidden);
        for (int j = 0; j < 4; j++) {
            leaves.put("w" + j, w.get(j));
            if (b.get(j) != null) {
                leaves.put("b" + j, b.get(j));
            }
        }
        double[] divisors = {7.0, 1.0, 11.0, 5.0};
        for (double[] div : new double[][] {null, divisors}) {
            Function<Ops, Tensor> composite = ops -> {
                Tensor h2 = ops.reshape(hidden, rows, 5);
                Tensor total = null;
                for (int j = 0; j < 4; j++) {
                    if (j == 1) {
                        continue; // no live row
                    }
                    long live = java.util.Arrays.stream(labels[j])
                            .filter(y -> y != ig)
                            .count();
                    Tensor ce = ops.crossEntropy(ops.linear(h2, w.get(j), b.get(j)), labels[j], ig);
                    if (div != null) {
                        ce = ops.scale(ce, live / div[j]);
                    }
                    total = total == null ? ce : ops.add(total, ce);
                }
                return total;
            };
            assertSameAsComposite(
                    "crossEntropyHeads divisors=" + (div != null),
                    leaves,
                    ops -> ops.crossEntropyHeads(hidden, w, b, labels, ig, div).total(),
                    composite,
                    false);
            GradCheck.check(
                    "crossEntropyHeads",
                    leaves,
                    ops -> ops.crossEntropyHeads(hidden, w, b, labels, ig, div).total(),
                    12,
                    10);
        }
        Ops.HeadsLoss l = Ops.inference().crossEntropyHeads(hidden, w, b, labels, ig, null);
        assertArrayEquals(new boolean[] {true, false, true, true}, l.counted());
        assertEquals(0.0, l.perHead()[1]);
        assertEquals(l.perHead()[0] + l.perHead()[2] + l.perHead()[3], l.total().item(), 1e-12);
        long[][] none = {labels[1], labels[1], labels[1], labels[1]};
        assertNull(
                Ops.inference().crossEntropyHeads(hidden, w, b, none, ig, null).total());
        long[][] bad = {labels[0], labels[1], {0, 1, 2, 3, 4, 9}, labels[3]};
        assertThrows(
                IndexOutOfBoundsException.class, () -> Ops.inference().crossEntropyHeads(hidden, w, b, bad, ig, null));
    }

    @Test
    void crossEntropyHeads_float32_runsTheKernel_andEqualsTheFloat64Path() {
        Random r = new Random(21);
        int rows = 14;
        long v = 37;
        long ig = -100;
        INDArray h = GradCheck.randn(r, 2, rows / 2, 8);
        List<INDArray> ws = new ArrayList<>();
        List<INDArray> bs = new ArrayList<>();
        long[][] labels = new long[3][rows];
        for (int j = 0; j < 3; j++) {
            ws.add(GradCheck.randn(r, v, 8).muli(3));
            bs.add(GradCheck.randn(r, v));
            for (int i = 0; i < rows; i++) {
                labels[j][i] = (i + j) % 4 == 0 ? ig : r.nextInt((int) v);
            }
        }
        double[] divisors = {3.0, 5.0, 7.0};
        try (io.visage.nn.kernel.Parallelism par = new io.visage.nn.kernel.Parallelism(2)) {
            double[] expected = null;
            Map<String, INDArray> expectedGrads = new LinkedHashMap<>();
            for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
                Tensor hidden = Tensor.parameter(h.castTo(type));
                List<Tensor> w = new ArrayList<>();
                List<Tensor> b = new ArrayList<>();
                for (int j = 0; j < 3; j++) {
                    w.add(Tensor.parameter(ws.get(j).castTo(type)));
                    b.add(Tensor.parameter(bs.get(j).castTo(type)));
                }
                Tape tape = new Tape();
                Ops ops = Ops.training(tape, new SplitMixRandom(1), par);
                Ops.HeadsLoss loss = ops.crossEntropyHeads(hidden, w, b, labels, ig, divisors);
                Gradients g = tape.backward(loss.total());
                Map<String, INDArray> grads = new LinkedHashMap<>();
                grads.put("hidden", g.get(hidden));
                for (int j = 0; j < 3; j++) {
                    grads.put("w" + j, g.get(w.get(j)));
                    grads.put("b" + j, g.get(b.get(j)));
                }
                if (expected == null) {
                    expected = loss.perHead();
                    expectedGrads = grads;
                    continue;
                }
                for (int j = 0; j < 3; j++) {
                    assertEquals(expected[j], loss.perHead()[j], 1e-5 * Math.abs(expected[j]), "loss of head " + j);
                }
                for (Map.Entry<String, INDArray> e : grads.entrySet()) {
                    TensorAssert.assertClose(
                            "float32 d/d" + e.getKey(),
                            expectedGrads.get(e.getKey()),
                            e.getValue().castTo(DataType.DOUBLE),
                            1e-4,
                            1e-5);
                }
            }
        }
    }

    @Test
    void dropoutMasks_dependOnlyOnTheSeed_andDropAboutP() {
        INDArray a = DropoutMask.of(42, 0.1, DataType.FLOAT, 1000, 100);
        INDArray again = DropoutMask.of(42, 0.1, DataType.DOUBLE, 1000, 100);
        assertEquals(a.castTo(DataType.DOUBLE), again);
        double dropped = a.eq(0.0).castTo(DataType.DOUBLE).meanNumber().doubleValue();
        assertEquals(0.1, dropped, 0.005);
        assertEquals((float) (1 / 0.9), a.maxNumber().floatValue());
        assertFalse(a.equals(DropoutMask.of(43, 0.1, DataType.FLOAT, 1000, 100)));
        // the float32 kernel applied in place draws exactly this mask
        INDArray ones = Nd4j.ones(DataType.FLOAT, 1000, 100);
        try (io.visage.nn.kernel.Parallelism par = new io.visage.nn.kernel.Parallelism(2)) {
            DropoutMask.apply(ones, 42, 0.1, par);
        }
        assertEquals(a, ones);
        assertEquals(
                0.0,
                Nd4j.ones(3)
                        .sub(DropoutMask.of(1, 0.0, DataType.FLOAT, 3))
                        .sumNumber()
                        .doubleValue());
    }
}
