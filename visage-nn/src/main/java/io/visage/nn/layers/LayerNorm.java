package io.visage.nn.layers;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.module.Init;
import io.visage.nn.module.Module;
import io.visage.nn.module.Params;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code nn.LayerNorm(dim, eps)} over the last axis with affine {@code weight}, {@code bias}. */
public final class LayerNorm implements Module {
    private final Tensor weight;
    private final Tensor bias;
    private final double eps;

    public LayerNorm(Tensor weight, Tensor bias, double eps) {
        if (!(eps > 0)) {
            throw new IllegalArgumentException("LayerNorm eps must be > 0, got " + eps);
        }
        this.weight = weight;
        this.bias = bias;
        this.eps = eps;
    }

    public static LayerNorm create(Params p, String path, long dim, double eps) {
        return new LayerNorm(
                p.take(Params.join(path, "weight"), Init.ones(), dim),
                p.take(Params.join(path, "bias"), Init.zeros(), dim),
                eps);
    }

    /** @param x [..., dim] @return [..., dim] */
    public Tensor forward(Ops ops, Tensor x) {
        return ops.layerNorm(x, weight, bias, eps);
    }

    /**
     * {@code LN(x + dropout(delta))}: the end of a post-LN residual block, as one fused op.
     *
     * @param x [..., dim] the residual; @param delta [..., dim] the block's output
     */
    public Tensor residual(Ops ops, Tensor x, Tensor delta, double dropout) {
        return ops.residualNorm(x, delta, dropout, weight, bias, eps);
    }

    public Tensor weight() {
        return weight;
    }

    public Tensor bias() {
        return bias;
    }

    public double eps() {
        return eps;
    }

    @Override
    public Map<String, Tensor> parameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("weight", weight);
        m.put("bias", bias);
        return m;
    }

    @Override
    public Map<String, Module> children() {
        return Map.of();
    }
}
