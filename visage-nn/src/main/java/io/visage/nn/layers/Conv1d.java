package io.visage.nn.layers;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.module.Module;
import io.visage.nn.module.Params;
import java.util.Map;

/**
 * {@code nn.Conv1d}, optionally weight-normalised ({@code weight_norm(dim=0)}: keys {@code weight_g}
 * [out,1,1] and {@code weight_v} [out, in/groups, k] instead of {@code weight}), plus {@code bias}.
 */
public final class Conv1d implements Module {
    private final ConvWeights weights;
    private final int stride;
    private final int padding;
    private final int dilation;
    private final int groups;

    private Conv1d(ConvWeights weights, int stride, int padding, int dilation, int groups) {
        this.weights = weights;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.groups = groups;
    }

    /**
     * @param weightNorm store {@code weight_g}/{@code weight_v} (DAC's {@code WNConv1d}) instead of {@code weight}
     */
    public static Conv1d create(
            Params p,
            String path,
            int in,
            int out,
            int kernel,
            int stride,
            int padding,
            int dilation,
            int groups,
            boolean bias,
            boolean weightNorm) {
        if (in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException(
                    path + ": channels " + in + "->" + out + " not divisible by groups " + groups);
        }
        double bound = 1.0 / Math.sqrt((double) in / groups * kernel);
        return new Conv1d(
                ConvWeights.create(p, path, new long[] {out, in / groups, kernel}, out, bias, weightNorm, bound),
                stride,
                padding,
                dilation,
                groups);
    }

    /** The effective weight [out, in/groups, k] (weight norm applied). */
    public Tensor effectiveWeight(Ops ops) {
        return weights.effective(ops);
    }

    /** @param x [B, in, T] @return [B, out, T'] */
    public Tensor forward(Ops ops, Tensor x) {
        return ops.conv1d(x, weights.effective(ops), weights.bias(), stride, padding, dilation, groups);
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
