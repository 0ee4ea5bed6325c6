package io.visage.nn.autodiff;

import io.visage.nn.ShapeMismatchException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scatter.ScatterAdd;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The summed cross-entropy of several linear heads that share one hidden state, each over the rows
 * whose label is not ignored, as one op: {@code Σ_j mean_{r live in j} −log softmax(h_r·W_jᵀ + b_j)[label]}.
 * Logits are computed for live rows only and never kept: forward leaves, per head, the gradient of the
 * head's logits ({@code (softmax − onehot)/count}, the only [rows, V] array between the passes) and
 * backward turns it into the hidden, weight and bias gradients.
 */
final class CrossEntropyHeadsOp {
    private CrossEntropyHeadsOp() {}

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
        INDArray h2 = Arrays2.rows(hidden.value(), n, d);
        double[] perHead = new double[heads];
        boolean[] counted = new boolean[heads];
        double total = 0;
        List<INDArray> gradLogits = new ArrayList<>();
        int[][] liveRows = new int[heads][];
        for (int j = 0; j < heads; j++) {
            Tensor w = weights.get(j);
            long v = w.size(0);
            if (w.rank() != 2 || w.size(1) != d || labels[j].length != n) {
                throw new ShapeMismatchException("crossEntropyHeads: head " + j + " weight "
                        + Arrays.toString(w.shape()) + " with " + labels[j].length + " labels does not fit hidden "
                        + Arrays.toString(hidden.shape()) + " ([rows, " + d + "], " + n + " rows)");
            }
            int live = 0;
            int[] rows = new int[(int) n];
            for (int r = 0; r < n; r++) {
                long y = labels[j][r];
                if (y == ignoreIndex) {
                    continue;
                }
                if (y < 0 || y >= v) {
                    throw new IndexOutOfBoundsException("crossEntropyHeads: label " + y + " of head " + j + " at row "
                            + r + " outside [0, " + v + ") and not the ignore index " + ignoreIndex);
                }
                rows[live++] = r;
            }
            if (live == 0) {
                gradLogits.add(null);
                continue; // PyTorch's mean over no element is NaN; the reference skips such heads
            }
            rows = Arrays.copyOf(rows, live);
            liveRows[j] = rows;
            INDArray hj = Nd4j.pullRows(h2, 1, rows);
            INDArray logits = Nd4j.gemm(hj, w.value(), false, true); // [live, V]
            hj.close();
            Tensor b = biases.get(j);
            if (b != null) {
                logits.addiRowVector(b.value());
            }
            // log-softmax per row, then the loss and (softmax − onehot) / count
            INDArray max = logits.max(true, 1);
            logits.subiColumnVector(max);
            INDArray p = Transforms.exp(logits, true);
            INDArray sum = p.sum(true, 1);
            p.diviColumnVector(sum);
            INDArray logSum = Transforms.log(sum, false);
            double divisor = divisors == null ? live : divisors[j];
            double nll = 0;
            long[] picked = new long[live];
            for (int r = 0; r < live; r++) {
                picked[r] = labels[j][rows[r]];
            }
            double[] atLabel = pick(logits, picked);
            double[] lse = logSum.dup().data().asDouble();
            for (int r = 0; r < live; r++) {
                nll += lse[r] - atLabel[r];
                p.putScalar(r, picked[r], p.getDouble(r, picked[r]) - 1.0);
            }
            p.muli(1.0 / divisor);
            Arrays2.close(max, sum, logSum, logits);
            perHead[j] = nll / divisor;
            counted[j] = true;
            total += perHead[j];
            gradLogits.add(p);
        }
        INDArray loss = Nd4j.scalar(hidden.dataType(), total);
        Tensor[] inputs = new Tensor[1 + 2 * heads];
        inputs[0] = hidden;
        for (int j = 0; j < heads; j++) {
            inputs[1 + j] = weights.get(j);
            inputs[1 + heads + j] = biases.get(j);
        }
        INDArray[] saved = gradLogits.stream().filter(a -> a != null).toArray(INDArray[]::new);
        Tensor out = ops.record(loss, inputs, saved, (g, sink) -> {
            double s = g.getDouble(0);
            INDArray dh = sink.wants(hidden) ? sink.accumulator(hidden) : null;
            INDArray dh2 = dh == null ? null : Arrays2.rows(dh, n, d);
            for (int j = 0; j < heads; j++) {
                INDArray gl = gradLogits.get(j);
                if (gl == null) {
                    continue;
                }
                Tensor w = weights.get(j);
                Tensor b = biases.get(j);
                if (dh2 != null) {
                    INDArray dhj = Nd4j.gemm(gl, w.value(), false, false).muli(s); // [live, D]
                    INDArray idx = Nd4j.createFromArray(liveRows[j]);
                    ScatterAdd op = new ScatterAdd(dh2, idx, dhj);
                    op.addOutputArgument(dh2);
                    Nd4j.exec(op);
                    Arrays2.close(dhj, idx);
                }
                if (sink.wants(w)) {
                    INDArray hj = Nd4j.pullRows(h2, 1, liveRows[j]);
                    Nd4j.gemm(gl, hj, sink.accumulator(w), true, false, s, 1.0);
                    hj.close();
                }
                if (b != null && sink.wants(b)) {
                    Arrays2.addColumnSums(sink.accumulator(b), gl, s);
                }
            }
        });
        return new Ops.HeadsLoss(out, perHead, counted);
    }

    /** x[r, idx[r]] for every row, as doubles. */
    private static double[] pick(INDArray x, long[] idx) {
        double[] out = new double[idx.length];
        for (int r = 0; r < idx.length; r++) {
            out[r] = x.getDouble(r, idx[r]);
        }
        return out;
    }
}
