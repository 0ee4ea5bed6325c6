package io.visage.nn.autodiff;

import io.visage.nn.ShapeMismatchException;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scatter.ScatterAdd;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The sum of K embedding lookups, {@code Σ_j table_j[ids[…, j]]}, accumulated in table order from the
 * first lookup (the reference's order), as one op: one output array instead of K lookups and K − 1
 * sums. Backward scatters the output gradient into each table's gradient, skipping the padding id.
 */
final class EmbeddingSumOp {
    private EmbeddingSumOp() {}

    /**
     * @param ids        [positions, K] row-major: position p reads {@code ids[p·K + j]} from table j
     * @param positions  number of positions P
     * @param outShape   shape of the result, [..., D] with P·D elements
     * @param paddingIdx id whose row gets no gradient, or -1
     */
    static Tensor apply(Ops ops, List<Tensor> tables, long[] ids, int positions, long[] outShape, long paddingIdx) {
        int k = tables.size();
        if (k == 0 || (long) positions * k != ids.length) {
            throw new ShapeMismatchException(
                    "embeddingSum: " + ids.length + " ids do not make " + positions + " positions of " + k + " tables");
        }
        long d = tables.get(0).size(1);
        int[][] rows = new int[k][positions];
        for (int j = 0; j < k; j++) {
            Tensor t = tables.get(j);
            if (t.rank() != 2 || t.size(1) != d) {
                throw new ShapeMismatchException("embeddingSum: table " + j + " is " + Arrays.toString(t.shape())
                        + ", expected [rows, " + d + "] like table 0");
            }
            long v = t.size(0);
            for (int p = 0; p < positions; p++) {
                long id = ids[p * k + j];
                if (id < 0 || id >= v) {
                    throw new IndexOutOfBoundsException("embeddingSum: id " + id + " at position " + p + " of table "
                            + j + " outside [0, " + v + ")");
                }
                rows[j][p] = (int) id;
            }
        }
        INDArray out = Nd4j.createUninitialized(tables.get(0).dataType(), positions, d);
        for (int j = 0; j < k; j++) {
            INDArray r = Nd4j.pullRows(tables.get(j).value(), 1, rows[j]);
            if (j == 0) {
                out.assign(r);
            } else {
                out.addi(r);
            }
            r.close();
        }
        INDArray shaped = Arrays2.fresh(out, outShape);
        shaped.reshape('c', positions, d).assign(out);
        out.close();
        return ops.record(shaped, tables.toArray(new Tensor[0]), new INDArray[0], (g, sink) -> {
            INDArray g2 = Arrays2.rows(g, positions, d);
            for (int j = 0; j < k; j++) {
                Tensor t = tables.get(j);
                if (!sink.wants(t)) {
                    continue;
                }
                int kept = 0;
                int[] from = new int[positions];
                int[] to = new int[positions];
                for (int p = 0; p < positions; p++) {
                    if (rows[j][p] != paddingIdx) {
                        from[kept] = p;
                        to[kept++] = rows[j][p];
                    }
                }
                INDArray acc = sink.accumulator(t); // a used table gets a gradient even if it is all zero, as in torch
                if (kept == 0) {
                    continue;
                }
                INDArray upd = Nd4j.pullRows(g2, 1, Arrays.copyOf(from, kept));
                INDArray idx = Nd4j.createFromArray(Arrays.copyOf(to, kept));
                ScatterAdd op = new ScatterAdd(acc, idx, upd);
                op.addOutputArgument(acc);
                Nd4j.exec(op);
                Arrays2.close(upd, idx);
            }
        });
    }
}
