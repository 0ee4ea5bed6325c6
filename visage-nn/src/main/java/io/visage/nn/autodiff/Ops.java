package io.visage.nn.autodiff;

import io.visage.nn.ShapeMismatchException;
import io.visage.nn.kernel.Parallelism;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The operations layers are written in. One instance decides, explicitly, how they run:
 * <ul>
 *   <li>{@link #inference()}: plain ND4J computation, nothing recorded, dropout is the identity;</li>
 *   <li>{@link #recording(Tape)}: every op whose inputs require grad is recorded for
 *       {@link Tape#backward}; dropout is still the identity (deterministic, for gradient checks
 *       and teacher-forced evaluation);</li>
 *   <li>{@link #training(Tape, Random)}: recording plus active dropout drawn from the given RNG.</li>
 * </ul>
 * All ops return new arrays (never modify their inputs). Binary element-wise ops broadcast like
 * numpy/PyTorch; their gradients are summed back to each input's shape. Recorded ops keep
 * references to their input ARRAYS until {@link Tape#backward} (as PyTorch saves tensors for
 * backward): do not modify an input array in place before then. Java index arrays (labels, ids)
 * are copied.
 */
public final class Ops {
    private static final double SQRT2 = Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    /** Runs every loop on the calling thread; holds no threads, so one instance serves everyone. */
    private static final Parallelism SERIAL = Parallelism.serial();

    private final Tape tape;
    private final Random dropoutRng;
    private final Parallelism par;
    /** Causal masks made during this computation, by size and dtype (constants, reused by every layer). */
    private final java.util.Map<String, INDArray> causalMasks = new java.util.HashMap<>();

    private Ops(Tape tape, Random dropoutRng, Parallelism par) {
        this.tape = tape;
        this.dropoutRng = dropoutRng;
        this.par = java.util.Objects.requireNonNull(par, "par");
    }

    /** Inference: no tape, no dropout; kernels on the calling thread. */
    public static Ops inference() {
        return new Ops(null, null, SERIAL);
    }

    /** Inference with the fused kernels split over {@code par} (owned by the caller). */
    public static Ops inference(Parallelism par) {
        return new Ops(null, null, par);
    }

    /** Records to {@code tape}; dropout inactive; kernels on the calling thread. */
    public static Ops recording(Tape tape) {
        return new Ops(java.util.Objects.requireNonNull(tape, "tape"), null, SERIAL);
    }

    /** Records to {@code tape}; dropout active, masks drawn from {@code rng}; kernels on the calling thread. */
    public static Ops training(Tape tape, Random rng) {
        return training(tape, rng, SERIAL);
    }

    /**
     * Records to {@code tape}; dropout active, masks drawn from {@code rng}; the fused kernels split
     * over {@code par} (owned by the caller).
     */
    public static Ops training(Tape tape, Random rng, Parallelism par) {
        return new Ops(
                java.util.Objects.requireNonNull(tape, "tape"), java.util.Objects.requireNonNull(rng, "rng"), par);
    }

    /** The worker pool the fused kernels of these ops use. */
    Parallelism parallelism() {
        return par;
    }

    /** True when ops are recorded for backward. */
    public boolean recordingGradients() {
        return tape != null;
    }

    // ------------------------------------------------------------------ plumbing

    /** A backward that returns dLoss/dInput per input (null where not needed); the simple ops use it. */
    @FunctionalInterface
    interface ArrayBackward {
        INDArray[] apply(INDArray gradOutput);
    }

    private Tensor result(INDArray out, Tensor[] inputs, ArrayBackward backward) {
        return record(out, inputs, NO_SAVED, (g, sink) -> {
            INDArray[] in = backward.apply(g);
            for (int k = 0; k < inputs.length; k++) {
                if (in[k] == null || inputs[k] == null || !sink.wants(inputs[k])) {
                    continue;
                }
                // fresh arrays are handed over; the output gradient itself, views of it and arrays
                // returned for two inputs are copied by the sink
                boolean shared = in[k] == g || in[k].isView();
                for (int j = 0; j < inputs.length && !shared; j++) {
                    shared = j != k && in[j] == in[k];
                }
                if (shared) {
                    sink.add(inputs[k], in[k]);
                } else {
                    sink.addOwned(inputs[k], in[k]);
                }
            }
        });
    }

    private static final INDArray[] NO_SAVED = new INDArray[0];

    /**
     * Records a fused op: {@code out} computed from {@code inputs}, {@code saved} the arrays it made
     * for its backward (freed by a releasing backward once the node ran; never arrays it does not own).
     * Returns a constant when nothing is recorded.
     */
    Tensor record(INDArray out, Tensor[] inputs, INDArray[] saved, Tensor.Backward backward) {
        if (tape == null) {
            return new Tensor(out, false, null);
        }
        boolean any = false;
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                any = true;
                break;
            }
        }
        if (!any) {
            return new Tensor(out, false, null);
        }
        Tensor t = new Tensor(out, true, new Tensor.Node(inputs, backward, saved));
        tape.record(t);
        return t;
    }

    /** Wraps an array as a constant of this computation. */
    public Tensor constant(INDArray value) {
        return Tensor.constant(value);
    }

    /**
     * Column sums of a matrix, [N, M] → [M], as a GEMV with a ones vector: ND4J's {@code sum(0)} on a
     * c-order matrix is a strided reduction about 20x slower.
     */
    static INDArray columnSum(INDArray m) {
        INDArray c = m.isView() ? m.dup('c') : m;
        INDArray ones = Nd4j.ones(c.dataType(), 1, c.size(0));
        return Nd4j.gemm(ones, c, false, false).reshape(c.size(1));
    }

    /** Sums {@code g} over broadcast axes so that it takes {@code shape}. */
    static INDArray sumToShape(INDArray g, long[] shape) {
        if (Arrays.equals(g.shape(), shape)) {
            return g;
        }
        if (g.length() == 0) {
            return Nd4j.zeros(g.dataType(), shape);
        }
        int lead = g.rank() - shape.length;
        INDArray r = g;
        boolean onlyLeading = true;
        for (int i = 0; i < shape.length; i++) {
            onlyLeading &= shape[i] == g.size(lead + i);
        }
        if (onlyLeading && lead > 0) { // e.g. a bias [D] broadcast over [B, T, D]
            long inner = g.length() / leadingCount(g, lead);
            return columnSum(g.reshape('c', leadingCount(g, lead), inner)).reshape(shape);
        }
        if (lead > 0) {
            int[] axes = new int[lead];
            for (int i = 0; i < lead; i++) {
                axes[i] = i;
            }
            r = r.sum(axes);
        }
        int n = 0;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 1 && r.size(i) != 1) {
                n++;
            }
        }
        if (n > 0) {
            int[] axes = new int[n];
            int k = 0;
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] == 1 && r.size(i) != 1) {
                    axes[k++] = i;
                }
            }
            r = r.sum(true, axes);
        }
        return r.reshape(shape);
    }

    private static long leadingCount(INDArray g, int lead) {
        long n = 1;
        for (int i = 0; i < lead; i++) {
            n *= g.size(i);
        }
        return n;
    }

    private static int axis(int rank, int axis) {
        int a = axis < 0 ? rank + axis : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException("axis " + axis + " out of range for rank " + rank);
        }
        return a;
    }

    // ------------------------------------------------------------------ element-wise

    /** a + b (broadcasting). */
    public Tensor add(Tensor a, Tensor b) {
        INDArray out = a.value().add(b.value());
        return result(out, new Tensor[] {a, b}, g ->
                new INDArray[] {sumToShape(g, a.shape()), sumToShape(g, b.shape())});
    }

    /** a - b (broadcasting). */
    public Tensor sub(Tensor a, Tensor b) {
        INDArray out = a.value().sub(b.value());
        return result(out, new Tensor[] {a, b}, g ->
                new INDArray[] {sumToShape(g, a.shape()), sumToShape(g.neg(), b.shape())});
    }

    /** a * b (broadcasting). */
    public Tensor mul(Tensor a, Tensor b) {
        INDArray out = a.value().mul(b.value());
        return result(out, new Tensor[] {a, b}, g -> new INDArray[] {
            a.requiresGrad() ? sumToShape(g.mul(b.value()), a.shape()) : null,
            b.requiresGrad() ? sumToShape(g.mul(a.value()), b.shape()) : null
        });
    }

    /** a / b (broadcasting). */
    public Tensor div(Tensor a, Tensor b) {
        INDArray out = a.value().div(b.value());
        return result(out, new Tensor[] {a, b}, g -> new INDArray[] {
            a.requiresGrad() ? sumToShape(g.div(b.value()), a.shape()) : null,
            b.requiresGrad() ? sumToShape(g.mul(out).div(b.value()).negi(), b.shape()) : null
        });
    }

    /** s * a. */
    public Tensor scale(Tensor a, double s) {
        return result(a.value().mul(s), new Tensor[] {a}, g -> new INDArray[] {g.mul(s)});
    }

    /** a + s. */
    public Tensor addScalar(Tensor a, double s) {
        return result(a.value().add(s), new Tensor[] {a}, g -> new INDArray[] {g});
    }

    public Tensor neg(Tensor a) {
        return scale(a, -1.0);
    }

    public Tensor exp(Tensor a) {
        INDArray out = Transforms.exp(a.value(), true);
        return result(out, new Tensor[] {a}, g -> new INDArray[] {g.mul(out)});
    }

    public Tensor log(Tensor a) {
        return result(Transforms.log(a.value(), true), new Tensor[] {a}, g -> new INDArray[] {g.div(a.value())});
    }

    public Tensor sqrt(Tensor a) {
        INDArray out = Transforms.sqrt(a.value(), true);
        return result(out, new Tensor[] {a}, g -> new INDArray[] {g.div(out).muli(0.5)});
    }

    public Tensor square(Tensor a) {
        return result(a.value().mul(a.value()), new Tensor[] {a}, g ->
                new INDArray[] {g.mul(a.value()).muli(2.0)});
    }

    /**
     * |a| element-wise. The gradient is sign(a), 0 at a = 0 (as {@code torch.abs}): an L1 loss
     * gives no push to elements that already match exactly.
     */
    public Tensor abs(Tensor a) {
        return result(Transforms.abs(a.value(), true), new Tensor[] {a}, g ->
                new INDArray[] {g.mul(Transforms.sign(a.value(), true))});
    }

    /**
     * max(a, min) element-wise ({@code torch.clamp(a, min=min)}). The gradient passes where
     * a ≥ min and is 0 where the floor applies (as torch, which passes it at the boundary too).
     */
    public Tensor clampMin(Tensor a, double min) {
        INDArray out = Transforms.max(a.value(), min, true);
        return result(out, new Tensor[] {a}, g ->
                new INDArray[] {g.mul(a.value().gte(min).castTo(g.dataType()))});
    }

    public Tensor sin(Tensor a) {
        return result(Transforms.sin(a.value(), true), new Tensor[] {a}, g ->
                new INDArray[] {g.mul(Transforms.cos(a.value(), true))});
    }

    public Tensor tanh(Tensor a) {
        INDArray out = Transforms.tanh(a.value(), true);
        return result(
                out, new Tensor[] {a}, g -> new INDArray[] {g.mul(out.mul(out).rsubi(1.0))});
    }

    public Tensor sigmoid(Tensor a) {
        INDArray out = Transforms.sigmoid(a.value(), true);
        return result(out, new Tensor[] {a}, g -> new INDArray[] {g.mul(out.mul(out.rsub(1.0)))});
    }

    public Tensor relu(Tensor a) {
        INDArray out = Transforms.relu(a.value(), true);
        return result(out, new Tensor[] {a}, g ->
                new INDArray[] {g.mul(a.value().gt(0).castTo(g.dataType()))});
    }

    /** erf(x) element-wise (libnd4j's erf). */
    static INDArray erf(INDArray x) {
        INDArray out = x.dup();
        Nd4j.exec(new Erf(out, out));
        return out;
    }

    /** Exact GELU: 0.5·x·(1 + erf(x/√2)) (PyTorch's default {@code nn.GELU}, BART's "gelu"). */
    public Tensor geluExact(Tensor a) {
        INDArray x = a.value();
        INDArray cdf = erf(x.div(SQRT2)).addi(1.0).muli(0.5);
        INDArray out = x.mul(cdf);
        return result(out, new Tensor[] {a}, g -> {
            INDArray pdf = Transforms.exp(x.mul(x).muli(-0.5), false).muli(INV_SQRT_2PI);
            return new INDArray[] {g.mul(cdf.add(pdf.muli(x)))};
        });
    }

    /** CLIP's QuickGELU: x·σ(1.702·x). */
    public Tensor quickGelu(Tensor a) {
        INDArray x = a.value();
        INDArray s = Transforms.sigmoid(x.mul(1.702), false);
        INDArray out = x.mul(s);
        return result(out, new Tensor[] {a}, g ->
                new INDArray[] {g.mul(s.add(x.mul(s).muli(s.rsub(1.0)).muli(1.702)))});
    }

    // ------------------------------------------------------------------ linear algebra

    /**
     * Matrix product over the last two axes; leading (batch) axes must be equal.
     *
     * @param a [..., M, K] (or [..., K, M] when {@code transA})
     * @param b [..., K, N] (or [..., N, K] when {@code transB})
     * @return [..., M, N]
     */
    public Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        if (a.rank() != b.rank() || a.rank() < 2) {
            throw new ShapeMismatchException("matmul needs equal ranks >= 2, got " + Arrays.toString(a.shape())
                    + " and " + Arrays.toString(b.shape()));
        }
        INDArray av = a.value();
        INDArray bv = b.value();
        INDArray out = mm(av, bv, transA, transB);
        return result(out, new Tensor[] {a, b}, g -> {
            INDArray ga = null;
            INDArray gb = null;
            if (!transA && !transB) {
                ga = a.requiresGrad() ? mm(g, bv, false, true) : null;
                gb = b.requiresGrad() ? mm(av, g, true, false) : null;
            } else if (!transA) { // C = A·Bᵀ
                ga = a.requiresGrad() ? mm(g, bv, false, false) : null;
                gb = b.requiresGrad() ? mm(g, av, true, false) : null;
            } else if (!transB) { // C = Aᵀ·B
                ga = a.requiresGrad() ? mm(bv, g, false, true) : null;
                gb = b.requiresGrad() ? mm(av, g, false, false) : null;
            } else { // C = Aᵀ·Bᵀ
                ga = a.requiresGrad() ? mm(bv, g, true, true) : null;
                gb = b.requiresGrad() ? mm(g, av, true, true) : null;
            }
            return new INDArray[] {ga, gb};
        });
    }

    static INDArray mm(INDArray a, INDArray b, boolean ta, boolean tb) {
        if (a.rank() == 2) {
            return Nd4j.gemm(a.isView() ? a.dup('c') : a, b.isView() ? b.dup('c') : b, ta, tb);
        }
        return Nd4j.matmul(a, b, ta, tb, false);
    }

    /**
     * PyTorch {@code nn.Linear}: y = x·Wᵀ + b.
     *
     * @param x [..., in]
     * @param w [out, in]
     * @param b [out] or null
     * @return [..., out]
     */
    public Tensor linear(Tensor x, Tensor w, Tensor b) {
        long in = w.size(1);
        long outF = w.size(0);
        if (x.size(-1) != in) {
            throw new ShapeMismatchException("linear: input last dim " + x.size(-1) + " but weight is "
                    + Arrays.toString(w.shape()) + " [out, in]");
        }
        long[] xs = x.shape();
        long n = x.value().length() / in;
        INDArray x2 = Arrays2.rows(x.value(), n, in);
        long[] ys = xs.clone();
        ys[ys.length - 1] = outF;
        INDArray out = Arrays2.fresh(x.value(), ys);
        INDArray out2 = out.reshape('c', n, outF);
        // gemm with the transpose flag: mmul(w.transpose()) would copy W on every call
        Nd4j.gemm(x2, w.value(), out2, false, true, 1.0, 0.0);
        if (b != null) {
            out2.addiRowVector(b.value());
        }
        INDArray[] saved = Arrays2.isCopyOf(x2, x.value()) ? new INDArray[] {x2} : NO_SAVED;
        return record(out, new Tensor[] {x, w, b}, saved, (g, sink) -> {
            INDArray g2 = Arrays2.rows(g, n, outF);
            if (sink.wants(w)) {
                Nd4j.gemm(g2, x2, sink.accumulator(w), true, false, 1.0, 1.0);
            }
            if (b != null && sink.wants(b)) {
                Arrays2.addColumnSums(sink.accumulator(b), g2, 1.0);
            }
            if (sink.wants(x)) {
                INDArray gx = Arrays2.fresh(g, xs);
                Nd4j.gemm(g2, w.value(), gx.reshape('c', n, in), false, false, 1.0, 0.0);
                sink.addOwned(x, gx);
            }
        });
    }

    // ------------------------------------------------------------------ fused blocks

    /**
     * Scaled-dot-product attention over all heads, fused: {@code softmax((q·scale)·kᵀ + mask)·v} on
     * merged-head layouts, nothing of size T×S kept for backward (it is recomputed). Attention
     * dropout is not part of it (callers with attention dropout compose {@link #matmul}/{@link
     * #softmax}/{@link #dropout} instead).
     *
     * @param q      [B, T, H·Dh] (unscaled projections)
     * @param k      [B, S, H·Dh]
     * @param v      [B, S, H·Dh]
     * @param causal add the reference's causal mask (float32-min above the diagonal; T = S)
     * @return [B, T, H·Dh]
     */
    public Tensor attention(Tensor q, Tensor k, Tensor v, int heads, double scale, boolean causal) {
        return AttentionOp.apply(this, q, k, v, heads, scale, causal);
    }

    /**
     * {@code LayerNorm(x + dropout(delta))}, the end of a post-LN residual block, fused: keeps only the
     * normalised sum and the per-row inverse deviation; the dropout mask is drawn here (training ops)
     * and rebuilt from its seed in backward.
     *
     * @param x [..., D]; @param delta [..., D]; @param gamma [D] or null; @param beta [D] or null
     */
    public Tensor residualNorm(Tensor x, Tensor delta, double dropout, Tensor gamma, Tensor beta, double eps) {
        return ResidualNormOp.apply(this, x, delta, dropout, maskSeed(dropout), gamma, beta, eps);
    }

    /**
     * The feed-forward branch {@code fc2(dropout(act(fc1(x))))}, fused: keeps the pre-activation only
     * and recomputes the activation in backward.
     *
     * @param x [..., in]; @param w1 [F, in]; @param b1 [F] or null; @param w2 [out, F]; @param b2 [out] or null
     * @param activationDropout dropout after the activation (training ops only)
     * @return [..., out]
     */
    public Tensor feedForward(
            Tensor x, Tensor w1, Tensor b1, Pointwise activation, double activationDropout, Tensor w2, Tensor b2) {
        return FeedForwardOp.apply(this, x, w1, b1, activation, activationDropout, maskSeed(activationDropout), w2, b2);
    }

    /**
     * {@code Σ_j table_j[ids[p, j]]} for every position p, accumulated in table order, as one op.
     *
     * @param tables     K tables [V_j, D]
     * @param ids        [P, K] row-major
     * @param outShape   [..., D] with P·D elements
     * @param paddingIdx id whose table row receives no gradient, or -1
     */
    public Tensor embeddingSum(List<Tensor> tables, long[] ids, int positions, long[] outShape, long paddingIdx) {
        return EmbeddingSumOp.apply(this, tables, ids, positions, outShape, paddingIdx);
    }

    /**
     * The result of {@link #crossEntropyHeads}: the summed loss (a scalar carrying gradients when the
     * ops record them; null when no head had a live row), each head's value (0 when skipped) and
     * which heads entered the sum.
     */
    public record HeadsLoss(Tensor total, double[] perHead, boolean[] counted) {}

    /**
     * Σ over heads of the mean cross-entropy of {@code hidden·W_jᵀ + b_j} over the rows whose label
     * is not {@code ignoreIndex} (heads without such rows are skipped, as the reference skips NaN
     * losses), fused: logits only for live rows, never kept.
     *
     * @param hidden   [..., D], N rows
     * @param weights  K heads [V, D]
     * @param biases   K biases [V] (entries may be null)
     * @param labels   K columns of N labels
     * @param divisors per-head denominators instead of the live-row counts (for gradient accumulation
     *                 over micro-batches: the whole batch's counts), or null
     */
    public HeadsLoss crossEntropyHeads(
            Tensor hidden,
            List<Tensor> weights,
            List<Tensor> biases,
            long[][] labels,
            long ignoreIndex,
            double[] divisors) {
        HeadsLoss l = CrossEntropyHeadsOp.apply(this, hidden, weights, biases, labels, ignoreIndex, divisors);
        boolean any = false;
        for (boolean c : l.counted()) {
            any |= c;
        }
        return any ? l : new HeadsLoss(null, l.perHead(), l.counted());
    }

    /**
     * The flat [T·S] causal mask of this computation's attention calls (made once per size and dtype:
     * 0 where key ≤ query, the dtype's most negative finite value above the diagonal).
     */
    INDArray causalMask(long t, long s, org.nd4j.linalg.api.buffer.DataType type) {
        return causalMasks.computeIfAbsent(t + "x" + s + type, k -> AttentionOp.causalMask(t, s, type));
    }

    /** A fresh mask seed from the training RNG, or null when no mask is drawn. */
    private Long maskSeed(double p) {
        if (dropoutRng == null || p <= 0.0) {
            return null;
        }
        if (p >= 1.0) {
            throw new IllegalArgumentException("dropout probability must be < 1, got " + p);
        }
        return dropoutRng.nextLong();
    }

    // ------------------------------------------------------------------ normalisation, softmax

    /**
     * LayerNorm over the last axis with biased variance, as {@code torch.nn.LayerNorm}.
     *
     * @param x [..., D]; @param gamma [D]; @param beta [D] (either may be null: no affine term)
     */
    public Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, double eps) {
        return ResidualNormOp.apply(this, x, null, 0.0, null, gamma, beta, eps);
    }

    /** Softmax over the last axis. */
    public Tensor softmax(Tensor x) {
        int ax = x.rank() - 1;
        INDArray out = Nd4j.exec(new SoftMax(x.value().dup('c'), x.value().ulike(), ax))[0];
        return result(out, new Tensor[] {x}, g -> {
            INDArray s = g.mul(out).sum(true, ax);
            return new INDArray[] {out.mul(g.sub(s))};
        });
    }

    /** log(softmax(x)) over the last axis, computed stably. */
    public Tensor logSoftmax(Tensor x) {
        int ax = x.rank() - 1;
        INDArray m = x.value().max(true, ax);
        INDArray z = x.value().sub(m);
        INDArray lse = Transforms.log(Transforms.exp(z, true).sum(true, ax), false);
        INDArray out = z.subi(lse);
        return result(out, new Tensor[] {x}, g -> {
            INDArray sg = g.sum(true, ax);
            return new INDArray[] {g.sub(Transforms.exp(out, true).muli(sg))};
        });
    }

    // ------------------------------------------------------------------ reductions

    /** Sum of all elements → scalar (rank 0). */
    public Tensor sum(Tensor x) {
        INDArray out = Nd4j.scalar(x.dataType(), x.value().sumNumber().doubleValue());
        return result(
                out, new Tensor[] {x}, g -> new INDArray[] {x.value().ulike().assign(g.getDouble(0))});
    }

    /** Mean of all elements → scalar (rank 0). */
    public Tensor mean(Tensor x) {
        return scale(sum(x), 1.0 / x.value().length());
    }

    /** Sum over the given axes, keeping them as size 1. */
    public Tensor sumKeepDims(Tensor x, int... axes) {
        int[] ax = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            ax[i] = axis(x.rank(), axes[i]);
        }
        INDArray out = x.value().sum(true, ax);
        return result(out, new Tensor[] {x}, g ->
                new INDArray[] {x.value().ulike().assign(0).addi(g)});
    }

    // ------------------------------------------------------------------ shape

    /** Reshape (row-major). */
    public Tensor reshape(Tensor x, long... shape) {
        long[] xs = x.shape();
        INDArray out = x.value().reshape('c', shape);
        return result(out, new Tensor[] {x}, g -> new INDArray[] {g.reshape('c', xs)});
    }

    /** Axis permutation; the result is a contiguous copy. */
    public Tensor permute(Tensor x, int... dims) {
        int[] inv = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            inv[dims[i]] = i;
        }
        INDArray out = x.value().permute(dims).dup('c');
        return result(out, new Tensor[] {x}, g -> new INDArray[] {g.permute(inv).dup('c')});
    }

    /** Concatenation along an axis. */
    public Tensor concat(int axis, Tensor... xs) {
        int ax = axis(xs[0].rank(), axis);
        INDArray[] vals = new INDArray[xs.length];
        for (int i = 0; i < xs.length; i++) {
            vals[i] = xs[i].value();
        }
        INDArray out = Nd4j.concat(ax, vals);
        return result(out, xs, g -> {
            INDArray[] gs = new INDArray[xs.length];
            long off = 0;
            for (int i = 0; i < xs.length; i++) {
                long len = xs[i].size(ax);
                gs[i] = xs[i].requiresGrad() ? g.get(range(g.rank(), ax, off, off + len)) : null;
                off += len;
            }
            return gs;
        });
    }

    /** Elements {@code [start, start+length)} along {@code axis} (a copy). */
    public Tensor narrow(Tensor x, int axis, long start, long length) {
        int ax = axis(x.rank(), axis);
        INDArrayIndex[] idx = range(x.rank(), ax, start, start + length);
        INDArray out = x.value().get(idx).dup('c');
        return result(out, new Tensor[] {x}, g -> {
            INDArray gx = x.value().ulike().assign(0);
            gx.get(idx).assign(g);
            return new INDArray[] {gx};
        });
    }

    static INDArrayIndex[] range(int rank, int axis, long from, long to) {
        INDArrayIndex[] idx = new INDArrayIndex[rank];
        for (int i = 0; i < rank; i++) {
            idx[i] = i == axis ? NDArrayIndex.interval(from, to) : NDArrayIndex.all();
        }
        return idx;
    }

    // ------------------------------------------------------------------ lookup, dropout, loss

    /**
     * Row lookup, as {@code nn.Embedding}: the gradient of the {@code paddingIdx} row is always zero.
     *
     * @param weight [V, D]
     * @param ids    flat indices, each in [0, V)
     * @param idShape shape of the index tensor; the result is [idShape..., D]
     * @param paddingIdx row that receives no gradient, or -1
     */
    public Tensor embedding(Tensor weight, long[] ids, long[] idShape, long paddingIdx) {
        long v = weight.size(0);
        long d = weight.size(1);
        int[] rows = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= v) {
                throw new IndexOutOfBoundsException(
                        "embedding index " + ids[i] + " at position " + i + " outside [0, " + v + ")");
            }
            rows[i] = (int) ids[i];
        }
        INDArray gathered =
                rows.length == 0 ? Nd4j.create(weight.dataType(), 0, d) : Nd4j.pullRows(weight.value(), 1, rows);
        long[] outShape = Arrays.copyOf(idShape, idShape.length + 1);
        outShape[idShape.length] = d;
        INDArray out = gathered.reshape('c', outShape);
        return result(out, new Tensor[] {weight}, g -> {
            double[] gv = g.dup('c').data().asDouble();
            double[] acc = new double[(int) (v * d)];
            for (int i = 0; i < rows.length; i++) {
                if (rows[i] == paddingIdx) {
                    continue;
                }
                int base = rows[i] * (int) d;
                int src = i * (int) d;
                for (int j = 0; j < d; j++) {
                    acc[base + j] += gv[src + j];
                }
            }
            return new INDArray[] {Nd4j.create(acc, new long[] {v, d}, 'c').castTo(weight.dataType())};
        });
    }

    /**
     * Inverted dropout with drop probability {@code p}; the identity unless these ops were made by
     * {@link #training}.
     */
    public Tensor dropout(Tensor x, double p) {
        Long seed = maskSeed(p);
        if (seed == null) {
            return x;
        }
        INDArray out = x.value().dup('c');
        DropoutMask.apply(out, seed, p, par);
        return record(out, new Tensor[] {x}, NO_SAVED, (g, sink) -> {
            INDArray gx = g.dup('c');
            DropoutMask.apply(gx, seed, p, par);
            sink.addOwned(x, gx);
        });
    }

    /**
     * Mean cross-entropy over the rows whose label is not {@code ignoreIndex}, as
     * {@code nn.CrossEntropyLoss(ignore_index=...)}. With no valid row the value is NaN (like
     * PyTorch) and the gradient is zero.
     *
     * @param logits [N, V]
     * @param labels [N], each in [0, V) or {@code ignoreIndex}
     * @return scalar
     */
    public Tensor crossEntropy(Tensor logits, long[] labelsIn, long ignoreIndex) {
        long[] labels = labelsIn.clone(); // backward runs later; the caller may reuse its array
        if (logits.rank() != 2 || logits.size(0) != labels.length) {
            throw new ShapeMismatchException("crossEntropy: logits " + Arrays.toString(logits.shape())
                    + " must be [N, V] with N = labels.length = " + labels.length);
        }
        int n = labels.length;
        int v = (int) logits.size(1);
        Tensor logp = logSoftmax(logits);
        double[] lp = logp.value().dup('c').data().asDouble();
        double total = 0;
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (labels[i] == ignoreIndex) {
                continue;
            }
            if (labels[i] < 0 || labels[i] >= v) {
                throw new IndexOutOfBoundsException("label " + labels[i] + " at row " + i + " outside [0, " + v
                        + ") and not the ignore index " + ignoreIndex);
            }
            total -= lp[i * v + (int) labels[i]];
            count++;
        }
        double loss = count == 0 ? Double.NaN : total / count;
        INDArray out = Nd4j.scalar(logits.dataType(), loss);
        final int valid = count;
        return result(out, new Tensor[] {logp}, g -> {
            double[] gl = new double[n * v];
            if (valid > 0) {
                double s = -g.getDouble(0) / valid;
                for (int i = 0; i < n; i++) {
                    if (labels[i] != ignoreIndex) {
                        gl[i * v + (int) labels[i]] = s;
                    }
                }
            }
            return new INDArray[] {Nd4j.create(gl, new long[] {n, v}, 'c').castTo(logits.dataType())};
        });
    }

    // ------------------------------------------------------------------ convolution

    /**
     * {@code torch.nn.functional.conv1d}.
     *
     * @param x [B, Cin, T]; @param w [Cout, Cin/groups, K]; @param b [Cout] or null
     * @return [B, Cout, (T + 2p - d(K-1) - 1)/s + 1]
     */
    public Tensor conv1d(Tensor x, Tensor w, Tensor b, int stride, int padding, int dilation, int groups) {
        Conv1dGeometry geo = Conv1dGeometry.conv(x.shape(), w.shape(), stride, padding, dilation, groups);
        INDArray out = Conv.forward(x.value(), w.value(), b == null ? null : b.value(), geo, Conv.COLUMN_BUDGET);
        return result(
                out,
                new Tensor[] {x, w, b},
                g -> Conv.backward(
                        x.value(),
                        w.value(),
                        g,
                        geo,
                        x.requiresGrad(),
                        w.requiresGrad(),
                        b != null && b.requiresGrad(),
                        Conv.COLUMN_BUDGET));
    }

    /**
     * {@code torch.nn.functional.conv_transpose1d}.
     *
     * @param x [B, Cin, T]; @param w [Cin, Cout/groups, K]; @param b [Cout] or null
     * @return [B, Cout, (T-1)s - 2p + d(K-1) + outputPadding + 1]
     */
    public Tensor convTranspose1d(
            Tensor x, Tensor w, Tensor b, int stride, int padding, int outputPadding, int dilation, int groups) {
        Conv1dGeometry geo =
                Conv1dGeometry.transposed(x.shape(), w.shape(), stride, padding, outputPadding, dilation, groups);
        INDArray out =
                Conv.transposedForward(x.value(), w.value(), b == null ? null : b.value(), geo, Conv.COLUMN_BUDGET);
        return result(
                out,
                new Tensor[] {x, w, b},
                g -> Conv.transposedBackward(
                        x.value(),
                        w.value(),
                        g,
                        geo,
                        x.requiresGrad(),
                        w.requiresGrad(),
                        b != null && b.requiresGrad(),
                        Conv.COLUMN_BUDGET));
    }

    /**
     * {@code torch.nn.functional.conv2d} with dilation 1 and groups 1: im2col and one GEMM per chunk
     * of batch items (see {@link Conv2dOp}).
     *
     * @param x [B, Cin, H, W]; @param w [Cout, Cin, kH, kW]; @param b [Cout] or null
     * @return [B, Cout, (H + 2·padH − kH) / strideH + 1, (W + 2·padW − kW) / strideW + 1]
     */
    public Tensor conv2d(Tensor x, Tensor w, Tensor b, int strideH, int strideW, int padH, int padW) {
        Conv2dGeometry geo = Conv2dGeometry.of(x.shape(), w.shape(), strideH, strideW, padH, padW);
        if (b != null && (b.rank() != 1 || b.size(0) != geo.cout())) {
            throw new ShapeMismatchException(
                    "conv2d: bias must be [" + geo.cout() + "], got " + Arrays.toString(b.shape()));
        }
        INDArray out = Conv2dOp.forward(x.value(), w.value(), b == null ? null : b.value(), geo, Conv.COLUMN_BUDGET);
        return result(
                out,
                new Tensor[] {x, w, b},
                g -> Conv2dOp.backward(
                        x.value(),
                        w.value(),
                        g,
                        geo,
                        x.requiresGrad(),
                        w.requiresGrad(),
                        b != null && b.requiresGrad(),
                        Conv.COLUMN_BUDGET));
    }

    /**
     * {@code torch.nn.functional.max_pool2d(x, kernel, stride)}: no padding, floor mode; the first
     * maximum of a window (row-major) takes the gradient, NaN propagates (see {@link MaxPool2dOp}).
     *
     * @param x [B, C, H, W] (FLOAT or DOUBLE)
     * @return [B, C, (H − kernel) / stride + 1, (W − kernel) / stride + 1]
     */
    public Tensor maxPool2d(Tensor x, int kernel, int stride) {
        return MaxPool2dOp.apply(this, x, kernel, stride);
    }

    /** {@code nn.MaxPool2d(kernel)}: {@link #maxPool2d(Tensor, int, int)} with stride = kernel. */
    public Tensor maxPool2d(Tensor x, int kernel) {
        return maxPool2d(x, kernel, kernel);
    }
}
