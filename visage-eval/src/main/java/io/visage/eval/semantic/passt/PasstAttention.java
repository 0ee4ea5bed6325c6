package io.visage.eval.semantic.passt;

import io.visage.nn.ShapeMismatchException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.layers.Linear;
import io.visage.nn.module.Module;
import io.visage.nn.module.Params;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The timm/PaSST ViT {@code Attention}: {@code qkv = Linear(D, 3D)} whose output columns are
 * [3, heads, Dh] (q, k, v; heads contiguous inside each), {@code softmax(q·kᵀ · Dh^-½)·v} per head,
 * heads merged back in order, then {@code proj = Linear(D, D)}. The q, k and v column blocks are
 * already in the merged-head layout [B, N, H·Dh] that {@link Ops#attention} takes. (CLIP's
 * {@code PackedSelfAttention} packs the same rows but under {@code in_proj_weight}/{@code out_proj},
 * so it cannot carry PaSST's state-dict names.) Children: {@code qkv}, {@code proj}.
 */
public final class PasstAttention implements Module {
    private final Linear qkv;
    private final Linear proj;
    private final int heads;
    private final double scale;

    public PasstAttention(Linear qkv, Linear proj, int heads) {
        long d = proj.outFeatures();
        if (qkv.outFeatures() != 3 * d || qkv.inFeatures() != d || proj.inFeatures() != d || d % heads != 0) {
            throw new ShapeMismatchException("attn: qkv must be [3D, D] and proj [D, D] with D divisible by heads="
                    + heads + ", found qkv " + Arrays.toString(qkv.weight().shape()) + ", proj "
                    + Arrays.toString(proj.weight().shape()));
        }
        this.qkv = qkv;
        this.proj = proj;
        this.heads = heads;
        this.scale = Math.pow((double) d / heads, -0.5);
    }

    /** {@code path.qkv.*} (with bias) and {@code path.proj.*}; fresh weights ~ N(0, 0.02²) as timm. */
    public static PasstAttention create(Params p, String path, long dim, int heads) {
        return new PasstAttention(
                Linear.create(p, Params.join(path, "qkv"), dim, 3 * dim, true, 0.02),
                Linear.create(p, Params.join(path, "proj"), dim, dim, true, 0.02),
                heads);
    }

    /**
     * @param x [B, N, D] (not modified or freed)
     * @return [B, N, D]
     */
    public Tensor forward(Ops ops, Tensor x) {
        long d = proj.outFeatures();
        Tensor packed = qkv.forward(ops, x);
        Tensor q = ops.narrow(packed, 2, 0, d);
        Tensor k = ops.narrow(packed, 2, d, d);
        Tensor v = ops.narrow(packed, 2, 2 * d, d);
        Release.after(ops, packed);
        Tensor ctx = ops.attention(q, k, v, heads, scale, false);
        Release.after(ops, q, k, v);
        Tensor out = proj.forward(ops, ctx);
        Release.after(ops, ctx);
        return out;
    }

    public int heads() {
        return heads;
    }

    @Override
    public Map<String, Tensor> parameters() {
        return Map.of();
    }

    @Override
    public Map<String, Module> children() {
        Map<String, Module> c = new LinkedHashMap<>();
        c.put("qkv", qkv);
        c.put("proj", proj);
        return c;
    }
}
