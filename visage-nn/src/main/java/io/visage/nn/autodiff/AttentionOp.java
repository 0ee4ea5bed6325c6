package io.visage.nn.autodiff;

import io.visage.nn.ShapeMismatchException;
import io.visage.nn.kernel.FlashAttention;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fused scaled-dot-product attention, {@code softmax((q·s)·kᵀ + mask)·v} over all heads at once, on
 * merged-head activations [B, T, H·Dh] (the projections' own layout). Nothing T×S is kept between
 * forward and backward: backward recomputes the probabilities from q and k (which the projections
 * keep anyway) and uses the output itself for the softmax term, the standard memory-lean form. The
 * causal mask adds float32-min above the diagonal, as the reference does.
 */
final class AttentionOp {
    private AttentionOp() {}

    static Tensor apply(Ops ops, Tensor q, Tensor k, Tensor v, int heads, double scale, boolean causal) {
        long[] qs = q.shape();
        long[] ks = k.shape();
        if (qs.length != 3 || ks.length != 3 || !Arrays.equals(ks, v.shape()) || qs[0] != ks[0] || qs[2] != ks[2]) {
            throw new ShapeMismatchException("attention: q must be [B, T, D] and k, v [B, S, D], found q "
                    + Arrays.toString(qs) + ", k " + Arrays.toString(ks) + ", v " + Arrays.toString(v.shape()));
        }
        if (qs[2] % heads != 0) {
            throw new ShapeMismatchException("attention: width " + qs[2] + " is not divisible by " + heads + " heads");
        }
        if (causal && qs[1] != ks[1]) {
            throw new ShapeMismatchException(
                    "attention: a causal mask needs T = S, found T = " + qs[1] + ", S = " + ks[1]);
        }
        if (q.dataType() == DataType.FLOAT && k.dataType() == DataType.FLOAT && v.dataType() == DataType.FLOAT) {
            return fused(ops, q, k, v, heads, scale, causal);
        }
        Geometry geo = new Geometry(qs[0], heads, qs[1], ks[1], qs[2] / heads, scale, causal);
        INDArray qh = geo.scaledQueries(q.value());
        INDArray kh = geo.split(k.value(), geo.s);
        INDArray vh = geo.split(v.value(), geo.s);
        INDArray mask = causal ? ops.causalMask(geo.t, geo.s, q.dataType()) : null;
        INDArray p = geo.probabilities(qh, kh, mask);
        INDArray ctx = Nd4j.matmul(p, vh); // [BH, T, Dh]
        INDArray out = geo.merge(ctx, q.value());
        Arrays2.close(qh, kh, vh, p, ctx);
        return ops.record(out, new Tensor[] {q, k, v}, new INDArray[0], (g, sink) -> {
            INDArray qh2 = geo.scaledQueries(q.value());
            INDArray kh2 = geo.split(k.value(), geo.s);
            INDArray vh2 = geo.split(v.value(), geo.s);
            INDArray p2 = geo.probabilities(qh2, kh2, mask);
            INDArray gh = geo.split(g, geo.t);
            if (sink.wants(v)) {
                INDArray dv = Nd4j.matmul(p2, gh, true, false, false); // Pᵀ·dctx [BH, S, Dh]
                sink.addOwned(v, geo.merge(dv, v.value()));
                Arrays2.close(dv);
            }
            if (sink.wants(q) || sink.wants(k)) {
                INDArray dp = Nd4j.matmul(gh, vh2, false, true, false); // dctx·vᵀ [BH, T, S]
                INDArray oh = geo.split(out, geo.t);
                INDArray prod = gh.mul(oh);
                INDArray rowDot = prod.sum(2); // Σ_d dctx·ctx = Σ_s P·dP, [BH, T]
                long rows = geo.b * geo.h * geo.t;
                dp.reshape('c', rows, geo.s).subiColumnVector(rowDot.reshape('c', rows, 1));
                dp.muli(p2); // dS = P ∘ (dP − rowDot)
                Arrays2.close(prod);
                if (sink.wants(q)) {
                    INDArray dq = Nd4j.matmul(dp, kh2).muli(scale);
                    sink.addOwned(q, geo.merge(dq, q.value()));
                    Arrays2.close(dq);
                }
                if (sink.wants(k)) {
                    INDArray dk = Nd4j.matmul(dp, qh2, true, false, false); // dSᵀ·(q·s)
                    sink.addOwned(k, geo.merge(dk, k.value()));
                    Arrays2.close(dk);
                }
                Arrays2.close(dp, oh, rowDot);
            }
            Arrays2.close(qh2, kh2, vh2, p2, gh);
        });
    }

    /** float32: the {@link FlashAttention} kernel, nothing of size T×S in memory at all. */
    private static Tensor fused(Ops ops, Tensor q, Tensor k, Tensor v, int heads, double scale, boolean causal) {
        long[] qs = q.shape();
        FlashAttention.Shape shape = new FlashAttention.Shape(
                (int) qs[0], heads, (int) qs[1], (int) k.size(1), (int) (qs[2] / heads), (float) scale, causal);
        INDArray qv = contiguous(q.value());
        INDArray kv = contiguous(k.value());
        INDArray vv = contiguous(v.value());
        INDArray out = Arrays2.fresh(qv, qs);
        float[] lse = new float[shape.pairs() * shape.t()];
        FlashAttention.forward(shape, qv, kv, vv, out, lse, ops.parallelism());
        INDArray[] saved = java.util.stream.Stream.of(qv, kv, vv)
                .filter(a -> a != q.value() && a != k.value() && a != v.value())
                .toArray(INDArray[]::new);
        return ops.record(out, new Tensor[] {q, k, v}, saved, (g, sink) -> {
            INDArray gc = contiguous(g);
            INDArray dq = Arrays2.fresh(qv, qs);
            INDArray dk = Arrays2.fresh(kv, kv.shape());
            INDArray dv = Arrays2.fresh(vv, vv.shape());
            FlashAttention.backward(shape, qv, kv, vv, out, lse, gc, dq, dk, dv, ops.parallelism());
            if (gc != g) {
                gc.close();
            }
            give(sink, q, dq);
            give(sink, k, dk);
            give(sink, v, dv);
        });
    }

    private static void give(GradientSink sink, Tensor t, INDArray grad) {
        if (sink.wants(t)) {
            sink.addOwned(t, grad);
        } else {
            grad.close();
        }
    }

    /** {@code a} itself when it is c-order contiguous, else a c-order copy. */
    private static INDArray contiguous(INDArray a) {
        boolean ok = a.ordering() == 'c' && !a.isView() || a.elementWiseStride() == 1 && a.ordering() == 'c';
        return ok ? a : a.dup('c');
    }

    /** [T·S]: 0 where key ≤ query, the dtype's most negative finite value above the diagonal. */
    static INDArray causalMask(long t, long s, DataType type) {
        int n = Math.toIntExact(t * s);
        if (type == DataType.DOUBLE) {
            double[] m = new double[n];
            for (int i = 0; i < t; i++) {
                Arrays.fill(m, (int) (i * s + i + 1), (int) ((i + 1) * s), -Double.MAX_VALUE);
            }
            return Nd4j.createFromArray(m);
        }
        float[] m = new float[n];
        for (int i = 0; i < t; i++) {
            Arrays.fill(m, (int) (i * s + i + 1), (int) ((i + 1) * s), -Float.MAX_VALUE);
        }
        INDArray a = Nd4j.createFromArray(m);
        return type == DataType.FLOAT ? a : a.castTo(type);
    }

    /** Sizes of one attention call and the layout changes between [B, L, H·Dh] and [B·H, L, Dh]. */
    private record Geometry(long b, int h, long t, long s, long dh, double scale, boolean causal) {
        /** [B, L, H·Dh] → a new [B·H, L, Dh]. */
        INDArray split(INDArray x, long len) {
            INDArray out = Nd4j.createUninitialized(x.dataType(), b * h, len, dh);
            out.reshape('c', b, h, len, dh).assign(x.reshape('c', b, len, h, dh).permute(0, 2, 1, 3));
            return out;
        }

        /** [B·H, L, Dh] → a new [B, L, H·Dh] (the layout of {@code like}). */
        INDArray merge(INDArray xh, INDArray like) {
            long len = xh.size(1);
            INDArray out = Nd4j.createUninitialized(like.dataType(), b, len, h * dh);
            out.reshape('c', b, len, h, dh)
                    .assign(xh.reshape('c', b, h, len, dh).permute(0, 2, 1, 3));
            return out;
        }

        INDArray scaledQueries(INDArray q) {
            return split(q, t).muli(scale);
        }

        /** softmax((q·s)·kᵀ + mask) as a new [B·H, T, S]. @param mask flat [T·S] or null */
        INDArray probabilities(INDArray qh, INDArray kh, INDArray mask) {
            INDArray scores = Nd4j.matmul(qh, kh, false, true, false);
            if (mask != null) {
                scores.reshape('c', b * h, t * s).addiRowVector(mask);
            }
            Nd4j.exec(new SoftMax(scores, scores, 2));
            return scores;
        }
    }
}
