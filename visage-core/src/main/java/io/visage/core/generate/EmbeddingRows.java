package io.visage.core.generate;

import io.visage.nn.ShapeMismatchException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Row reads from a row-major contiguous float32 table [N, D] (possibly a view into a larger
 * allocation; the direct buffer spans the allocation and the view's offset counts from its start)
 * without an ND4J op per row.
 */
final class EmbeddingRows {
    private final INDArray table;
    private final ByteBuffer bytes;
    private final int base;
    private final int rows;
    private final int dim;

    EmbeddingRows(String name, INDArray table) {
        if (table.dataType() != DataType.FLOAT
                || table.rank() != 2
                || (table.size(1) > 1 && table.stride(1) != 1)
                || (table.size(0) > 1 && table.stride(0) != table.size(1))) {
            throw new ShapeMismatchException(name + " must be a row-major contiguous float32 [N, D] array, found "
                    + table.dataType() + " " + Arrays.toString(table.shape()) + " strides "
                    + Arrays.toString(table.stride()));
        }
        this.table = table;
        this.bytes = table.data().asNio().order(ByteOrder.LITTLE_ENDIAN);
        this.base = (int) (table.offset() * 4);
        this.rows = (int) table.size(0);
        this.dim = (int) table.size(1);
    }

    /** acc[off .. off+D) += table[row]. */
    void addTo(long row, float[] acc, int off) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("id " + row + " outside the table's rows [0, " + rows + ")");
        }
        int p = base + (int) row * dim * 4;
        for (int i = 0; i < dim; i++) {
            acc[off + i] += bytes.getFloat(p + 4 * i);
        }
        Reference.reachabilityFence(table);
    }
}
