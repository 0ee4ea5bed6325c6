package io.visage.nn.layers;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.module.Init;
import io.visage.nn.module.Module;
import io.visage.nn.module.Params;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code nn.Conv1d}, optionally weight-normalised ({@code weight_norm(dim=0)}: keys {@code weight_g}
 * [out,1,1] and {@code weight_v} [out, in/groups, k] instead of {@code weight}), plus {@code bias}.
 */
public final class Conv1d implements Module {
    private final Tensor weight; // plain weight, or null with weight norm
    private final Tensor weightG;
    private final Tensor weightV;
    private final Tensor bias;
    private final int stride;
    private final int padding;
    private final int dilation;
    private final int groups;

    private Conv1d(Tensor weight, Tensor weightG, Tensor weightV, Tensor bias, int stride, int padding, int dilation,
            int groups) {
        this.weight = weight;
        this.weightG = weightG;
        this.weightV = weightV;
        this.bias = bias;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.groups = groups;
    }

    /**
     * @param weightNorm store {@code weight_g}/{@code weight_v} (DAC's {@code WNConv1d}) instead of {@code weight}
     */
    public static Conv1d create(Params p, String path, int in, int out, int kernel, int stride, int padding,
            int dilation, int groups, boolean bias, boolean weightNorm) {
        if (in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException(path + ": channels " + in + "->" + out + " not divisible by groups " + groups);
        }
        double bound = 1.0 / Math.sqrt((double) in / groups * kernel);
        Tensor w = null;
        Tensor g = null;
        Tensor v = null;
        if (weightNorm) {
            g = p.take(Params.join(path, "weight_g"), Init.ones(), out, 1, 1);
            v = p.take(Params.join(path, "weight_v"), Init.uniform(bound), out, in / groups, kernel);
        } else {
            w = p.take(Params.join(path, "weight"), Init.uniform(bound), out, in / groups, kernel);
        }
        Tensor b = bias ? p.take(Params.join(path, "bias"), Init.uniform(bound), out) : null;
        return new Conv1d(w, g, v, b, stride, padding, dilation, groups);
    }

    /** The effective weight [out, in/groups, k] (weight norm applied). */
    public Tensor effectiveWeight(Ops ops) {
        return weight != null ? weight : WeightNorm.weight(ops, weightG, weightV);
    }

    /** @param x [B, in, T] @return [B, out, T'] */
    public Tensor forward(Ops ops, Tensor x) {
        return ops.conv1d(x, effectiveWeight(ops), bias, stride, padding, dilation, groups);
    }

    public int stride() {
        return stride;
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
