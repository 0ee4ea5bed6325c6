package io.visage.nn.autodiff;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Copies between ND4J arrays and Java primitive arrays for kernels that rearrange data with plain
 * loops ({@link Conv2dOp}, {@link MaxPool2dOp}): a FLOAT array becomes a {@code float[]}, a DOUBLE
 * array a {@code double[]}, both in c order. Code that only moves elements ({@link
 * System#arraycopy}) handles either as an {@code Object}.
 */
final class HostArrays {
    private HostArrays() {}

    /** Fails unless {@code type} is FLOAT or DOUBLE. */
    static void requireFloating(String op, DataType type) {
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new IllegalArgumentException(op + ": FLOAT or DOUBLE arrays expected, got " + type);
        }
    }

    /** The elements of {@code a} in c order: a {@code float[]} for FLOAT, a {@code double[]} for DOUBLE. */
    static Object read(INDArray a) {
        INDArray c = contiguous(a) ? a : a.dup('c');
        Object out =
                a.dataType() == DataType.DOUBLE ? c.data().asDouble() : c.data().asFloat();
        if (c != a) {
            c.close();
        }
        return out;
    }

    /** The elements of {@code a} in c order as float64. */
    static double[] readDoubles(INDArray a) {
        INDArray c = contiguous(a) ? a : a.dup('c');
        double[] out = c.data().asDouble();
        if (c != a) {
            c.close();
        }
        return out;
    }

    private static boolean contiguous(INDArray a) {
        return !a.isView() && a.ordering() == 'c' && a.offset() == 0 && a.data().length() == a.length();
    }

    /** A zero-filled {@code float[]} or {@code double[]} of {@code n} elements for {@code type}. */
    static Object allocate(DataType type, int n) {
        return type == DataType.DOUBLE ? new double[n] : new float[n];
    }

    /** A new c-order array of {@code shape} holding {@code data} (a {@code float[]} or {@code double[]}). */
    static INDArray create(Object data, long[] shape) {
        return data instanceof double[] d ? Nd4j.create(d, shape, 'c') : Nd4j.create((float[]) data, shape, 'c');
    }

    /** A new c-order array of {@code type} and {@code shape} from float64 values. */
    static INDArray create(double[] data, long[] shape, DataType type) {
        INDArray a = Nd4j.create(data, shape, 'c');
        if (type == DataType.DOUBLE) {
            return a;
        }
        INDArray cast = a.castTo(type);
        a.close();
        return cast;
    }
}
