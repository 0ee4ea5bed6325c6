package io.visage.nn.layers;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.module.Module;
import io.visage.nn.module.RandomParams;
import io.visage.nn.testing.GradCheck;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import static io.visage.nn.testing.GradCheck.randn;

/** Central-difference gradient checks (float64) of every layer and op, inputs included. */
class LayerGradientTest {
    private static final int PER_LEAF = 12;

    private static Map<String, Tensor> leaves(Module m, Tensor... inputs) {
        Map<String, Tensor> l = new LinkedHashMap<>(m == null ? Map.of() : m.stateDict());
        for (int i = 0; i < inputs.length; i++) {
            l.put("input" + i, inputs[i]);
        }
        return l;
    }

    private static Tensor input(Random rng, long... shape) {
        return Tensor.parameter(randn(rng, shape));
    }

    @Test
    void linear_gradients_matchFiniteDifferences() {
        Random rng = new Random(1);
        Linear lin = Linear.create(new RandomParams(11, DataType.DOUBLE), "lin", 5, 3, true, 0.5);
        Tensor x = input(rng, 2, 4, 5);
        GradCheck.check("linear", leaves(lin, x), ops -> lin.forward(ops, x), PER_LEAF, 2);
    }

    @Test
    void layerNorm_gradients_matchFiniteDifferences() {
        Random rng = new Random(3);
        LayerNorm ln = new LayerNorm(Tensor.parameter(randn(rng, 6)), Tensor.parameter(randn(rng, 6)), 1e-5);
        Tensor x = input(rng, 3, 2, 6);
        GradCheck.check("layer_norm", leaves(ln, x), ops -> ln.forward(ops, x), PER_LEAF, 4);
    }

    @Test
    void embedding_gradients_matchFiniteDifferences_andPaddingRowGetsNone() {
        Random rng = new Random(5);
        Embedding emb = new Embedding(Tensor.parameter(randn(rng, 7, 4)), 6);
        long[] ids = {0, 3, 6, 3, 1, 6};
        long[] noPad = {0, 3, 5, 3, 1, 2};
        GradCheck.check("embedding", leaves(emb), ops -> emb.forward(ops, noPad, 2, 3), 28, 6);
        var tape = new io.visage.nn.autodiff.Tape();
        Ops ops = Ops.recording(tape);
        var g = tape.backward(ops.sum(emb.forward(ops, ids, 2, 3)));
        org.junit.jupiter.api.Assertions.assertEquals(
                0.0, g.get(emb.weight()).getRow(6).sumNumber().doubleValue(), "padding row must get no gradient");
        org.junit.jupiter.api.Assertions.assertEquals(
                2 * 4, g.get(emb.weight()).getRow(3).sumNumber().doubleValue(), 1e-12, "row 3 is looked up twice");
    }

    @Test
    void activations_gradients_matchFiniteDifferences() {
        Random rng = new Random(7);
        Tensor x = input(rng, 3, 5);
        for (Activation a : Activation.values()) {
            if (a == Activation.RELU) {
                continue; // kink at 0; checked below away from it
            }
            GradCheck.check(a.name(), leaves(null, x), ops -> a.apply(ops, x), PER_LEAF, 8);
        }
        Tensor away = Tensor.parameter(randn(rng, 4, 3)
                .addi(Nd4j.rand(DataType.DOUBLE, 4, 3)
                        .gt(0.5)
                        .castTo(DataType.DOUBLE)
                        .muli(4)
                        .subi(2)));
        GradCheck.check("relu", leaves(null, away), ops -> Activation.RELU.apply(ops, away), PER_LEAF, 9);
    }

    @Test
    void softmaxAndLogSoftmax_gradients_matchFiniteDifferences() {
        Random rng = new Random(9);
        Tensor x = input(rng, 2, 3, 5);
        GradCheck.check("softmax", leaves(null, x), ops -> ops.softmax(x), PER_LEAF, 10);
        GradCheck.check("log_softmax", leaves(null, x), ops -> ops.logSoftmax(x), PER_LEAF, 11);
    }

    @Test
    void crossEntropy_gradients_matchFiniteDifferences_withIgnoredRows() {
        Random rng = new Random(12);
        Tensor logits = input(rng, 5, 4);
        long[] labels = {1, -100, 3, 0, -100};
        GradCheck.check("cross_entropy", leaves(null, logits), ops -> ops.crossEntropy(logits, labels, -100), 20, 13);
    }

    @Test
    void elementwiseBroadcastOps_gradients_matchFiniteDifferences() {
        Random rng = new Random(14);
        Tensor a = input(rng, 2, 3, 4);
        Tensor b = input(rng, 1, 3, 1);
        Tensor c = Tensor.parameter(randn(rng, 4).addi(3.0)); // away from 0 for div
        GradCheck.check(
                "add/sub/mul/div",
                leaves(null, a, b, c),
                ops -> ops.div(ops.sub(ops.mul(ops.add(a, b), b), a), c),
                PER_LEAF,
                15);
        Tensor pos = Tensor.parameter(Nd4j.rand(DataType.DOUBLE, 3, 4).addi(0.5));
        GradCheck.check(
                "exp/log/sqrt/sin/tanh/sigmoid/square",
                leaves(null, pos),
                ops -> ops.add(
                        ops.add(ops.exp(pos), ops.log(pos)),
                        ops.add(
                                ops.sqrt(pos),
                                ops.add(
                                        ops.sin(pos),
                                        ops.add(ops.tanh(pos), ops.add(ops.sigmoid(pos), ops.square(pos)))))),
                PER_LEAF,
                16);
    }

    @Test
    void shapeOps_gradients_matchFiniteDifferences() {
        Random rng = new Random(17);
        Tensor a = input(rng, 2, 3, 4);
        Tensor b = input(rng, 2, 1, 4);
        GradCheck.check(
                "concat/narrow/permute/reshape",
                leaves(null, a, b),
                ops -> ops.reshape(ops.permute(ops.narrow(ops.concat(1, a, b), 1, 1, 3), 2, 0, 1), 4, 6),
                PER_LEAF,
                18);
        GradCheck.check("matmul A·Bᵀ", leaves(null, a, b), ops -> ops.matmul(a, b, false, true), PER_LEAF, 19);
        Tensor c = input(rng, 2, 3, 5);
        GradCheck.check("matmul Aᵀ·C", leaves(null, a, c), ops -> ops.matmul(a, c, true, false), PER_LEAF, 31);
        Tensor d = input(rng, 2, 4, 5);
        GradCheck.check("matmul A·D", leaves(null, a, d), ops -> ops.matmul(a, d, false, false), PER_LEAF, 32);
        Tensor e = input(rng, 2, 5, 3);
        GradCheck.check("matmul Aᵀ·Eᵀ", leaves(null, a, e), ops -> ops.matmul(a, e, true, true), PER_LEAF, 33);
        Tensor m = input(rng, 3, 4);
        Tensor n = input(rng, 4, 2);
        GradCheck.check("matmul 2-D", leaves(null, m, n), ops -> ops.matmul(m, n, false, false), PER_LEAF, 34);
    }

    @Test
    void conv1d_gradients_matchFiniteDifferences() {
        Random rng = new Random(20);
        Conv1d conv = Conv1d.builder(4, 6, 3)
                .stride(2)
                .padding(2)
                .dilation(2)
                .groups(2)
                .build(new RandomParams(21, DataType.DOUBLE), "c");
        Tensor x = input(rng, 2, 4, 11);
        GradCheck.check("conv1d s2 p2 d2 g2", leaves(conv, x), ops -> conv.forward(ops, x), PER_LEAF, 22);
    }

    @Test
    void conv2d_gradients_matchFiniteDifferences_andKeys() {
        Random rng = new Random(27);
        Conv2d conv = Conv2d.builder(3, 4, 3).stride(2).padding(1).build(new RandomParams(28, DataType.DOUBLE), "c");
        org.junit.jupiter.api.Assertions.assertEquals(
                java.util.List.of("weight", "bias"),
                java.util.List.copyOf(conv.parameters().keySet()));
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                new long[] {4, 3, 3, 3}, conv.weight().shape());
        Tensor x = input(rng, 2, 3, 7, 6);
        GradCheck.check("conv2d k3 s2 p1", leaves(conv, x), ops -> conv.forward(ops, x), PER_LEAF, 29);
    }

    @Test
    void weightNormConv1d_gradients_matchFiniteDifferences() {
        Random rng = new Random(23);
        Conv1d conv = Conv1d.builder(3, 5, 7)
                .padding(3)
                .dilation(3)
                .weightNorm()
                .build(new RandomParams(24, DataType.DOUBLE), "c");
        Tensor x = input(rng, 1, 3, 20);
        GradCheck.check("wn conv1d k7 d3", leaves(conv, x), ops -> conv.forward(ops, x), PER_LEAF, 25);
    }

    @Test
    void convTranspose1d_gradients_matchFiniteDifferences() {
        Random rng = new Random(26);
        ConvTranspose1d conv = ConvTranspose1d.builder(4, 6, 4)
                .stride(2)
                .padding(1)
                .outputPadding(1)
                .groups(2)
                .weightNorm()
                .build(new RandomParams(27, DataType.DOUBLE), "c");
        Tensor x = input(rng, 2, 4, 5);
        GradCheck.check("wn conv_transpose1d s2 p1 op1 g2", leaves(conv, x), ops -> conv.forward(ops, x), PER_LEAF, 28);
    }

    @Test
    void snake_gradients_matchFiniteDifferences() {
        Random rng = new Random(29);
        Snake snake =
                new Snake(Tensor.parameter(Nd4j.rand(DataType.DOUBLE, 1, 3, 1).addi(0.5)));
        Tensor x = input(rng, 2, 3, 6);
        GradCheck.check("snake", leaves(snake, x), ops -> snake.forward(ops, x), PER_LEAF, 30);
    }
}
