package io.visage.nn.layers;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.module.Init;
import io.visage.nn.module.Module;
import io.visage.nn.module.Params;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code nn.ConvTranspose1d}, optionally weight-normalised over dim 0 — which for a transposed
 * convolution's [in, out/groups, k] weight means one norm and one {@code weight_g} per INPUT channel.
 */
public final class ConvTranspose1d implements Module {
    private final Tensor weight;
    private final Tensor weightG;
    private final Tensor weightV;
    private final Tensor bias;
    private final int stride;
    private final int padding;
    private final int outputPadding;
    private final int dilation;
    private final int groups;

    private ConvTranspose1d(Tensor weight, Tensor weightG, Tensor weightV, Tensor bias, int stride, int padding,
            int outputPadding, int dilation, int groups) {
        this.weight = weight;
        this.weightG = weightG;
        this.weightV = weightV;
        this.bias = bias;
        this.stride = stride;
        this.padding = padding;
        this.outputPadding = outputPadding;
        this.dilation = dilation;
        this.groups = groups;
    }

    public static ConvTranspose1d create(Params p, String path, int in, int out, int kernel, int stride, int padding,
            int outputPadding, int dilation, int groups, boolean bias, boolean weightNorm) {
        if (in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException(path + ": channels " + in + "->" + out + " not divisible by groups " + groups);
        }
        double bound = 1.0 / Math.sqrt((double) out / groups * kernel);
        Tensor w = null;
        Tensor g = null;
        Tensor v = null;
        if (weightNorm) {
            g = p.take(Params.join(path, "weight_g"), Init.ones(), in, 1, 1);
            v = p.take(Params.join(path, "weight_v"), Init.uniform(bound), in, out / groups, kernel);
        } else {
            w = p.take(Params.join(path, "weight"), Init.uniform(bound), in, out / groups, kernel);
        }
        Tensor b = bias ? p.take(Params.join(path, "bias"), Init.uniform(bound), out) : null;
        return new ConvTranspose1d(w, g, v, b, stride, padding, outputPadding, dilation, groups);
    }

    /** The effective weight [in, out/groups, k]. */
    public Tensor effectiveWeight(Ops ops) {
        return weight != null ? weight : WeightNorm.weight(ops, weightG, weightV);
    }

    /** @param x [B, in, T] @return [B, out, (T-1)·stride - 2·padding + dilation·(k-1) + outputPadding + 1] */
    public Tensor forward(Ops ops, Tensor x) {
        return ops.convTranspose1d(x, effectiveWeight(ops), bias, stride, padding, outputPadding, dilation, groups);
    }

    @Override
    public Map<String, Tensor> parameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        if (weight != null) {
            m.put("weight", weight);
        }
        if (bias != null) {
            m.put("bias", bias);
        }
        if (weightG != null) {
            m.put("weight_g", weightG);
            m.put("weight_v", weightV);
        }
        return m;
    }

    @Override
    public Map<String, Module> children() {
        return Map.of();
    }
}
