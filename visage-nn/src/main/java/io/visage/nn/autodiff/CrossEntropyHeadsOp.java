package io.visage.nn.autodiff;

import io.visage.nn.ShapeMismatchException;
import io.visage.nn.kernel.PointwiseKernels;
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
 * one gather of the group's rows, one GEMM per head into the group's head-major logits, and one pass
 * of each element-wise step over all of them. Forward keeps, per group, the gradient of its logits
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
            // logits head-major, [gh·live, V]: head i's rows are one contiguous block
            INDArray logits = Nd4j.createUninitialized(hidden.dataType(), (long) gh * live, v);
            for (int i = 0; i < gh; i++) {
                INDArray block = headBlock(logits, i, live);
                Nd4j.gemm(hg, weights.get(g.heads.get(i)).value(), block, false, true, 1.0, 0.0);
                Tensor b = biases.get(g.heads.get(i));
                if (b != null) {
                    block.addiRowVector(b.value());
                }
            }
            hg.close();
            // per (head, row), in place: logits become d loss / d logits = (softmax − onehot)/divisor
            int[] label = new int[live * gh];
            double[] divisor = new double[gh];
            double[] inverse = new double[live * gh];
            for (int i = 0; i < gh; i++) {
                int j = g.heads.get(i);
                divisor[i] = divisors == null ? live : divisors[j];
                for (int r = 0; r < live; r++) {
                    label[i * live + r] = Math.toIntExact(labels[j][g.rows[r]]);
                }
                Arrays.fill(inverse, i * live, (i + 1) * live, 1.0 / divisor[i]);
            }
            double[] rowNll = new double[live * gh];
            if (PointwiseKernels.applies(logits)) {
                float[] scale = new float[inverse.length];
                for (int k = 0; k < scale.length; k++) {
                    scale[k] = (float) inverse[k];
                }
                PointwiseKernels.softmaxCrossEntropy(logits, label, scale, rowNll, ops.parallelism());
            } else {
                softmaxCrossEntropy(logits, label, inverse, rowNll);
            }
            for (int i = 0; i < gh; i++) {
                int j = g.heads.get(i);
                double nll = 0;
                for (int r = 0; r < live; r++) {
                    nll += rowNll[i * live + r];
                }
                perHead[j] = nll / divisor[i];
                counted[j] = true;
                total += perHead[j];
            }
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
                INDArray gl = g.gradLogits; // [gh·live, V] head-major
                int live = g.rows.length;
                INDArray hg = Nd4j.pullRows(h2, 1, g.rows);
                INDArray dhg = dh2 == null ? null : Nd4j.zeros(gl.dataType(), live, d);
                for (int i = 0; i < g.heads.size(); i++) {
                    INDArray gi = headBlock(gl, i, live);
                    Tensor w = weights.get(g.heads.get(i));
                    if (dhg != null) {
                        Nd4j.gemm(gi, w.value(), dhg, false, false, s, 1.0);
                    }
                    if (sink.wants(w)) {
                        Nd4j.gemm(gi, hg, sink.accumulator(w), true, false, s, 1.0);
                    }
                    Tensor b = biases.get(g.heads.get(i));
                    if (b != null && sink.wants(b)) {
                        Arrays2.addColumnSums(sink.accumulator(b), gi, s);
                    }
                }
                if (dhg != null) {
                    INDArray idx = Nd4j.createFromArray(g.rows);
                    ScatterAdd op = new ScatterAdd(dh2, idx, dhg);
                    op.addOutputArgument(dh2);
                    Nd4j.exec(op);
                    Arrays2.close(dhg, idx);
                }
                hg.close();
            }
        });
        return new Ops.HeadsLoss(out, perHead, counted);
    }

    /**
     * The general (any dtype) form of {@link PointwiseKernels#softmaxCrossEntropy} on whole-array
     * ops: {@code logits ← (softmax − onehot(label)) · scale} per row, {@code nll ← −log softmax[label]}.
     */
    private static void softmaxCrossEntropy(INDArray logits, int[] label, double[] scale, double[] nll) {
        long rows = logits.size(0);
        long v = logits.size(1);
        INDArray max = logits.max(true, 1);
        logits.subiColumnVector(max);
        int[] flat = new int[label.length];
        for (int r = 0; r < label.length; r++) {
            flat[r] = Math.toIntExact(r * v + label[r]);
        }
        INDArray column = logits.reshape('c', rows * v, 1);
        INDArray at = Nd4j.pullRows(column, 1, flat); // shifted logit at the label
        double[] atLabel = at.data().asDouble();
        Transforms.exp(logits, false);
        INDArray sum = logits.sum(true, 1);
        logits.diviColumnVector(sum);
        double[] sumRow = sum.data().asDouble();
        INDArray minusOne = Nd4j.valueArrayOf(new long[] {rows, 1}, -1.0, logits.dataType());
        INDArray idx = Nd4j.createFromArray(flat);
        ScatterAdd sub = new ScatterAdd(column, idx, minusOne);
        sub.addOutputArgument(column);
        Nd4j.exec(sub);
        for (int r = 0; r < label.length; r++) {
            nll[r] = Math.log(sumRow[r]) - atLabel[r];
        }
        INDArray s = Arrays2.column(scale, logits.dataType());
        logits.muliColumnVector(s);
        Arrays2.close(max, at, sum, minusOne, idx, s);
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

    /** Rows {@code [i·live, (i+1)·live)} of a head-major [heads·live, V] array: head i's block (a contiguous view). */
    private static INDArray headBlock(INDArray headMajor, int i, int live) {
        return headMajor.get(Arrays2.interval((long) i * live, (long) (i + 1) * live), Arrays2.all());
    }
}
