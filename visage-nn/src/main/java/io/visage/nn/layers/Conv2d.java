package io.visage.nn.layers;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.module.Module;
import io.visage.nn.module.Params;
import java.util.Map;

/**
 * {@code nn.Conv2d} with a square kernel, the same stride and padding on both axes, dilation 1
 * and groups 1. Keys {@code weight} [out, in, k, k] and {@code bias} [out]. Built with
 * {@link #builder}: {@code Conv2d.builder(in, out, 3).padding(1).build(p, "features.0")}.
 */
public final class Conv2d implements Module {
    private final ConvWeights weights;
    private final int in;
    private final int out;
    private final int stride;
    private final int padding;

    private Conv2d(Builder b, ConvWeights weights) {
        this.weights = weights;
        this.in = b.in;
        this.out = b.out;
        this.stride = b.stride;
        this.padding = b.padding;
    }

    /**
     * A builder with PyTorch's defaults: stride 1, padding 0, bias on.
     *
     * @param in     input channels
     * @param out    output channels
     * @param kernel kernel height and width k
     */
    public static Builder builder(int in, int out, int kernel) {
        return new Builder(in, out, kernel);
    }

    /** The hyper-parameters of one {@link Conv2d}; {@link #build} asks {@link Params} for its tensors. */
    public static final class Builder {
        private final int in;
        private final int out;
        private final int kernel;
        private int stride = 1;
        private int padding = 0;
        private boolean bias = true;

        private Builder(int in, int out, int kernel) {
            this.in = in;
            this.out = out;
            this.kernel = kernel;
        }

        public Builder stride(int stride) {
            this.stride = stride;
            return this;
        }

        /** Zeros added on all four sides of the input. */
        public Builder padding(int padding) {
            this.padding = padding;
            return this;
        }

        /** No {@code bias} parameter ({@code bias=False}). */
        public Builder noBias() {
            this.bias = false;
            return this;
        }

        /**
         * @param path the module's dotted state-dict prefix, e.g. {@code features.3}
         * @throws IllegalArgumentException naming {@code path} for sizes out of range
         */
        public Conv2d build(Params p, String path) {
            ConvWeights.checkGeometry(path, in, out, kernel, stride, padding, 1, 1);
            double bound = 1.0 / Math.sqrt((double) in * kernel * kernel);
            return new Conv2d(
                    this, ConvWeights.create(p, path, new long[] {out, in, kernel, kernel}, out, bias, false, bound));
        }
    }

    /**
     * @param x [B, in, H, W]
     * @return [B, out, (H + 2·padding − k) / stride + 1, (W + 2·padding − k) / stride + 1]
     */
    public Tensor forward(Ops ops, Tensor x) {
        return ops.conv2d(x, weights.effective(ops), weights.bias(), stride, stride, padding, padding);
    }

    /** The weight [out, in, k, k]. */
    public Tensor weight() {
        return weights.effective(Ops.inference());
    }

    /** The bias [out], or null. */
    public Tensor bias() {
        return weights.bias();
    }

    /** Input channels. */
    public int inChannels() {
        return in;
    }

    /** Output channels. */
    public int outChannels() {
        return out;
    }

    /** Kernel height and width k. */
    public int kernelSize() {
        return weights.kernelSize();
    }

    public int stride() {
        return stride;
    }

    public int padding() {
        return padding;
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
