package io.visage.nn.layers;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.module.Module;
import io.visage.nn.module.Params;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code nn.Conv1d}, optionally weight-normalised ({@code weight_norm(dim=0)}: keys {@code weight_g}
 * [out,1,1] and {@code weight_v} [out, in/groups, k] instead of {@code weight}), plus {@code bias}.
 * Built with {@link #builder}: {@code Conv1d.builder(in, out, k).padding(3).weightNorm().build(p, path)}.
 */
public final class Conv1d implements Module {
    private final ConvWeights weights;
    private final int in;
    private final int out;
    private final int stride;
    private final int padding;
    private final int dilation;
    private final int groups;

    private Conv1d(Builder b, ConvWeights weights) {
        this.weights = weights;
        this.in = b.in;
        this.out = b.out;
        this.stride = b.stride;
        this.padding = b.padding;
        this.dilation = b.dilation;
        this.groups = b.groups;
    }

    /**
     * A builder with PyTorch's defaults: stride 1, padding 0, dilation 1, groups 1, bias on, no
     * weight norm.
     *
     * @param in     input channels
     * @param out    output channels
     * @param kernel kernel size K
     */
    public static Builder builder(int in, int out, int kernel) {
        return new Builder(in, out, kernel);
    }

    /** The hyper-parameters of one {@link Conv1d}; {@link #build} asks {@link Params} for its tensors. */
    public static final class Builder {
        private final int in;
        private final int out;
        private final int kernel;
        private int stride = 1;
        private int padding = 0;
        private int dilation = 1;
        private int groups = 1;
        private boolean bias = true;
        private boolean weightNorm = false;

        private Builder(int in, int out, int kernel) {
            this.in = in;
            this.out = out;
            this.kernel = kernel;
        }

        public Builder stride(int stride) {
            this.stride = stride;
            return this;
        }

        /** Zeros added on both sides of the input. */
        public Builder padding(int padding) {
            this.padding = padding;
            return this;
        }

        public Builder dilation(int dilation) {
            this.dilation = dilation;
            return this;
        }

        public Builder groups(int groups) {
            this.groups = groups;
            return this;
        }

        /** No {@code bias} parameter ({@code bias=False}). */
        public Builder noBias() {
            this.bias = false;
            return this;
        }

        /** Store {@code weight_g}/{@code weight_v} instead of {@code weight} (DAC's {@code WNConv1d}). */
        public Builder weightNorm() {
            this.weightNorm = true;
            return this;
        }

        /**
         * @param path the module's dotted state-dict prefix, e.g. {@code decoder.model.0}
         * @throws IllegalArgumentException naming {@code path} for sizes out of range
         */
        public Conv1d build(Params p, String path) {
            ConvWeights.checkGeometry(path, in, out, kernel, stride, padding, dilation, groups);
            double bound = 1.0 / Math.sqrt((double) in / groups * kernel);
            return new Conv1d(
                    this,
                    ConvWeights.create(p, path, new long[] {out, in / groups, kernel}, out, bias, weightNorm, bound));
        }
    }

    /** The effective weight [out, in/groups, k] (weight norm applied). */
    public Tensor effectiveWeight(Ops ops) {
        return weights.effective(ops);
    }

    /**
     * The effective weight [out, in/groups, k] now, in a new array the caller owns (and may close):
     * weight norm folded, or a copy of the plain weight. A snapshot for inference kernels.
     */
    public INDArray foldWeight() {
        return weights.fold();
    }

    /** @param x [B, in, T] @return [B, out, (T + 2·padding − dilation·(K − 1) − 1) / stride + 1] */
    public Tensor forward(Ops ops, Tensor x) {
        return ops.conv1d(x, weights.effective(ops), weights.bias(), stride, padding, dilation, groups);
    }

    /** Input channels. */
    public int inChannels() {
        return in;
    }

    /** Output channels. */
    public int outChannels() {
        return out;
    }

    public int stride() {
        return stride;
    }

    /** The bias [out], or null. */
    public Tensor bias() {
        return weights.bias();
    }

    /** Kernel size K. */
    public int kernelSize() {
        return weights.kernelSize();
    }

    public int padding() {
        return padding;
    }

    public int dilation() {
        return dilation;
    }

    public int groups() {
        return groups;
    }

    @Override
    public Map<String, Tensor> parameters() {
        return weights.parameters();
    }

    @Override
    public Map<String, Module> children() {
        return Map.of();
    }
}
