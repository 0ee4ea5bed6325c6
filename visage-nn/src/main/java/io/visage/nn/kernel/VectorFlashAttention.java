package io.visage.nn.kernel;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FlashAttention}'s loops on the Vector API, four query rows at a time: scores against a
 * transposed key block (one key per lane, no horizontal sums), the probability-weighted values and
 * all gradients as broadcast-multiply-adds over contiguous rows. The loops always run four rows
 * (a short last block is padded with zeros): a vector accumulator updated only on some paths stops
 * C2 from keeping it in a register, and the loop then runs about ten times slower. Load only when
 * the module is present.
 */
final class VectorFlashAttention {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int Q = 4; // query rows per block

    private VectorFlashAttention() {}

    static void forwardPair(
            FlashAttention.Shape g, FlashAttention.Buffers b, int pair, float[] lse, FlashAttention.Scratch sc) {
        FlashAttention.loadKeysValues(g, b, pair, sc, true);
        int bi = pair / g.heads();
        int h = pair % g.heads();
        int dh = g.dh();
        int s = g.s();
        for (int i0 = 0; i0 < g.t(); i0 += Q) {
            int rows = Math.min(Q, g.t() - i0);
            for (int r = 0; r < rows; r++) {
                FlashAttention.readRow(b.q, g, bi * g.t() + i0 + r, h, g.scale(), sc.qRow, r * dh);
            }
            Arrays.fill(sc.qRow, rows * dh, Q * dh, 0f); // the loops always run four rows
            int n = g.keys(i0 + rows - 1);
            scores(sc.qRow, sc.kCols, sc.scores, rows, n, dh, s);
            for (int r = 0; r < rows; r++) {
                int nr = g.keys(i0 + r);
                float max = VectorMath.max(sc.scores, r * s, nr);
                float sum = VectorMath.expShiftSum(sc.scores, r * s, nr, max);
                lse[pair * g.t() + i0 + r] = max + (float) Math.log(sum);
                float inv = 1f / sum;
                int off = r * s;
                int j = 0;
                for (int bound = S.loopBound(nr); j < bound; j += L) {
                    FloatVector.fromArray(S, sc.scores, off + j).mul(inv).intoArray(sc.scores, off + j);
                }
                for (; j < nr; j++) {
                    sc.scores[off + j] *= inv;
                }
                Arrays.fill(sc.scores, off + nr, off + n, 0f); // masked keys of this row weigh nothing
            }
            for (int r = rows; r < Q; r++) {
                Arrays.fill(sc.scores, r * s, r * s + n, 0f);
            }
            weightedRows(sc.scores, s, sc.vRows, sc.oRow, rows, n, dh, 1f);
            for (int r = 0; r < rows; r++) {
                FlashAttention.writeRow(b.out, g, bi * g.t() + i0 + r, h, sc.oRow, r * dh);
            }
        }
    }

    static void backwardPair(
            FlashAttention.Shape g,
            FlashAttention.Buffers b,
            int pair,
            float[] lse,
            DirectFloats dOut,
            DirectFloats dq,
            DirectFloats dk,
            DirectFloats dv,
            FlashAttention.Scratch sc) {
        FlashAttention.loadKeysValues(g, b, pair, sc, true);
        int bi = pair / g.heads();
        int h = pair % g.heads();
        int dh = g.dh();
        int s = g.s();
        Arrays.fill(sc.dk, 0f);
        Arrays.fill(sc.dv, 0f);
        for (int i0 = 0; i0 < g.t(); i0 += Q) {
            int rows = Math.min(Q, g.t() - i0);
            for (int r = 0; r < rows; r++) {
                int row = bi * g.t() + i0 + r;
                FlashAttention.readRow(b.q, g, row, h, g.scale(), sc.qRow, r * dh);
                FlashAttention.readRow(dOut, g, row, h, 1f, sc.dRow, r * dh);
                FlashAttention.readRow(b.out, g, row, h, 1f, sc.oRow, r * dh);
            }
            Arrays.fill(sc.qRow, rows * dh, Q * dh, 0f); // the loops always run four rows
            Arrays.fill(sc.dRow, rows * dh, Q * dh, 0f);
            int n = g.keys(i0 + rows - 1);
            scores(sc.qRow, sc.kCols, sc.scores, rows, n, dh, s); // q·k
            scores(sc.dRow, sc.vCols, sc.dScores, rows, n, dh, s); // dO·v
            for (int r = 0; r < rows; r++) {
                int nr = g.keys(i0 + r);
                int off = r * s;
                float rowDot = dot(sc.dRow, sc.oRow, r * dh, dh);
                VectorMath.expShiftSum(sc.scores, off, nr, lse[pair * g.t() + i0 + r]); // p
                int j = 0;
                for (int bound = S.loopBound(nr); j < bound; j += L) {
                    FloatVector p = FloatVector.fromArray(S, sc.scores, off + j);
                    FloatVector dp = FloatVector.fromArray(S, sc.dScores, off + j);
                    p.mul(dp.sub(rowDot)).intoArray(sc.dScores, off + j); // dS = P ∘ (dP − rowDot)
                }
                for (; j < nr; j++) {
                    sc.dScores[off + j] = sc.scores[off + j] * (sc.dScores[off + j] - rowDot);
                }
                Arrays.fill(sc.scores, off + nr, off + n, 0f);
                Arrays.fill(sc.dScores, off + nr, off + n, 0f);
            }
            for (int r = rows; r < Q; r++) {
                Arrays.fill(sc.scores, r * s, r * s + n, 0f);
                Arrays.fill(sc.dScores, r * s, r * s + n, 0f);
            }
            // dq = scale · dS·K (the block's rows of oRow are no longer needed)
            weightedRows(sc.dScores, s, sc.kRows, sc.oRow, rows, n, dh, g.scale());
            for (int r = 0; r < rows; r++) {
                FlashAttention.writeRow(dq, g, bi * g.t() + i0 + r, h, sc.oRow, r * dh);
            }
            // dk_j += Σ_r dS_rj · (q_r·scale),  dv_j += Σ_r P_rj · dO_r
            accumulateRows(sc.dScores, s, sc.qRow, sc.dk, rows, n, dh);
            accumulateRows(sc.scores, s, sc.dRow, sc.dv, rows, n, dh);
        }
        for (int j = 0; j < s; j++) {
            FlashAttention.writeRow(dk, g, bi * s + j, h, sc.dk, j * dh);
            FlashAttention.writeRow(dv, g, bi * s + j, h, sc.dv, j * dh);
        }
    }

    /**
     * out[r][j] = Σ_d x[r][d] · cols[d][j] for j < n (cols: [Dh, S] row-major), rows of stride S.
     * Sixteen keys at a time (two vectors × four rows = eight independent accumulators, enough to
     * cover the FMA latency), then one vector, then scalars.
     */
    private static void scores(float[] x, float[] cols, float[] out, int rows, int n, int dh, int s) {
        int j = 0;
        for (; j + 2 * L <= n; j += 2 * L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            FloatVector a3 = FloatVector.zero(S);
            FloatVector b0 = FloatVector.zero(S);
            FloatVector b1 = FloatVector.zero(S);
            FloatVector b2 = FloatVector.zero(S);
            FloatVector b3 = FloatVector.zero(S);
            for (int d = 0; d < dh; d++) {
                FloatVector c = FloatVector.fromArray(S, cols, d * s + j);
                FloatVector e = FloatVector.fromArray(S, cols, d * s + j + L);
                FloatVector x0 = FloatVector.broadcast(S, x[d]);
                a0 = c.fma(x0, a0);
                b0 = e.fma(x0, b0);
                FloatVector x1 = FloatVector.broadcast(S, x[dh + d]);
                a1 = c.fma(x1, a1);
                b1 = e.fma(x1, b1);
                FloatVector x2 = FloatVector.broadcast(S, x[2 * dh + d]);
                a2 = c.fma(x2, a2);
                b2 = e.fma(x2, b2);
                FloatVector x3 = FloatVector.broadcast(S, x[3 * dh + d]);
                a3 = c.fma(x3, a3);
                b3 = e.fma(x3, b3);
            }
            a0.intoArray(out, j);
            b0.intoArray(out, j + L);
            a1.intoArray(out, s + j);
            b1.intoArray(out, s + j + L);
            a2.intoArray(out, 2 * s + j);
            b2.intoArray(out, 2 * s + j + L);
            a3.intoArray(out, 3 * s + j);
            b3.intoArray(out, 3 * s + j + L);
        }
        for (; j + L <= n; j += L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            FloatVector a3 = FloatVector.zero(S);
            for (int d = 0; d < dh; d++) {
                FloatVector c = FloatVector.fromArray(S, cols, d * s + j);
                a0 = c.fma(FloatVector.broadcast(S, x[d]), a0);
                a1 = c.fma(FloatVector.broadcast(S, x[dh + d]), a1);
                a2 = c.fma(FloatVector.broadcast(S, x[2 * dh + d]), a2);
                a3 = c.fma(FloatVector.broadcast(S, x[3 * dh + d]), a3);
            }
            a0.intoArray(out, j);
            a1.intoArray(out, s + j);
            a2.intoArray(out, 2 * s + j);
            a3.intoArray(out, 3 * s + j);
        }
        for (; j < n; j++) {
            for (int r = 0; r < rows; r++) {
                float acc = 0;
                for (int d = 0; d < dh; d++) {
                    acc += x[r * dh + d] * cols[d * s + j];
                }
                out[r * s + j] = acc;
            }
        }
    }

    /**
     * out[r][·] = mul · Σ_{j<n} w[r][j] · rowsM[j][·] (rowsM: [S, Dh]); w rows of stride S. Sixteen
     * columns at a time (eight accumulators), then one vector, then scalars.
     */
    private static void weightedRows(float[] w, int s, float[] rowsM, float[] out, int rows, int n, int dh, float mul) {
        int d = 0;
        for (; d + 2 * L <= dh; d += 2 * L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            FloatVector a3 = FloatVector.zero(S);
            FloatVector b0 = FloatVector.zero(S);
            FloatVector b1 = FloatVector.zero(S);
            FloatVector b2 = FloatVector.zero(S);
            FloatVector b3 = FloatVector.zero(S);
            for (int j = 0; j < n; j++) {
                FloatVector m = FloatVector.fromArray(S, rowsM, j * dh + d);
                FloatVector m2 = FloatVector.fromArray(S, rowsM, j * dh + d + L);
                FloatVector w0 = FloatVector.broadcast(S, w[j]);
                a0 = m.fma(w0, a0);
                b0 = m2.fma(w0, b0);
                FloatVector w1 = FloatVector.broadcast(S, w[s + j]);
                a1 = m.fma(w1, a1);
                b1 = m2.fma(w1, b1);
                FloatVector w2 = FloatVector.broadcast(S, w[2 * s + j]);
                a2 = m.fma(w2, a2);
                b2 = m2.fma(w2, b2);
                FloatVector w3 = FloatVector.broadcast(S, w[3 * s + j]);
                a3 = m.fma(w3, a3);
                b3 = m2.fma(w3, b3);
            }
            a0.mul(mul).intoArray(out, d);
            b0.mul(mul).intoArray(out, d + L);
            a1.mul(mul).intoArray(out, dh + d);
            b1.mul(mul).intoArray(out, dh + d + L);
            a2.mul(mul).intoArray(out, 2 * dh + d);
            b2.mul(mul).intoArray(out, 2 * dh + d + L);
            a3.mul(mul).intoArray(out, 3 * dh + d);
            b3.mul(mul).intoArray(out, 3 * dh + d + L);
        }
        for (; d + L <= dh; d += L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            FloatVector a3 = FloatVector.zero(S);
            for (int j = 0; j < n; j++) {
                FloatVector m = FloatVector.fromArray(S, rowsM, j * dh + d);
                a0 = m.fma(FloatVector.broadcast(S, w[j]), a0);
                a1 = m.fma(FloatVector.broadcast(S, w[s + j]), a1);
                a2 = m.fma(FloatVector.broadcast(S, w[2 * s + j]), a2);
                a3 = m.fma(FloatVector.broadcast(S, w[3 * s + j]), a3);
            }
            a0.mul(mul).intoArray(out, d);
            a1.mul(mul).intoArray(out, dh + d);
            a2.mul(mul).intoArray(out, 2 * dh + d);
            a3.mul(mul).intoArray(out, 3 * dh + d);
        }
        for (; d < dh; d++) {
            for (int r = 0; r < rows; r++) {
                float acc = 0;
                for (int j = 0; j < n; j++) {
                    acc += w[r * s + j] * rowsM[j * dh + d];
                }
                out[r * dh + d] = acc * mul;
            }
        }
    }

    /**
     * acc[j][·] += Σ_r w[r][j] · x[r][·] for j < n (acc: [S, Dh]; x: rows of Dh). For each block
     * of sixteen columns the four rows of x stay in registers while j runs over the keys.
     */
    private static void accumulateRows(float[] w, int s, float[] x, float[] acc, int rows, int n, int dh) {
        int d = 0;
        for (; d + 2 * L <= dh; d += 2 * L) {
            FloatVector x0 = FloatVector.fromArray(S, x, d);
            FloatVector y0 = FloatVector.fromArray(S, x, d + L);
            FloatVector x1 = FloatVector.fromArray(S, x, dh + d);
            FloatVector y1 = FloatVector.fromArray(S, x, dh + d + L);
            FloatVector x2 = FloatVector.fromArray(S, x, 2 * dh + d);
            FloatVector y2 = FloatVector.fromArray(S, x, 2 * dh + d + L);
            FloatVector x3 = FloatVector.fromArray(S, x, 3 * dh + d);
            FloatVector y3 = FloatVector.fromArray(S, x, 3 * dh + d + L);
            for (int j = 0; j < n; j++) {
                int base = j * dh + d;
                FloatVector w0 = FloatVector.broadcast(S, w[j]);
                FloatVector w1 = FloatVector.broadcast(S, w[s + j]);
                FloatVector w2 = FloatVector.broadcast(S, w[2 * s + j]);
                FloatVector w3 = FloatVector.broadcast(S, w[3 * s + j]);
                FloatVector a = FloatVector.fromArray(S, acc, base);
                FloatVector b = FloatVector.fromArray(S, acc, base + L);
                a = x0.fma(w0, a);
                b = y0.fma(w0, b);
                a = x1.fma(w1, a);
                b = y1.fma(w1, b);
                a = x2.fma(w2, a);
                b = y2.fma(w2, b);
                a = x3.fma(w3, a);
                b = y3.fma(w3, b);
                a.intoArray(acc, base);
                b.intoArray(acc, base + L);
            }
        }
        for (; d + L <= dh; d += L) {
            FloatVector x0 = FloatVector.fromArray(S, x, d);
            FloatVector x1 = FloatVector.fromArray(S, x, dh + d);
            FloatVector x2 = FloatVector.fromArray(S, x, 2 * dh + d);
            FloatVector x3 = FloatVector.fromArray(S, x, 3 * dh + d);
            for (int j = 0; j < n; j++) {
                int base = j * dh + d;
                FloatVector a = FloatVector.fromArray(S, acc, base);
                a = x0.fma(FloatVector.broadcast(S, w[j]), a);
                a = x1.fma(FloatVector.broadcast(S, w[s + j]), a);
                a = x2.fma(FloatVector.broadcast(S, w[2 * s + j]), a);
                a = x3.fma(FloatVector.broadcast(S, w[3 * s + j]), a);
                a.intoArray(acc, base);
            }
        }
        for (; d < dh; d++) {
            for (int j = 0; j < n; j++) {
                acc[j * dh + d] += w[j] * x[d]
                        + w[s + j] * x[dh + d]
                        + w[2 * s + j] * x[2 * dh + d]
                        + w[3 * s + j] * x[3 * dh + d];
            }
        }
    }

    private static float dot(float[] a, float[] b, int off, int n) {
        FloatVector acc = FloatVector.zero(S);
        int d = 0;
        for (int bound = S.loopBound(n); d < bound; d += L) {
            acc = FloatVector.fromArray(S, a, off + d).fma(FloatVector.fromArray(S, b, off + d), acc);
        }
        float r = acc.reduceLanes(VectorOperators.ADD);
        for (; d < n; d++) {
            r += a[off + d] * b[off + d];
        }
        return r;
    }
}
