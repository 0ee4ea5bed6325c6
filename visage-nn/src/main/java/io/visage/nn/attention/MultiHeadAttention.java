package io.visage.nn.attention;

import io.visage.nn.ShapeMismatchException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.layers.Linear;
import io.visage.nn.module.Module;
import io.visage.nn.module.Params;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * BART attention ({@code BartAttention}): {@code k_proj, v_proj, q_proj, out_proj} (registration
 * order), q scaled by Dh^-0.5 after its projection and before q·kᵀ, additive masks, softmax,
 * dropout on the weights, out_proj.
 */
public final class MultiHeadAttention implements Module {
    private final Linear kProj;
    private final Linear vProj;
    private final Linear qProj;
    private final Linear outProj;
    private final int heads;
    private final double scaling;
    private final double dropout;

    public MultiHeadAttention(Linear kProj, Linear vProj, Linear qProj, Linear outProj, int heads, double dropout) {
        long d = qProj.outFeatures();
        if (d % heads != 0) {
            throw new ShapeMismatchException("embed dim " + d + " not divisible by heads " + heads);
        }
        this.kProj = kProj;
        this.vProj = vProj;
        this.qProj = qProj;
        this.outProj = outProj;
        this.heads = heads;
        this.scaling = Math.pow((double) d / heads, -0.5);
        this.dropout = dropout;
    }

    public static MultiHeadAttention create(Params p, String path, long dim, int heads, double dropout, double std) {
        return new MultiHeadAttention(
                Linear.create(p, Params.join(path, "k_proj"), dim, dim, true, std),
                Linear.create(p, Params.join(path, "v_proj"), dim, dim, true, std),
                Linear.create(p, Params.join(path, "q_proj"), dim, dim, true, std),
                Linear.create(p, Params.join(path, "out_proj"), dim, dim, true, std),
                heads,
                dropout);
    }

    /**
     * Full-sequence attention: the fused {@link Ops#attention} kernel, or, when attention dropout is
     * set, the same math composed of matmul/softmax/dropout ({@link AttentionMath#attend}).
     *
     * @param x      queries [B, T, D]
     * @param kv     key/value source [B, S, D], or null for self-attention (S = T)
     * @param causal mask keys after each query (self-attention only)
     * @return [B, T, D]
     */
    public Tensor forward(Ops ops, Tensor x, Tensor kv, boolean causal) {
        Tensor src = kv == null ? x : kv;
        if (causal && kv != null) {
            throw new IllegalArgumentException("a causal mask applies to self-attention only");
        }
        Tensor q = qProj.forward(ops, x);
        Tensor k = kProj.forward(ops, src);
        Tensor v = vProj.forward(ops, src);
        Tensor ctx;
        if (dropout == 0.0) {
            ctx = ops.attention(q, k, v, heads, scaling, causal);
        } else {
            Tensor mask = causal ? ops.constant(AttentionMasks.causal((int) x.size(1), 0, x.dataType())) : null;
            Tensor o = AttentionMath.attend(
                    ops,
                    AttentionMath.splitHeads(ops, ops.scale(q, scaling), heads),
                    AttentionMath.splitHeads(ops, k, heads),
                    AttentionMath.splitHeads(ops, v, heads),
                    mask,
                    dropout);
            ctx = AttentionMath.mergeHeads(ops, o);
        }
        return outProj.forward(ops, ctx);
    }

    /**
     * Incremental causal self-attention: appends the keys/values of the {@code t} new positions to
     * {@code cache} and attends over everything cached. Inference only (nothing is differentiated
     * through the cache).
     *
     * @param x [B, t, D] new positions
     * @return [B, t, D]
     */
    public Tensor forwardCached(Ops ops, Tensor x, KvCache.Layer cache) {
        int past = cache.length();
        Tensor q = AttentionMath.splitHeads(ops, ops.scale(qProj.forward(ops, x), scaling), heads);
        Tensor k = AttentionMath.splitHeads(ops, kProj.forward(ops, x), heads);
        Tensor v = AttentionMath.splitHeads(ops, vProj.forward(ops, x), heads);
        var all = cache.append(k.value(), v.value());
        int t = (int) x.size(1);
        Tensor mask = t == 1 ? null : ops.constant(AttentionMasks.causal(t, past, x.dataType()));
        Tensor ctx = AttentionMath.attend(ops, q, ops.constant(all[0]), ops.constant(all[1]), mask, dropout);
        return outProj.forward(ops, AttentionMath.mergeHeads(ops, ctx));
    }

    /**
     * Cross-attention against keys/values cached in {@code cache} (projected from {@code kv} on the
     * first call).
     *
     * @param x [B, t, D]; @param kv encoder states [B, S, D]
     * @return [B, t, D]
     */
    public Tensor forwardCross(Ops ops, Tensor x, Tensor kv, KvCache.Layer cache) {
        if (!cache.hasCross()) {
            cache.setCross(
                    AttentionMath.splitHeads(ops, kProj.forward(ops, kv), heads).value(),
                    AttentionMath.splitHeads(ops, vProj.forward(ops, kv), heads).value());
        }
        Tensor q = AttentionMath.splitHeads(ops, ops.scale(qProj.forward(ops, x), scaling), heads);
        Tensor ctx = AttentionMath.attend(
                ops, q, ops.constant(cache.crossKeys()), ops.constant(cache.crossValues()), null, dropout);
        return outProj.forward(ops, AttentionMath.mergeHeads(ops, ctx));
    }

    public Linear kProj() {
        return kProj;
    }

    public Linear vProj() {
        return vProj;
    }

    public Linear qProj() {
        return qProj;
    }

    public Linear outProj() {
        return outProj;
    }

    public int heads() {
        return heads;
    }

    /** Dh^-0.5. */
    public double scaling() {
        return scaling;
    }

    @Override
    public Map<String, Tensor> parameters() {
        return Map.of();
    }

    @Override
    public Map<String, Module> children() {
        Map<String, Module> c = new LinkedHashMap<>();
        c.put("k_proj", kProj);
        c.put("v_proj", vProj);
        c.put("q_proj", qProj);
        c.put("out_proj", outProj);
        return c;
    }
}
