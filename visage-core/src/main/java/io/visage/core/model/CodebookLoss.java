package io.visage.core.model;

import io.visage.core.pattern.TokenGrid;
import io.visage.nn.ShapeMismatchException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.layers.Linear;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The reference's training loss (SPEC §2.4): for each head j, the mean cross-entropy of
 * {@code logits_j} over the (b, r) whose label is not −100; the total is the plain sum over heads
 * whose loss is finite. A head without any valid label contributes nothing (reported as 0).
 *
 * @param total   the summed loss, a scalar that carries gradients when the ops record them; null
 *                when no head had a valid label
 * @param perHead per-head loss values [K] (0 for skipped heads)
 * @param counted which heads entered the sum [K]
 */
public record CodebookLoss(Tensor total, double[] perHead, boolean[] counted) {

    /**
     * @param logits one [B, R, V] tensor per head
     * @param labels [B, R, K]: codes or {@code ignoreIndex}
     */
    public static CodebookLoss compute(Ops ops, List<Tensor> logits, TokenGrid labels, long ignoreIndex) {
        int k = labels.codebooks();
        if (logits.size() != k) {
            throw new ShapeMismatchException(
                    "loss: " + logits.size() + " heads of logits but labels have " + k + " codebooks");
        }
        long n = (long) labels.batch() * labels.rows();
        long[] all = labels.values();
        Tensor total = null;
        double[] per = new double[k];
        boolean[] counted = new boolean[k];
        for (int j = 0; j < k; j++) {
            long[] col = new long[(int) n]; // fresh per head: the loss keeps its labels for backward
            Tensor lj = logits.get(j);
            if (lj.rank() != 3 || lj.size(0) != labels.batch() || lj.size(1) != labels.rows()) {
                throw new ShapeMismatchException("loss: logits of head " + j + " must be [" + labels.batch() + ", "
                        + labels.rows() + ", V], found " + Arrays.toString(lj.shape()));
            }
            for (int i = 0; i < n; i++) {
                col[i] = all[i * k + j];
            }
            Tensor ce = ops.crossEntropy(ops.reshape(lj, n, lj.size(2)), col, ignoreIndex);
            double v = ce.item();
            if (!Double.isFinite(v)) {
                continue;
            }
            per[j] = v;
            counted[j] = true;
            total = total == null ? ce : ops.add(total, ce);
        }
        return new CodebookLoss(total, per, counted);
    }

    /**
     * The same loss computed by the fused {@link Ops#crossEntropyHeads} straight from the hidden
     * states: logits only for the live (b, r) of each head, never kept; what training uses.
     *
     * @param hidden   decoder output [B, R, D]
     * @param heads    the K heads {@code dac_heads.j}
     * @param labels   [B, R, K]
     * @param divisors per-head denominators (the whole batch's live-label counts when a batch is split
     *                 into micro-batches whose gradients are summed), or null for this batch's counts
     */
    public static CodebookLoss fused(
            Ops ops, Tensor hidden, List<Linear> heads, TokenGrid labels, long ignoreIndex, double[] divisors) {
        int k = labels.codebooks();
        if (heads.size() != k) {
            throw new ShapeMismatchException("loss: " + heads.size() + " heads but labels have " + k + " codebooks");
        }
        if (hidden.rank() != 3 || hidden.size(0) != labels.batch() || hidden.size(1) != labels.rows()) {
            throw new ShapeMismatchException("loss: hidden states must be [" + labels.batch() + ", " + labels.rows()
                    + ", D], found " + Arrays.toString(hidden.shape()));
        }
        List<Tensor> w = new ArrayList<>(k);
        List<Tensor> b = new ArrayList<>(k);
        for (Linear h : heads) {
            w.add(h.weight());
            b.add(h.bias());
        }
        Ops.HeadsLoss l = ops.crossEntropyHeads(hidden, w, b, columns(labels), ignoreIndex, divisors);
        return new CodebookLoss(l.total(), l.perHead(), l.counted());
    }

    /**
     * Per codebook, the number of labels that are not {@code ignoreIndex} in {@code labels} [B, R, K]
     * (summed over several grids: a whole batch split into micro-batches).
     */
    public static double[] liveCounts(List<TokenGrid> labels, long ignoreIndex) {
        int k = labels.get(0).codebooks();
        double[] n = new double[k];
        for (TokenGrid g : labels) {
            long[] all = g.values();
            for (int i = 0; i < all.length; i++) {
                if (all[i] != ignoreIndex) {
                    n[i % k]++;
                }
            }
        }
        return n;
    }

    /** Column j of [B, R, K] as [B·R] for every j. */
    private static long[][] columns(TokenGrid labels) {
        int k = labels.codebooks();
        long[] all = labels.values();
        int n = all.length / k;
        long[][] cols = new long[k][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                cols[j][i] = all[i * k + j];
            }
        }
        return cols;
    }

    /** The summed loss value (NaN when no head counted). */
    public double value() {
        return total == null ? Double.NaN : total.item();
    }
}
