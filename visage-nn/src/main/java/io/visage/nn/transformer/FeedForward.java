package io.visage.nn.transformer;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.layers.Linear;

/** BART's feed-forward branch: drop(fc2(drop_act(act(fc1(h))))), without the residual. */
final class FeedForward {
    private FeedForward() {}

    static Tensor apply(Ops ops, LayerConfig cfg, Linear fc1, Linear fc2, Tensor h) {
        Tensor f = ops.dropout(cfg.activation().apply(ops, fc1.forward(ops, h)), cfg.activationDropout());
        return ops.dropout(fc2.forward(ops, f), cfg.dropout());
    }
}
