package io.visage.nn.transformer;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.layers.Linear;

/**
 * BART's feed-forward branch {@code fc2(drop_act(act(fc1(h))))}, without the residual and without
 * the dropout after fc2 (the layer's {@link io.visage.nn.layers.LayerNorm#residual} applies it).
 */
final class FeedForward {
    private FeedForward() {}

    static Tensor apply(Ops ops, LayerConfig cfg, Linear fc1, Linear fc2, Tensor h) {
        return ops.feedForward(
                h, fc1.weight(), fc1.bias(), cfg.activation(), cfg.activationDropout(), fc2.weight(), fc2.bias());
    }
}
