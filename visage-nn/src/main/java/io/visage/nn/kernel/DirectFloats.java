package io.visage.nn.kernel;

import io.visage.nn.ShapeMismatchException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A float32 ND4J array, or a contiguous row range of one, seen through the direct
 * {@link ByteBuffer} of its data buffer: element {@code [r, c]} is the little-endian float at
 * byte {@code byteOffset + 4 * (r * cols + c)}. Creating one costs about a microsecond (one JNI
 * call for the buffer), so kernels resolve their arguments once per call.
 *
 * @param bytes      the whole underlying buffer, little-endian, absolute indexing only
 * @param byteOffset byte index of element {@code [0, 0]}
 * @param rows       rows ({@code 1} for a vector)
 * @param cols       columns (the vector length for a vector)
 */
record DirectFloats(ByteBuffer bytes, int byteOffset, int rows, int cols) {

    /** Byte index of element {@code [row, 0]}. */
    int rowByte(int row) {
        return byteOffset + 4 * row * cols;
    }

    /** Element {@code [0, i]} of a vector. */
    float get(int i) {
        return bytes.getFloat(byteOffset + 4 * i);
    }

    /**
     * Resolves a rank-2 row-major contiguous float32 matrix {@code [rows, cols]}.
     *
     * @param where operation name for error messages
     * @throws ShapeMismatchException naming shape, strides, order and dtype if {@code w} is not
     *                                  of that kind (for example a column slice or a transpose)
     */
    static DirectFloats matrix(String where, INDArray w) {
        if (w == null) {
            throw new ShapeMismatchException(where + ": weight is null");
        }
        long[] shape = w.shape();
        boolean ok = w.dataType() == DataType.FLOAT && shape.length == 2;
        if (ok) {
            long rows = shape[0];
            long cols = shape[1];
            ok = (cols <= 1 || w.stride(1) == 1) && (rows <= 1 || w.stride(0) == cols);
        }
        if (!ok) {
            throw new ShapeMismatchException(where + ": weight must be a row-major contiguous float32 [out, in]"
                    + " array (a row-range view is fine) but has " + describe(w) + "; pass w.dup('c') or the"
                    + " original array");
        }
        return resolve(where, "weight", w, (int) shape[0], (int) shape[1]);
    }

    /**
     * Resolves a float32 vector of {@code length} elements with unit stride: rank 1, or rank 2
     * with one dimension equal to 1.
     */
    static DirectFloats vector(String where, String what, INDArray v, long length) {
        long[] shape = v.shape();
        boolean ok = v.dataType() == DataType.FLOAT && v.length() == length;
        if (ok) {
            if (shape.length == 1) {
                ok = length <= 1 || v.stride(0) == 1;
            } else if (shape.length == 2) {
                ok = length <= 1 || (shape[0] == 1 && v.stride(1) == 1) || (shape[1] == 1 && v.stride(0) == 1);
            } else {
                ok = false;
            }
        }
        if (!ok) {
            throw new ShapeMismatchException(where + ": " + what + " must be a contiguous float32 vector of length "
                    + length + " but has " + describe(v));
        }
        return resolve(where, what, v, 1, (int) length);
    }

    private static DirectFloats resolve(String where, String what, INDArray a, int rows, int cols) {
        if ((long) rows * cols == 0) {
            return new DirectFloats(ByteBuffer.allocate(0), 0, rows, cols);
        }
        // asNio() spans the whole allocation a view belongs to; a view's offset() is counted from its start.
        ByteBuffer bb = a.data().asNio().order(ByteOrder.LITTLE_ENDIAN);
        long first = a.offset() * 4L;
        long end = first + 4L * rows * cols;
        if (end > bb.capacity()) {
            throw new ShapeMismatchException(where + ": " + what + " " + describe(a) + " does not fit in its "
                    + bb.capacity() + "-byte direct buffer (arrays over 2 GiB are not supported)");
        }
        return new DirectFloats(bb, (int) first, rows, cols);
    }

    static String describe(INDArray a) {
        return "shape " + Arrays.toString(a.shape()) + ", strides " + Arrays.toString(a.stride()) + ", order '"
                + a.ordering() + "', dtype " + a.dataType() + (a.isView() ? " (a view)" : "");
    }
}
