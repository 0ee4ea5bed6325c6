package io.visage.nn.autodiff;

import io.visage.nn.ShapeMismatchException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scatter.ScatterAdd;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The summed cross-entropy of several linear heads that share one hidden state, each over the rows
 * whose label is not ignored, as one op: {@code Σ_j mean_{r live in j} −log softmax(h_r·W_jᵀ + b_j)[label]}.
 *
 * <p>Logits are computed for live rows only and never kept. Heads whose live rows are the same set
 * (in the ViSAGe code pattern, all heads of one row parity) form a group that is evaluated together:
 * one gather of the group's rows and one GEMM against the group's stacked weights, so a few large
 * products replace one small product per head. Forward keeps, per group, the gradient of its logits
 * ({@code (softmax − onehot)/count}); backward turns it into the hidden, weight and bias gradients.
 */
final class CrossEntropyHeadsOp {
    private CrossEntropyHeadsOp() {}

    /** Heads that share one set of live rows. */
    private static final class Group {
        final int[] rows;
        final List<Integer> heads = new ArrayList<>();
        INDArray gradLogits; // [rows, heads·V]

        Group(int[] rows) {
            this.rows = rows;
        }
    }

    static Ops.HeadsLoss apply(
            Ops ops,
            Tensor hidden,
            List<Tensor> weights,
            List<Tensor> biases,
            long[][] labels,
            long ignoreIndex,
            double[] divisors) {
        int heads = weights.size();
        long d = hidden.size(-1);
        long n = hidden.value().length() / d;
        if (labels.length != heads || biases.size() != heads || (divisors != null && divisors.length != heads)) {
            throw new ShapeMismatchException("crossEntropyHeads: " + heads + " weights but " + biases.size()
                    + " biases, " + labels.length + " label columns"
                    + (divisors == null ? "" : ", " + divisors.length + " divisors"));
        }
        long v = weights.isEmpty() ? 0 : weights.get(0).size(0);
        Map<String, Group> byRows = new LinkedHashMap<>();
        for (int j = 0; j < heads; j++) {
            Tensor w = weights.get(j);
            Tensor b = biases.get(j);
            if (w.rank() != 2
                    || w.size(0) != v
                    || w.size(1) != d
                    || labels[j].length != n
                    || (b != null && b.value().length() != v)) {
                throw new ShapeMismatchException("crossEntropyHeads: head " + j + " weight "
                        + Arrays.toString(w.shape()) + (b == null ? "" : ", bias " + Arrays.toString(b.shape()))
                        + " with " + labels[j].length + " labels does not fit hidden " + Arrays.toString(hidden.shape())
                        + " ([" + v + ", " + d + "] like head 0, " + n + " rows)");
            }
            int[] rows = liveRows(labels[j], ignoreIndex, v, j);
            if (rows.length == 0) {
                continue; // PyTorch's mean over no element is NaN; the reference skips such heads
            }
            byRows.computeIfAbsent(Arrays.toString(rows), k -> new Group(rows))
                    .heads
                    .add(j);
        }
        INDArray h2 = Arrays2.rows(hidden.value(), n, d);
        double[] perHead = new double[heads];
        boolean[] counted = new boolean[heads];
        double total = 0;
        for (Group g : byRows.values()) {
            int live = g.rows.length;
            int gh = g.heads.size();
            INDArray hg = Nd4j.pullRows(h2, 1, g.rows); // [live, D]
            INDArray wg = stack(weights, g.heads); // [gh·V, D]
            INDArray logits = Nd4j.gemm(hg, wg, false, true); // [live, gh·V]
            Arrays2.close(hg, wg);
            for (int i = 0; i < gh; i++) {
                Tensor b = biases.get(g.heads.get(i));
                if (b != null) {
                    logits.get(Arrays2.all(), Arrays2.interval((long) i * v, (long) (i + 1) * v))
                            .addiRowVector(b.value());
                }
            }
            // per (row, head), in place: shift by the max, pick the label's logit, exp, normalise,
            // subtract the one-hot and divide by the head's count: logits become d loss / d logits
            INDArray byHead = logits.reshape('c', (long) live * gh, v);
            INDArray max = byHead.max(true, 1);
            byHead.subiColumnVector(max);
            int[] flatLabel = new int[live * gh];
            for (int r = 0; r < live; r++) {
                for (int i = 0; i < gh; i++) {
                    flatLabel[r * gh + i] =
                            Math.toIntExact(((long) r * gh + i) * v + labels[g.heads.get(i)][g.rows[r]]);
                }
            }
            INDArray column = byHead.reshape('c', (long) live * gh * v, 1);
            INDArray at = Nd4j.pullRows(column, 1, flatLabel); // shifted logit at the label
            double[] atLabel = at.data().asDouble();
            Transforms.exp(byHead, false);
            INDArray sum = byHead.sum(true, 1);
            byHead.diviColumnVector(sum);
            double[] sumRow = sum.data().asDouble();
            INDArray minusOne = Nd4j.valueArrayOf(new long[] {(long) live * gh, 1}, -1.0, byHead.dataType());
            INDArray idx = Nd4j.createFromArray(flatLabel);
            ScatterAdd sub = new ScatterAdd(column, idx, minusOne);
            sub.addOutputArgument(column);
            Nd4j.exec(sub);
            double[] nll = new double[gh];
            for (int r = 0; r < live; r++) {
                for (int i = 0; i < gh; i++) {
                    nll[i] += Math.log(sumRow[r * gh + i]) - atLabel[r * gh + i];
                }
            }
            double[] inverse = new double[live * gh];
            for (int i = 0; i < gh; i++) {
                int j = g.heads.get(i);
                double divisor = divisors == null ? live : divisors[j];
                perHead[j] = nll[i] / divisor;
                counted[j] = true;
                total += perHead[j];
                for (int r = 0; r < live; r++) {
                    inverse[r * gh + i] = 1.0 / divisor;
                }
            }
            INDArray scale = Arrays2.column(inverse, byHead.dataType());
            byHead.muliColumnVector(scale);
            Arrays2.close(max, at, sum, minusOne, idx, scale);
            g.gradLogits = logits;
        }
        INDArray loss = Nd4j.scalar(hidden.dataType(), total);
        Tensor[] inputs = new Tensor[1 + 2 * heads];
        inputs[0] = hidden;
        for (int j = 0; j < heads; j++) {
            inputs[1 + j] = weights.get(j);
            inputs[1 + heads + j] = biases.get(j);
        }
        INDArray[] saved = byRows.values().stream().map(g -> g.gradLogits).toArray(INDArray[]::new);
        Tensor out = ops.record(loss, inputs, saved, (grad, sink) -> {
            double s = grad.getDouble(0);
            INDArray dh2 = sink.wants(hidden) ? Arrays2.rows(sink.accumulator(hidden), n, d) : null;
            for (Group g : byRows.values()) {
                INDArray gl = g.gradLogits; // [live, gh·V]
                if (dh2 != null) {
                    INDArray wg = stack(weights, g.heads);
                    INDArray dhg = Nd4j.gemm(gl, wg, false, false).muli(s); // [live, D]
                    INDArray idx = Nd4j.createFromArray(g.rows);
                    ScatterAdd op = new ScatterAdd(dh2, idx, dhg);
                    op.addOutputArgument(dh2);
                    Nd4j.exec(op);
                    Arrays2.close(wg, dhg, idx);
                }
                boolean anyWeight = false;
                boolean anyBias = false;
                for (int j : g.heads) {
                    anyWeight |= sink.wants(weights.get(j));
                    anyBias |= biases.get(j) != null && sink.wants(biases.get(j));
                }
                if (anyWeight) {
                    INDArray hg = Nd4j.pullRows(h2, 1, g.rows);
                    INDArray dw = Nd4j.gemm(gl, hg, true, false); // [gh·V, D]
                    for (int i = 0; i < g.heads.size(); i++) {
                        Tensor w = weights.get(g.heads.get(i));
                        if (sink.wants(w)) {
                            sink.accumulator(w)
                                    .addi(dw.get(Arrays2.interval((long) i * v, (long) (i + 1) * v), Arrays2.all())
                                            .muli(s));
                        }
                    }
                    Arrays2.close(hg, dw);
                }
                if (anyBias) {
                    INDArray db = Nd4j.zeros(gl.dataType(), 1, gl.size(1));
                    Arrays2.addColumnSums(db, gl, s);
                    for (int i = 0; i < g.heads.size(); i++) {
                        Tensor b = biases.get(g.heads.get(i));
                        if (b != null && sink.wants(b)) {
                            sink.accumulator(b)
                                    .addi(db.get(Arrays2.all(), Arrays2.interval((long) i * v, (long) (i + 1) * v))
                                            .reshape(b.shape()));
                        }
                    }
                    db.close();
                }
            }
        });
        return new Ops.HeadsLoss(out, perHead, counted);
    }

    /** Rows whose label is not ignored, checking each label's range. */
    private static int[] liveRows(long[] labels, long ignoreIndex, long v, int head) {
        int[] rows = new int[labels.length];
        int live = 0;
        for (int r = 0; r < labels.length; r++) {
            long y = labels[r];
            if (y == ignoreIndex) {
                continue;
            }
            if (y < 0 || y >= v) {
                throw new IndexOutOfBoundsException("crossEntropyHeads: label " + y + " of head " + head + " at row "
                        + r + " outside [0, " + v + ") and not the ignore index " + ignoreIndex);
            }
            rows[live++] = r;
        }
        return Arrays.copyOf(rows, live);
    }

    /** The weights of {@code heads} stacked row-wise: [heads·V, D] (a new array). */
    private static INDArray stack(List<Tensor> weights, List<Integer> heads) {
        if (heads.size() == 1) {
            return weights.get(heads.get(0)).value().dup('c');
        }
        INDArray[] parts = new INDArray[heads.size()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = weights.get(heads.get(i)).value();
        }
        return Nd4j.concat(0, parts);
    }
}
