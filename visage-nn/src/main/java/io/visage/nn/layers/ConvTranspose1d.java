package io.visage.nn.layers;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.module.Module;
import io.visage.nn.module.Params;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code nn.ConvTranspose1d}, optionally weight-normalised over dim 0 — which for a transposed
 * convolution's [in, out/groups, k] weight means one norm and one {@code weight_g} per INPUT channel.
 * Built with {@link #builder}: {@code ConvTranspose1d.builder(in, out, k).stride(s).padding(p).build(params, path)}.
 */
public final class ConvTranspose1d implements Module {
    private final ConvWeights weights;
    private final int in;
    private final int out;
    private final int stride;
    private final int padding;
    private final int outputPadding;
    private final int dilation;
    private final int groups;

    private ConvTranspose1d(Builder b, ConvWeights weights) {
        this.weights = weights;
        this.in = b.in;
        this.out = b.out;
        this.stride = b.stride;
        this.padding = b.padding;
        this.outputPadding = b.outputPadding;
        this.dilation = b.dilation;
        this.groups = b.groups;
    }

    /**
     * A builder with PyTorch's defaults: stride 1, padding 0, output padding 0, dilation 1, groups 1,
     * bias on, no weight norm.
     *
     * @param in     input channels
     * @param out    output channels
     * @param kernel kernel size K
     */
    public static Builder builder(int in, int out, int kernel) {
        return new Builder(in, out, kernel);
    }

    /** The hyper-parameters of one {@link ConvTranspose1d}; {@link #build} asks {@link Params} for its tensors. */
    public static final class Builder {
        private final int in;
        private final int out;
        private final int kernel;
        private int stride = 1;
        private int padding = 0;
        private int outputPadding = 0;
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

        /** Samples cropped from both ends of the full output ({@code dilation·(K − 1) − padding} implicit zeros). */
        public Builder padding(int padding) {
            this.padding = padding;
            return this;
        }

        /** Extra samples on the right of the output; smaller than the stride or the dilation. */
        public Builder outputPadding(int outputPadding) {
            this.outputPadding = outputPadding;
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

        /** Store {@code weight_g}/{@code weight_v} instead of {@code weight} (DAC's {@code WNConvTranspose1d}). */
        public Builder weightNorm() {
            this.weightNorm = true;
            return this;
        }

        /**
         * @param path the module's dotted state-dict prefix, e.g. {@code decoder.model.1.block.1}
         * @throws IllegalArgumentException naming {@code path} for sizes out of range
         */
        public ConvTranspose1d build(Params p, String path) {
            ConvWeights.checkGeometry(path, in, out, kernel, stride, padding, dilation, groups);
            if (outputPadding < 0 || (outputPadding >= stride && outputPadding >= dilation)) {
                throw new IllegalArgumentException(path + ": output_padding " + outputPadding
                        + " must be in [0, max(stride " + stride + ", dilation " + dilation + "))");
            }
            double bound = 1.0 / Math.sqrt((double) out / groups * kernel);
            return new ConvTranspose1d(
                    this,
                    ConvWeights.create(p, path, new long[] {in, out / groups, kernel}, out, bias, weightNorm, bound));
        }
    }

    /** The effective weight [in, out/groups, k]. */
    public Tensor effectiveWeight(Ops ops) {
        return weights.effective(ops);
    }

    /**
     * The effective weight [in, out/groups, k] now, in a new array the caller owns (and may close):
     * weight norm folded, or a copy of the plain weight. A snapshot for inference kernels.
     */
    public INDArray foldWeight() {
        return weights.fold();
    }

    /** @param x [B, in, T] @return [B, out, (T-1)·stride - 2·padding + dilation·(k-1) + outputPadding + 1] */
    public Tensor forward(Ops ops, Tensor x) {
        return ops.convTranspose1d(
                x, weights.effective(ops), weights.bias(), stride, padding, outputPadding, dilation, groups);
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

    public int outputPadding() {
        return outputPadding;
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
