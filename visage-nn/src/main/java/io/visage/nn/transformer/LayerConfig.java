package io.visage.nn.transformer;

import io.visage.nn.ConfigException;
import io.visage.nn.layers.Activation;
import java.util.Objects;

/**
 * Hyper-parameters of one transformer layer, built by {@link #builder(long, int, long)} from the
 * three sizes; the rest start at BART's values (exact GELU, LayerNorm eps 1e-5, no dropout, init
 * std 0.02). Immutable and validated when built.
 */
public final class LayerConfig {
    private final long dModel;
    private final int heads;
    private final long ffnDim;
    private final Activation activation;
    private final double layerNormEps;
    private final double dropout;
    private final double attentionDropout;
    private final double activationDropout;
    private final double initStd;

    private LayerConfig(Builder b) {
        if (b.dModel < 1 || b.heads < 1 || b.dModel % b.heads != 0) {
            throw new ConfigException(
                    "d_model " + b.dModel + " must be positive and divisible by the head count " + b.heads);
        }
        if (b.ffnDim < 1) {
            throw new ConfigException("ffn_dim must be positive, got " + b.ffnDim);
        }
        if (!(b.layerNormEps > 0)) {
            throw new ConfigException("layer_norm_eps must be > 0, got " + b.layerNormEps);
        }
        requireProbability("dropout", b.dropout);
        requireProbability("attention_dropout", b.attentionDropout);
        requireProbability("activation_dropout", b.activationDropout);
        if (b.activation == null) {
            throw new ConfigException("activation is required");
        }
        if (!(b.initStd >= 0)) {
            throw new ConfigException("init_std must be >= 0, got " + b.initStd);
        }
        this.dModel = b.dModel;
        this.heads = b.heads;
        this.ffnDim = b.ffnDim;
        this.activation = b.activation;
        this.layerNormEps = b.layerNormEps;
        this.dropout = b.dropout;
        this.attentionDropout = b.attentionDropout;
        this.activationDropout = b.activationDropout;
        this.initStd = b.initStd;
    }

    private static void requireProbability(String name, double p) {
        if (!(p >= 0 && p < 1)) {
            throw new ConfigException(name + " must be in [0, 1), got " + p);
        }
    }

    /**
     * @param dModel width D
     * @param heads  attention heads (D divisible by heads)
     * @param ffnDim inner width of the feed-forward block
     */
    public static Builder builder(long dModel, int heads, long ffnDim) {
        return new Builder(dModel, heads, ffnDim);
    }

    /** A builder holding this config's values. */
    public Builder toBuilder() {
        return new Builder(dModel, heads, ffnDim)
                .activation(activation)
                .layerNormEps(layerNormEps)
                .dropout(dropout)
                .attentionDropout(attentionDropout)
                .activationDropout(activationDropout)
                .initStd(initStd);
    }

    /** Width D. */
    public long dModel() {
        return dModel;
    }

    /** Attention heads. */
    public int heads() {
        return heads;
    }

    /** Inner width of the feed-forward block. */
    public long ffnDim() {
        return ffnDim;
    }

    /** Feed-forward activation. */
    public Activation activation() {
        return activation;
    }

    /** LayerNorm epsilon. */
    public double layerNormEps() {
        return layerNormEps;
    }

    /** Dropout after attention and after the feed-forward block. */
    public double dropout() {
        return dropout;
    }

    /** Dropout on attention weights. */
    public double attentionDropout() {
        return attentionDropout;
    }

    /** Dropout after the activation. */
    public double activationDropout() {
        return activationDropout;
    }

    /** Std of the normal init of fresh Linear weights. */
    public double initStd() {
        return initStd;
    }

    public long headDim() {
        return dModel / heads;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerConfig c
                && dModel == c.dModel
                && heads == c.heads
                && ffnDim == c.ffnDim
                && activation == c.activation
                && Double.compare(layerNormEps, c.layerNormEps) == 0
                && Double.compare(dropout, c.dropout) == 0
                && Double.compare(attentionDropout, c.attentionDropout) == 0
                && Double.compare(activationDropout, c.activationDropout) == 0
                && Double.compare(initStd, c.initStd) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                dModel, heads, ffnDim, activation, layerNormEps, dropout, attentionDropout, activationDropout, initStd);
    }

    @Override
    public String toString() {
        return "LayerConfig[d_model=" + dModel + ", heads=" + heads + ", ffn_dim=" + ffnDim + ", activation="
                + activation + ", layer_norm_eps=" + layerNormEps + ", dropout=" + dropout + ", attention_dropout="
                + attentionDropout + ", activation_dropout=" + activationDropout + ", init_std=" + initStd + "]";
    }

    /** Values of a {@link LayerConfig}; {@link #build()} validates them. */
    public static final class Builder {
        private final long dModel;
        private final int heads;
        private final long ffnDim;
        private Activation activation = Activation.GELU_EXACT;
        private double layerNormEps = 1e-5;
        private double dropout;
        private double attentionDropout;
        private double activationDropout;
        private double initStd = 0.02;

        private Builder(long dModel, int heads, long ffnDim) {
            this.dModel = dModel;
            this.heads = heads;
            this.ffnDim = ffnDim;
        }

        public Builder activation(Activation v) {
            activation = v;
            return this;
        }

        public Builder layerNormEps(double v) {
            layerNormEps = v;
            return this;
        }

        public Builder dropout(double v) {
            dropout = v;
            return this;
        }

        public Builder attentionDropout(double v) {
            attentionDropout = v;
            return this;
        }

        public Builder activationDropout(double v) {
            activationDropout = v;
            return this;
        }

        public Builder initStd(double v) {
            initStd = v;
            return this;
        }

        /** @throws ConfigException naming the first invalid value */
        public LayerConfig build() {
            return new LayerConfig(this);
        }
    }
}
