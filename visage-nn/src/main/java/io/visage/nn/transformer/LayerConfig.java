package io.visage.nn.transformer;

import io.visage.nn.ConfigException;
import io.visage.nn.layers.Activation;

/**
 * Hyper-parameters of one transformer layer.
 *
 * @param dModel            width D
 * @param heads             attention heads (D divisible by heads)
 * @param ffnDim            inner width of the feed-forward block
 * @param activation        feed-forward activation
 * @param layerNormEps      LayerNorm epsilon
 * @param dropout           dropout after attention and after the feed-forward block
 * @param attentionDropout  dropout on attention weights
 * @param activationDropout dropout after the activation
 * @param initStd           std of the normal init of fresh Linear weights
 */
public record LayerConfig(
        long dModel,
        int heads,
        long ffnDim,
        Activation activation,
        double layerNormEps,
        double dropout,
        double attentionDropout,
        double activationDropout,
        double initStd) {
    public LayerConfig {
        if (dModel < 1 || heads < 1 || dModel % heads != 0) {
            throw new ConfigException(
                    "d_model " + dModel + " must be positive and divisible by the head count " + heads);
        }
        if (ffnDim < 1) {
            throw new ConfigException("ffn_dim must be positive, got " + ffnDim);
        }
        if (!(layerNormEps > 0)) {
            throw new ConfigException("layer_norm_eps must be > 0, got " + layerNormEps);
        }
        for (double p : new double[] {dropout, attentionDropout, activationDropout}) {
            if (!(p >= 0 && p < 1)) {
                throw new ConfigException("dropout probabilities must be in [0, 1), got " + p);
            }
        }
        if (activation == null) {
            throw new ConfigException("activation is required");
        }
    }

    public long headDim() {
        return dModel / heads;
    }
}
