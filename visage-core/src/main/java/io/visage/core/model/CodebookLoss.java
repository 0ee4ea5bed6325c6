package io.visage.core.model;

import io.visage.core.pattern.TokenGrid;
import io.visage.nn.ShapeMismatchException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
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

    /** The summed loss value (NaN when no head counted). */
    public double value() {
        return total == null ? Double.NaN : total.item();
    }
}
