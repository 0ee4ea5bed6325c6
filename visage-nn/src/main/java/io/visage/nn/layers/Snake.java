package io.visage.nn.layers;

import io.visage.nn.ShapeMismatchException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.module.Init;
import io.visage.nn.module.Module;
import io.visage.nn.module.Params;
import java.util.Map;

/** DAC's Snake1d: y = x + 1/(α + 1e-9) · sin²(α·x), α per channel, key {@code alpha} [1, C, 1]. */
public final class Snake implements Module {
    private final Tensor alpha;

    public Snake(Tensor alpha) {
        if (alpha.rank() != 3 || alpha.size(0) != 1 || alpha.size(2) != 1) {
            throw new ShapeMismatchException(
                    "Snake alpha must be [1, C, 1], got " + java.util.Arrays.toString(alpha.shape()));
        }
        this.alpha = alpha;
    }

    public static Snake create(Params p, String path, long channels) {
        return new Snake(p.take(Params.join(path, "alpha"), Init.ones(), 1, channels, 1));
    }

    /** @param x [B, C, T] @return [B, C, T] */
    public Tensor forward(Ops ops, Tensor x) {
        Tensor s = ops.sin(ops.mul(x, alpha));
        Tensor inv = ops.div(
                ops.constant(org.nd4j.linalg.factory.Nd4j.scalar(alpha.dataType(), 1.0)), ops.addScalar(alpha, 1e-9));
        return ops.add(x, ops.mul(ops.square(s), inv));
    }

    public Tensor alpha() {
        return alpha;
    }

    @Override
    public Map<String, Tensor> parameters() {
        return Map.of("alpha", alpha);
    }

    @Override
    public Map<String, Module> children() {
        return Map.of();
    }
}
