package io.visage.nn;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The one place shape checks live. Every failure is a {@link ShapeMismatchException} whose
 * message says where (module path or operation), what (which tensor), what was expected and what
 * was found; expected shapes use {@code -1} for "any size".
 */
public final class Checks {
    /** Wildcard for {@link #shape}: any size on this axis. */
    public static final long ANY = -1;

    private Checks() {}

    /**
     * {@code x} itself when its shape is {@code expected} ({@link #ANY} matches any size).
     *
     * @param where module path or operation, e.g. {@code model.decoder.layers.3.fc1}
     * @param what  the tensor, e.g. {@code "input"}
     * @throws ShapeMismatchException naming both shapes (also when {@code x} is null)
     */
    public static INDArray shape(String where, String what, INDArray x, long... expected) {
        shape(where, what, x == null ? null : x.shape(), expected);
        return x;
    }

    /** {@code found} itself when it matches {@code expected} ({@link #ANY} matches any size). */
    public static long[] shape(String where, String what, long[] found, long... expected) {
        if (!matches(found, expected)) {
            throw new ShapeMismatchException(where + ": " + what + " must have shape " + describe(expected) + ", found "
                    + (found == null ? "none (null)" : Arrays.toString(found)));
        }
        return found;
    }

    /** Whether {@code found} matches {@code expected} ({@link #ANY} matches any size). */
    public static boolean matches(long[] found, long... expected) {
        if (found == null || found.length != expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != ANY && expected[i] != found[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code a} itself when it is a row-major, contiguous float32 matrix {@code [rows, cols]} (the
     * layout kernels read straight from its buffer, with any start offset).
     */
    public static INDArray rowMajorFloats(String where, String what, INDArray a, long rows, long cols) {
        boolean ok = a != null
                && a.dataType() == DataType.FLOAT
                && a.rank() == 2
                && a.size(0) == rows
                && a.size(1) == cols
                && (rows <= 1 || a.stride(0) == cols)
                && (cols <= 1 || a.stride(1) == 1);
        if (!ok) {
            throw new ShapeMismatchException(where + ": " + what + " must be a row-major contiguous float32 [" + rows
                    + ", " + cols + "] array, found "
                    + (a == null
                            ? "none (null)"
                            : a.dataType() + " " + Arrays.toString(a.shape()) + " strides "
                                    + Arrays.toString(a.stride())));
        }
        return a;
    }

    /** Fails unless {@code condition}, with {@code where: message}. */
    public static void require(boolean condition, String where, String message) {
        if (!condition) {
            throw new ShapeMismatchException(where + ": " + message);
        }
    }

    private static String describe(long[] expected) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < expected.length; i++) {
            s.append(i == 0 ? "" : ", ").append(expected[i] == ANY ? "*" : Long.toString(expected[i]));
        }
        return s.append(']').toString();
    }
}
