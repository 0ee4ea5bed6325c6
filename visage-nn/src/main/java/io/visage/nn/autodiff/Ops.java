package io.visage.nn.autodiff;

import io.visage.nn.ShapeMismatchException;
import java.util.Arrays;
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

    private final Tape tape;
    private final Random dropoutRng;

    private Ops(Tape tape, Random dropoutRng) {
        this.tape = tape;
        this.dropoutRng = dropoutRng;
    }

    /** Inference: no tape, no dropout. */
    public static Ops inference() {
        return new Ops(null, null);
    }

    /** Records to {@code tape}; dropout inactive. */
    public static Ops recording(Tape tape) {
        return new Ops(java.util.Objects.requireNonNull(tape, "tape"), null);
    }

    /** Records to {@code tape}; dropout active, masks drawn from {@code rng}. */
    public static Ops training(Tape tape, Random rng) {
        return new Ops(java.util.Objects.requireNonNull(tape, "tape"), java.util.Objects.requireNonNull(rng, "rng"));
    }

    /** True when ops are recorded for backward. */
    public boolean recordingGradients() {
        return tape != null;
    }

    // ------------------------------------------------------------------ plumbing

    private Tensor result(INDArray out, Tensor[] inputs, Tensor.Backward backward) {
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
        Tensor t = new Tensor(out, true, new Tensor.Node(inputs, backward));
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
        INDArray x2 = x.value().reshape('c', n, in);
        // gemm with the transpose flag: mmul(w.transpose()) would copy W on every call
        INDArray y = Nd4j.gemm(x2, w.value(), false, true);
        if (b != null) {
            y.addiRowVector(b.value());
        }
        long[] ys = xs.clone();
        ys[ys.length - 1] = outF;
        INDArray out = y.reshape('c', ys);
        return result(out, new Tensor[] {x, w, b}, g -> {
            INDArray g2 = g.reshape('c', n, outF);
            INDArray gx =
                    x.requiresGrad() ? Nd4j.gemm(g2, w.value(), false, false).reshape('c', xs) : null;
            INDArray gw = w.requiresGrad() ? Nd4j.gemm(g2, x2, true, false) : null;
            INDArray gb = b != null && b.requiresGrad() ? columnSum(g2) : null;
            return new INDArray[] {gx, gw, gb};
        });
    }

    // ------------------------------------------------------------------ normalisation, softmax

    /**
     * LayerNorm over the last axis with biased variance, as {@code torch.nn.LayerNorm}.
     *
     * @param x [..., D]; @param gamma [D]; @param beta [D] (either may be null: no affine term)
     */
    public Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, double eps) {
        long d = x.size(-1);
        long n = x.value().length() / d;
        long[] xs = x.shape();
        INDArray x2 = x.value().reshape('c', n, d);
        INDArray mean = x2.mean(true, 1);
        INDArray xc = x2.sub(mean);
        INDArray var = xc.mul(xc).mean(true, 1);
        INDArray rstd = Transforms.pow(var.addi(eps), -0.5, false);
        INDArray xhat = xc.muli(rstd);
        INDArray y = xhat.dup();
        if (gamma != null) {
            y.muliRowVector(gamma.value());
        }
        if (beta != null) {
            y.addiRowVector(beta.value());
        }
        INDArray out = y.reshape('c', xs);
        return result(out, new Tensor[] {x, gamma, beta}, g -> {
            INDArray g2 = g.reshape('c', n, d);
            INDArray gx = null;
            if (x.requiresGrad()) {
                INDArray dxhat = gamma == null ? g2.dup() : g2.mulRowVector(gamma.value());
                INDArray m1 = dxhat.mean(true, 1);
                INDArray m2 = dxhat.mul(xhat).mean(true, 1);
                gx = dxhat.subi(m1).subi(xhat.mul(m2)).muli(rstd).reshape('c', xs);
            }
            INDArray gg = gamma != null && gamma.requiresGrad() ? columnSum(g2.mul(xhat)) : null;
            INDArray gb = beta != null && beta.requiresGrad() ? columnSum(g2) : null;
            return new INDArray[] {gx, gg, gb};
        });
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
        if (dropoutRng == null || p <= 0.0) {
            return x;
        }
        if (p >= 1.0) {
            throw new IllegalArgumentException("dropout probability must be < 1, got " + p);
        }
        long n = x.value().length();
        double keepScale = 1.0 / (1.0 - p);
        double[] m = new double[Math.toIntExact(n)];
        for (int i = 0; i < m.length; i++) {
            m[i] = dropoutRng.nextDouble() < p ? 0.0 : keepScale;
        }
        INDArray mask = Nd4j.create(m, x.shape(), 'c').castTo(x.dataType());
        return result(x.value().mul(mask), new Tensor[] {x}, g -> new INDArray[] {g.mul(mask)});
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
}
