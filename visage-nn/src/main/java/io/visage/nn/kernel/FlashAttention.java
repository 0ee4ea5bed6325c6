package io.visage.nn.kernel;

import io.visage.nn.ShapeMismatchException;
import java.lang.ref.Reference;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Multi-head scaled-dot-product attention for training, forward and backward, in float32 on the
 * merged-head layout [B, L, H·Dh] read and written in place: {@code out = softmax((q·scale)·kᵀ +
 * mask)·v}. Work is split over (batch item, head) pairs; a pair's keys and values are copied once
 * into small per-thread scratch arrays (transposed where the loops want it), so no [T, S] matrix is
 * ever stored: forward keeps only the per-row log-sum-exp, backward recomputes the probabilities
 * from it. With the causal mask, keys after a query are skipped, not computed and discarded,
 * which halves the work of a decoder's self-attention.
 *
 * <p>Numerically the softmax of the reference: masked keys get exactly zero weight, as with an
 * additive float32-min mask. The Vector API loop is used when the module is present, the plain-Java
 * loop otherwise; both are tested against each other and against the composite ND4J attention.
 */
public final class FlashAttention {
    private FlashAttention() {}

    /**
     * Sizes of one call.
     *
     * @param batch  B
     * @param heads  H
     * @param t      query positions T
     * @param s      key positions S (= T when causal)
     * @param dh     head width Dh
     * @param scale  applied to q before q·kᵀ
     * @param causal query i sees keys 0..i only
     */
    public record Shape(int batch, int heads, int t, int s, int dh, float scale, boolean causal) {
        public Shape {
            if (batch < 1 || heads < 1 || t < 1 || s < 1 || dh < 1) {
                throw new ShapeMismatchException("FlashAttention: sizes must be >= 1, got B=" + batch + " H=" + heads
                        + " T=" + t + " S=" + s + " Dh=" + dh);
            }
            if (causal && t != s) {
                throw new ShapeMismatchException("FlashAttention: a causal mask needs T = S, got " + t + " and " + s);
            }
        }

        int width() {
            return heads * dh;
        }

        /** Keys query {@code i} attends to. */
        int keys(int i) {
            return causal ? i + 1 : s;
        }

        /** Batch items times heads. */
        public int pairs() {
            return batch * heads;
        }
    }

    /**
     * @param q   [B, T, H·Dh] float32 contiguous
     * @param k   [B, S, H·Dh]
     * @param v   [B, S, H·Dh]
     * @param out [B, T, H·Dh], written
     * @param lse [B·H·T], written: log Σ_j exp(score_ij) per query row (for {@link #backward})
     */
    public static void forward(
            Shape g, INDArray q, INDArray k, INDArray v, INDArray out, float[] lse, Parallelism par) {
        Buffers b = new Buffers(g, q, k, v, out);
        if (lse.length != g.pairs() * g.t()) {
            throw new ShapeMismatchException(
                    "FlashAttention: lse needs " + g.pairs() * g.t() + " floats, has " + lse.length);
        }
        par.forRange(0, g.pairs(), 1, (from, to) -> {
            Scratch sc = new Scratch(g);
            for (int pair = from; pair < to; pair++) {
                if (VectorApi.PRESENT) {
                    VectorFlashAttention.forwardPair(g, b, pair, lse, sc);
                } else {
                    forwardPairScalar(g, b, pair, lse, sc);
                }
            }
        });
        b.keepAlive(q, k, v, out);
    }

    /**
     * Gradients of q, k and v given the output gradient (all [B, L, H·Dh] float32 contiguous; the
     * outputs are written, not accumulated).
     *
     * @param out  the forward output
     * @param lse  what {@link #forward} wrote
     * @param dOut d loss / d out
     */
    public static void backward(
            Shape g,
            INDArray q,
            INDArray k,
            INDArray v,
            INDArray out,
            float[] lse,
            INDArray dOut,
            INDArray dq,
            INDArray dk,
            INDArray dv,
            Parallelism par) {
        Buffers b = new Buffers(g, q, k, v, out);
        DirectFloats dof = rows("dOut", dOut, g.batch() * g.t(), g.width());
        DirectFloats dqf = rows("dq", dq, g.batch() * g.t(), g.width());
        DirectFloats dkf = rows("dk", dk, g.batch() * g.s(), g.width());
        DirectFloats dvf = rows("dv", dv, g.batch() * g.s(), g.width());
        par.forRange(0, g.pairs(), 1, (from, to) -> {
            Scratch sc = new Scratch(g);
            for (int pair = from; pair < to; pair++) {
                if (VectorApi.PRESENT) {
                    VectorFlashAttention.backwardPair(g, b, pair, lse, dof, dqf, dkf, dvf, sc);
                } else {
                    backwardPairScalar(g, b, pair, lse, dof, dqf, dkf, dvf, sc);
                }
            }
        });
        b.keepAlive(q, k, v, out);
        Reference.reachabilityFence(dOut);
        Reference.reachabilityFence(dq);
        Reference.reachabilityFence(dk);
        Reference.reachabilityFence(dv);
    }

    private static DirectFloats rows(String what, INDArray a, long rows, long cols) {
        io.visage.nn.Checks.rowMajorFloats("FlashAttention", what, a.reshape('c', rows, cols), rows, cols);
        return DirectFloats.matrix("FlashAttention", a.reshape('c', rows, cols));
    }

    /** The resolved inputs of one call. */
    static final class Buffers {
        final DirectFloats q;
        final DirectFloats k;
        final DirectFloats v;
        final DirectFloats out;

        Buffers(Shape g, INDArray q, INDArray k, INDArray v, INDArray out) {
            this.q = rows("q", q, (long) g.batch() * g.t(), g.width());
            this.k = rows("k", k, (long) g.batch() * g.s(), g.width());
            this.v = rows("v", v, (long) g.batch() * g.s(), g.width());
            this.out = rows("out", out, (long) g.batch() * g.t(), g.width());
        }

        void keepAlive(INDArray... arrays) {
            for (INDArray a : arrays) {
                Reference.reachabilityFence(a);
            }
        }
    }

    /**
     * One thread's working arrays for one (batch item, head) pair at a time: the pair's keys and
     * values as rows [S, Dh] and transposed [Dh, S], score rows, and the key/value gradients.
     */
    static final class Scratch {
        final float[] kRows;
        final float[] vRows;
        final float[] kCols;
        final float[] vCols;
        final float[] scores;
        final float[] dScores;
        final float[] qRow;
        final float[] oRow;
        final float[] dRow;
        final float[] dk;
        final float[] dv;

        Scratch(Shape g) {
            int sd = g.s() * g.dh();
            kRows = new float[sd];
            vRows = new float[sd];
            kCols = new float[sd];
            vCols = new float[sd];
            scores = new float[4 * g.s()];
            dScores = new float[4 * g.s()];
            qRow = new float[4 * g.dh()];
            oRow = new float[4 * g.dh()];
            dRow = new float[4 * g.dh()];
            dk = new float[sd];
            dv = new float[sd];
        }
    }

    /** Byte offset of row {@code row}, head {@code h} in a merged-head buffer. */
    static int at(DirectFloats f, Shape g, int row, int h) {
        return f.byteOffset() + 4 * (row * g.width() + h * g.dh());
    }

    /** Copies the pair's keys and values into the scratch rows and columns. */
    static void loadKeysValues(Shape g, Buffers b, int pair, Scratch sc, boolean columns) {
        int bi = pair / g.heads();
        int h = pair % g.heads();
        int dh = g.dh();
        for (int j = 0; j < g.s(); j++) {
            int kp = at(b.k, g, bi * g.s() + j, h);
            int vp = at(b.v, g, bi * g.s() + j, h);
            for (int d = 0; d < dh; d++) {
                float kv = b.k.bytes().getFloat(kp + 4 * d);
                float vv = b.v.bytes().getFloat(vp + 4 * d);
                sc.kRows[j * dh + d] = kv;
                sc.vRows[j * dh + d] = vv;
                if (columns) {
                    sc.kCols[d * g.s() + j] = kv;
                    sc.vCols[d * g.s() + j] = vv;
                }
            }
        }
    }

    /** Reads row {@code row} of head {@code h} into {@code dst[off ..]}, times {@code mul}. */
    static void readRow(DirectFloats f, Shape g, int row, int h, float mul, float[] dst, int off) {
        int p = at(f, g, row, h);
        for (int d = 0; d < g.dh(); d++) {
            dst[off + d] = f.bytes().getFloat(p + 4 * d) * mul;
        }
    }

    static void writeRow(DirectFloats f, Shape g, int row, int h, float[] src, int off) {
        int p = at(f, g, row, h);
        for (int d = 0; d < g.dh(); d++) {
            f.bytes().putFloat(p + 4 * d, src[off + d]);
        }
    }

    /** The plain-Java forward of one pair (the reference of the vector loop). */
    static void forwardPairScalar(Shape g, Buffers b, int pair, float[] lse, Scratch sc) {
        loadKeysValues(g, b, pair, sc, false);
        int bi = pair / g.heads();
        int h = pair % g.heads();
        int dh = g.dh();
        for (int i = 0; i < g.t(); i++) {
            readRow(b.q, g, bi * g.t() + i, h, g.scale(), sc.qRow, 0);
            int n = g.keys(i);
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                float s = 0;
                for (int d = 0; d < dh; d++) {
                    s += sc.qRow[d] * sc.kRows[j * dh + d];
                }
                sc.scores[j] = s;
                max = Math.max(max, s);
            }
            float sum = 0;
            for (int j = 0; j < n; j++) {
                float e = (float) Math.exp(sc.scores[j] - max);
                sc.scores[j] = e;
                sum += e;
            }
            lse[pair * g.t() + i] = max + (float) Math.log(sum);
            float inv = 1f / sum;
            java.util.Arrays.fill(sc.oRow, 0, dh, 0f);
            for (int j = 0; j < n; j++) {
                float p = sc.scores[j] * inv;
                for (int d = 0; d < dh; d++) {
                    sc.oRow[d] += p * sc.vRows[j * dh + d];
                }
            }
            writeRow(b.out, g, bi * g.t() + i, h, sc.oRow, 0);
        }
    }

    /** The plain-Java backward of one pair (the reference of the vector loop). */
    static void backwardPairScalar(
            Shape g,
            Buffers b,
            int pair,
            float[] lse,
            DirectFloats dOut,
            DirectFloats dq,
            DirectFloats dk,
            DirectFloats dv,
            Scratch sc) {
        loadKeysValues(g, b, pair, sc, false);
        int bi = pair / g.heads();
        int h = pair % g.heads();
        int dh = g.dh();
        java.util.Arrays.fill(sc.dk, 0f);
        java.util.Arrays.fill(sc.dv, 0f);
        for (int i = 0; i < g.t(); i++) {
            int row = bi * g.t() + i;
            readRow(b.q, g, row, h, g.scale(), sc.qRow, 0);
            readRow(b.out, g, row, h, 1f, sc.oRow, 0);
            readRow(dOut, g, row, h, 1f, sc.dRow, 0);
            int n = g.keys(i);
            float l = lse[pair * g.t() + i];
            float rowDot = 0;
            for (int d = 0; d < dh; d++) {
                rowDot += sc.dRow[d] * sc.oRow[d];
            }
            java.util.Arrays.fill(sc.oRow, 0, dh, 0f); // now accumulates dq
            for (int j = 0; j < n; j++) {
                float s = 0;
                float dp = 0;
                for (int d = 0; d < dh; d++) {
                    s += sc.qRow[d] * sc.kRows[j * dh + d];
                    dp += sc.dRow[d] * sc.vRows[j * dh + d];
                }
                float p = (float) Math.exp(s - l);
                float ds = p * (dp - rowDot);
                for (int d = 0; d < dh; d++) {
                    sc.oRow[d] += ds * sc.kRows[j * dh + d];
                    sc.dk[j * dh + d] += ds * sc.qRow[d];
                    sc.dv[j * dh + d] += p * sc.dRow[d];
                }
            }
            for (int d = 0; d < dh; d++) {
                sc.oRow[d] *= g.scale();
            }
            writeRow(dq, g, row, h, sc.oRow, 0);
        }
        for (int j = 0; j < g.s(); j++) {
            writeRow(dk, g, bi * g.s() + j, h, sc.dk, j * dh);
            writeRow(dv, g, bi * g.s() + j, h, sc.dv, j * dh);
        }
    }
}
