package io.visage.nn.kernel;

import io.visage.nn.ShapeMismatchException;

/**
 * Single-query multi-head attention for incremental decoding: one new query per batch entry and
 * head against the first {@code L} positions of a key/value cache in {@link KvLayout}
 * {@code [B, H, Tmax, Dh]}. The same call serves cross-attention, with the encoder's {@code S}
 * projected positions stored once in a cache of capacity {@code S} and {@code L = S}.
 *
 * <pre>
 *   out[b, h, :] = Σ_{t<L} softmax_t(q[b, h, :] · K[b, h, t, :]) · V[b, h, t, :]
 * </pre>
 * No mask: every one of the {@code L} positions is visible (causality comes from {@code L} itself).
 * {@code q} must already carry the {@code Dh^-0.5} scaling (HF BART scales the query projection).
 *
 * <p>The {@code B·H} pairs {@code (b, h)} are split over the {@link Parallelism} threads. Scores go
 * to a scratch array allocated once per chunk ({@code L} floats). Uses the Vector API when the module
 * is present, plain Java otherwise; instances are stateless and thread-safe.
 */
public final class AttentionKernel {
    private final Parallelism par;
    private final boolean vector;

    /** The fastest variant this JVM can run, splitting (b, h) pairs over {@code par}. */
    public AttentionKernel(Parallelism par) {
        this(par, VectorApi.PRESENT);
    }

    /** The plain-Java variant, whatever the JVM (for comparison and for JVMs without the module). */
    public static AttentionKernel scalar(Parallelism par) {
        return new AttentionKernel(par, false);
    }

    /** @param vector use the Vector API path; only true if the module is present */
    AttentionKernel(Parallelism par, boolean vector) {
        if (par == null) {
            throw new IllegalArgumentException("AttentionKernel: par is null");
        }
        if (vector && !VectorApi.PRESENT) {
            throw new IllegalArgumentException("AttentionKernel: the Vector API module is not available");
        }
        this.par = par;
        this.vector = vector;
    }

    /**
     * @param q      [B, H, Dh] at {@code qOff} (that is, {@code [B, H·Dh]}), already scaled
     * @param keys   key cache, {@code layout.size()} floats
     * @param values value cache, {@code layout.size()} floats
     * @param layout the caches' shape
     * @param length L, positions to attend over, {@code 1 ≤ L ≤ Tmax}
     * @param out    [B, H, Dh] at {@code outOff}; may be {@code q} at the same offset
     */
    public void attend(
            float[] q, int qOff, float[] keys, float[] values, KvLayout layout, int length, float[] out, int outOff) {
        if (layout == null) {
            throw new IllegalArgumentException("AttentionKernel: layout is null");
        }
        int heads = layout.heads();
        int dh = layout.headDim();
        int pairs = layout.batch() * heads;
        RowKernels.checkRows("AttentionKernel", q, qOff, out, outOff, pairs, dh);
        checkCache("keys", keys, layout);
        checkCache("values", values, layout);
        if (length < 1 || length > layout.capacity()) {
            throw new IllegalArgumentException(
                    "AttentionKernel: length " + length + " is outside [1, " + layout.capacity() + "] for " + layout);
        }
        par.forRange(0, pairs, 1, (from, to) -> {
            float[] scores = new float[length];
            float[] acc = new float[dh];
            for (int p = from; p < to; p++) {
                int cache = layout.offset(p / heads, p % heads, 0);
                int qo = qOff + p * dh;
                int oo = outOff + p * dh;
                if (vector) {
                    VectorAttention.head(q, qo, keys, values, cache, length, dh, scores, acc);
                } else {
                    headScalar(q, qo, keys, values, cache, length, dh, scores, acc);
                }
                System.arraycopy(acc, 0, out, oo, dh);
            }
        });
    }

    /** One (b, h): scores, softmax, weighted sum of values into {@code acc}. */
    static void headScalar(
            float[] q,
            int qo,
            float[] keys,
            float[] values,
            int cache,
            int length,
            int dh,
            float[] scores,
            float[] acc) {
        for (int t = 0; t < length; t++) {
            int ko = cache + t * dh;
            float s0 = 0f;
            float s1 = 0f;
            int d = 0;
            for (; d + 1 < dh; d += 2) {
                s0 += q[qo + d] * keys[ko + d];
                s1 += q[qo + d + 1] * keys[ko + d + 1];
            }
            if (d < dh) {
                s0 += q[qo + d] * keys[ko + d];
            }
            scores[t] = s0 + s1;
        }
        RowKernels.softmaxScalar(scores, 0, 1, length);
        java.util.Arrays.fill(acc, 0f);
        for (int t = 0; t < length; t++) {
            float p = scores[t];
            int vo = cache + t * dh;
            for (int d = 0; d < dh; d++) {
                acc[d] += p * values[vo + d];
            }
        }
    }

    private static void checkCache(String what, float[] cache, KvLayout layout) {
        if (cache == null || cache.length < layout.size()) {
            throw new ShapeMismatchException("AttentionKernel: " + what + " cache must have " + layout.size()
                    + " floats for " + layout + " but " + (cache == null ? "is null" : "has " + cache.length));
        }
    }

    @Override
    public String toString() {
        return "AttentionKernel[" + (vector ? "vector" : "scalar") + ", " + par + "]";
    }
}
