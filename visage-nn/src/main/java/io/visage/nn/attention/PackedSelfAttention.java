package io.visage.nn.attention;

import io.visage.nn.ShapeMismatchException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.layers.Linear;
import io.visage.nn.module.Init;
import io.visage.nn.module.Module;
import io.visage.nn.module.Params;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code nn.MultiheadAttention} self-attention as CLIP uses it: packed {@code in_proj_weight}
 * [3D, D] (rows q, k, v) and {@code in_proj_bias} [3D], then {@code out_proj}; q scaled by Dh^-0.5.
 */
public final class PackedSelfAttention implements Module {
    private final Tensor inProjWeight;
    private final Tensor inProjBias;
    private final Linear outProj;
    private final int heads;
    private final double scaling;

    public PackedSelfAttention(Tensor inProjWeight, Tensor inProjBias, Linear outProj, int heads) {
        long d = outProj.outFeatures();
        if (inProjWeight.size(0) != 3 * d || inProjWeight.size(1) != d || d % heads != 0) {
            throw new ShapeMismatchException("in_proj_weight must be [3D, D] with D divisible by heads=" + heads
                    + ", got " + java.util.Arrays.toString(inProjWeight.shape()));
        }
        this.inProjWeight = inProjWeight;
        this.inProjBias = inProjBias;
        this.outProj = outProj;
        this.heads = heads;
        this.scaling = Math.pow((double) d / heads, -0.5);
    }

    public static PackedSelfAttention create(Params p, String path, long dim, int heads) {
        double bound = Math.sqrt(6.0 / (dim + 3 * dim)); // xavier_uniform, as nn.MultiheadAttention
        Tensor w = p.take(Params.join(path, "in_proj_weight"), Init.uniform(bound), 3 * dim, dim);
        Tensor b = p.take(Params.join(path, "in_proj_bias"), Init.zeros(), 3 * dim);
        Linear out = Linear.create(p, Params.join(path, "out_proj"), dim, dim, true, 1.0 / Math.sqrt(dim));
        return new PackedSelfAttention(w, b, out, heads);
    }

    /** @param x [B, T, D], @param mask additive [T, T] or null @return [B, T, D] */
    public Tensor forward(Ops ops, Tensor x, Tensor mask) {
        long d = outProj.outFeatures();
        Tensor qkv = ops.linear(x, inProjWeight, inProjBias);
        Tensor q = AttentionMath.splitHeads(ops, ops.scale(ops.narrow(qkv, 2, 0, d), scaling), heads);
        Tensor k = AttentionMath.splitHeads(ops, ops.narrow(qkv, 2, d, d), heads);
        Tensor v = AttentionMath.splitHeads(ops, ops.narrow(qkv, 2, 2 * d, d), heads);
        Tensor ctx = AttentionMath.attend(ops, q, k, v, mask, 0.0);
        return outProj.forward(ops, AttentionMath.mergeHeads(ops, ctx));
    }

    @Override
    public Map<String, Tensor> parameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("in_proj_weight", inProjWeight);
        m.put("in_proj_bias", inProjBias);
        return m;
    }

    @Override
    public Map<String, Module> children() {
        return Map.of("out_proj", outProj);
    }
}
