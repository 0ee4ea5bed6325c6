package io.visage.nn.autodiff;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Small ND4J idioms the fused ops share: contiguous 2-D views, fresh outputs, in-place column sums. */
final class Arrays2 {
    private Arrays2() {}

    /** {@code a} as a c-order [rows, cols] array: a view when its buffer allows, else a copy. */
    static INDArray rows(INDArray a, long rows, long cols) {
        return a.reshape('c', rows, cols);
    }

    /** Whether {@link #rows} had to copy (so the copy is owned by the caller). */
    static boolean isCopyOf(INDArray maybeCopy, INDArray of) {
        return maybeCopy != of && !maybeCopy.isView() && maybeCopy.data() != of.data();
    }

    /** A new uninitialised array of {@code like}'s type and the given shape (a closeable base array). */
    static INDArray fresh(INDArray like, long... shape) {
        return Nd4j.createUninitialized(like.dataType(), shape);
    }

    /** acc[1, M] (any shape of M elements) += alpha · Σ_rows m[N, M], as one GEMV against a ones vector. */
    static void addColumnSums(INDArray acc, INDArray m, double alpha) {
        long rows = m.size(0);
        INDArray ones = Nd4j.ones(m.dataType(), 1, rows);
        Nd4j.gemm(ones, m, acc.reshape('c', 1, m.size(1)), false, false, alpha, 1.0);
        ones.close();
    }

    /** {@code values} as a new [n, 1] array of {@code type} (FLOAT or DOUBLE). */
    static INDArray column(double[] values, DataType type) {
        if (type == DataType.DOUBLE) {
            return Nd4j.create(values, new long[] {values.length, 1}, 'c');
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return Nd4j.create(f, new long[] {f.length, 1}, 'c');
    }

    static INDArrayIndex all() {
        return NDArrayIndex.all();
    }

    static INDArrayIndex interval(long from, long to) {
        return NDArrayIndex.interval(from, to);
    }

    static void close(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a != null && !a.wasClosed() && a.closeable()) {
                a.close();
            }
        }
    }
}
