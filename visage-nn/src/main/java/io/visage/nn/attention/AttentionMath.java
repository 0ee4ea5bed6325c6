package io.visage.nn.attention;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;

/** Head split/merge and scaled-dot-product attention written in {@link Ops}. */
public final class AttentionMath {
    private AttentionMath() {}

    /** [B, T, H·Dh] → [B, H, T, Dh]. */
    public static Tensor splitHeads(Ops ops, Tensor x, int heads) {
        long b = x.size(0);
        long t = x.size(1);
        long dh = x.size(2) / heads;
        return ops.permute(ops.reshape(x, b, t, heads, dh), 0, 2, 1, 3);
    }

    /** [B, H, T, Dh] → [B, T, H·Dh]. */
    public static Tensor mergeHeads(Ops ops, Tensor x) {
        long b = x.size(0);
        long h = x.size(1);
        long t = x.size(2);
        long dh = x.size(3);
        return ops.reshape(ops.permute(x, 0, 2, 1, 3), b, t, h * dh);
    }

    /**
     * softmax(q·kᵀ + mask)·v, with q already scaled.
     *
     * @param q [B, H, T, Dh]; @param k [B, H, S, Dh]; @param v [B, H, S, Dh]
     * @param mask additive [T, S] (broadcast over B and H) or null
     * @param dropout probability applied to the attention weights
     * @return [B, H, T, Dh]
     */
    public static Tensor attend(Ops ops, Tensor q, Tensor k, Tensor v, Tensor mask, double dropout) {
        Tensor scores = ops.matmul(q, k, false, true);
        if (mask != null) {
            scores = ops.add(scores, mask);
        }
        Tensor p = ops.dropout(ops.softmax(scores), dropout);
        return ops.matmul(p, v, false, false);
    }
}
