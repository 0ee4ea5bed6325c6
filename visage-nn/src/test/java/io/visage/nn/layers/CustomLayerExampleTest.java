package io.visage.nn.layers;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.module.Module;
import io.visage.nn.module.Params;
import io.visage.nn.module.RandomParams;
import io.visage.nn.testing.GradCheck;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import static io.visage.nn.testing.GradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The custom-layer example of docs/ENGINE.md, compiled and checked so the doc cannot drift. */
class CustomLayerExampleTest {

    /** y = x · σ(gate(x)): a gated linear unit with PyTorch key names "gate.weight", "gate.bias". */
    static final class Glu implements Module {
        private final Linear gate;

        Glu(Linear gate) {
            this.gate = gate;
        }

        static Glu create(Params p, String path, long dim) {
            return new Glu(Linear.create(p, Params.join(path, "gate"), dim, dim, true, 0.02));
        }

        Tensor forward(Ops ops, Tensor x) { // [..., dim] -> [..., dim]
            return ops.mul(x, ops.sigmoid(gate.forward(ops, x)));
        }

        @Override
        public Map<String, Tensor> parameters() {
            return Map.of();
        }

        @Override
        public Map<String, Module> children() {
            return Map.of("gate", gate);
        }
    }

    @Test
    void exampleLayer_hasPyTorchKeys_andCheckedGradients() {
        Glu glu;
        try (RandomParams p = new RandomParams(3, DataType.DOUBLE)) {
            glu = Glu.create(p, "", 6);
        }
        assertEquals(
                List.of("gate.weight", "gate.bias"), List.copyOf(glu.stateDict().keySet()));
        Tensor x = Tensor.parameter(randn(new Random(4), 2, 3, 6));
        Map<String, Tensor> leaves = new LinkedHashMap<>(glu.stateDict());
        leaves.put("x", x);
        GradCheck.check("glu", leaves, ops -> glu.forward(ops, x), 12, 5);
    }
}
