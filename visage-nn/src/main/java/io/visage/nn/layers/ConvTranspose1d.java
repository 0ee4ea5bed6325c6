package io.visage.nn.layers;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.module.Module;
import io.visage.nn.module.Params;
import java.util.Map;

/**
 * {@code nn.ConvTranspose1d}, optionally weight-normalised over dim 0 — which for a transposed
 * convolution's [in, out/groups, k] weight means one norm and one {@code weight_g} per INPUT channel.
 */
public final class ConvTranspose1d implements Module {
    private final ConvWeights weights;
    private final int stride;
    private final int padding;
    private final int outputPadding;
    private final int dilation;
    private final int groups;

    private ConvTranspose1d(ConvWeights weights, int stride, int padding, int outputPadding, int dilation, int groups) {
        this.weights = weights;
        this.stride = stride;
        this.padding = padding;
        this.outputPadding = outputPadding;
        this.dilation = dilation;
        this.groups = groups;
    }

    public static ConvTranspose1d create(
            Params p,
            String path,
            int in,
            int out,
            int kernel,
            int stride,
            int padding,
            int outputPadding,
            int dilation,
            int groups,
            boolean bias,
            boolean weightNorm) {
        if (in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException(
                    path + ": channels " + in + "->" + out + " not divisible by groups " + groups);
        }
        double bound = 1.0 / Math.sqrt((double) out / groups * kernel);
        return new ConvTranspose1d(
                ConvWeights.create(p, path, new long[] {in, out / groups, kernel}, out, bias, weightNorm, bound),
                stride,
                padding,
                outputPadding,
                dilation,
                groups);
    }

    /** The effective weight [in, out/groups, k]. */
    public Tensor effectiveWeight(Ops ops) {
        return weights.effective(ops);
    }

    /** @param x [B, in, T] @return [B, out, (T-1)·stride - 2·padding + dilation·(k-1) + outputPadding + 1] */
    public Tensor forward(Ops ops, Tensor x) {
        return ops.convTranspose1d(
                x, weights.effective(ops), weights.bias(), stride, padding, outputPadding, dilation, groups);
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
