package io.visage.nn.transformer;

import io.visage.nn.autodiff.Tensor;
import io.visage.nn.module.RandomParams;
import io.visage.nn.testing.GradCheck;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import static io.visage.nn.testing.GradCheck.randn;

/** Float64 gradient checks of whole transformer layers, every parameter and the inputs. */
class TransformerGradientTest {
    private static final LayerConfig CFG =
            LayerConfig.builder(8, 2, 12).dropout(0.1).initStd(0.3).build();

    @Test
    void bartEncoderLayer_gradients_matchFiniteDifferences() {
        BartEncoderLayer layer = BartEncoderLayer.create(new RandomParams(1, DataType.DOUBLE), "enc", CFG);
        Tensor x = Tensor.parameter(randn(new Random(2), 2, 5, 8));
        Map<String, Tensor> leaves = new LinkedHashMap<>(layer.stateDict());
        leaves.put("x", x);
        GradCheck.check("bart encoder layer", leaves, ops -> layer.forward(ops, x), 6, 3);
    }

    @Test
    void bartDecoderLayer_gradients_matchFiniteDifferences() {
        BartDecoderLayer layer = BartDecoderLayer.create(new RandomParams(4, DataType.DOUBLE), "dec", CFG);
        Tensor x = Tensor.parameter(randn(new Random(5), 2, 4, 8));
        Tensor enc = Tensor.parameter(randn(new Random(6), 2, 3, 8));
        Map<String, Tensor> leaves = new LinkedHashMap<>(layer.stateDict());
        leaves.put("x", x);
        leaves.put("encoder", enc);
        GradCheck.check("bart decoder layer", leaves, ops -> layer.forward(ops, x, enc), 6, 7);
    }

    @Test
    void clipResidualBlock_gradients_matchFiniteDifferences() {
        ClipResidualBlock block = ClipResidualBlock.create(new RandomParams(8, DataType.DOUBLE), "blk", 8, 2);
        Tensor x = Tensor.parameter(randn(new Random(9), 2, 5, 8));
        Map<String, Tensor> leaves = new LinkedHashMap<>(block.stateDict());
        leaves.put("x", x);
        GradCheck.check("clip residual block", leaves, ops -> block.forward(ops, x, null), 6, 10);
    }
}
