package io.visage.nn.autodiff;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Host-memory access for the kernels that rearrange data with plain loops ({@link Conv2dOp},
 * {@link MaxPool2dOp}): the direct {@link ByteBuffer} of a c-order FLOAT or DOUBLE array for
 * absolute element access and bulk copies between arrays, and bulk copies to and from Java
 * {@code float[]}/{@code double[]} ({@code asFloat()} and {@code Nd4j.create(float[])} are
 * 10-30x slower for large arrays).
 */
final class HostArrays {
    private HostArrays() {}

    /** Fails unless {@code type} is FLOAT or DOUBLE. */
    static void requireFloating(String op, DataType type) {
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new IllegalArgumentException(op + ": FLOAT or DOUBLE arrays expected, got " + type);
        }
    }

    /** The elements of {@code a} (FLOAT or DOUBLE) in c order: a {@code float[]} or a {@code double[]}. */
    static Object read(INDArray a) {
        requireFloating("read", a.dataType());
        INDArray c = contiguous(a) ? a : a.dup('c');
        int n = Math.toIntExact(c.length());
        int first = Math.toIntExact(c.offset());
        Object out;
        if (c.dataType() == DataType.DOUBLE) {
            double[] d = new double[n];
            if (n > 0) {
                bytes(c).asDoubleBuffer().get(first, d, 0, n);
            }
            out = d;
        } else {
            float[] f = new float[n];
            if (n > 0) {
                bytes(c).asFloatBuffer().get(first, f, 0, n);
            }
            out = f;
        }
        if (c != a) {
            c.close();
        }
        return out;
    }

    /** The elements of {@code a} (FLOAT or DOUBLE) in c order as float64. */
    static double[] readDoubles(INDArray a) {
        Object v = read(a);
        if (v instanceof double[] d) {
            return d;
        }
        float[] f = (float[]) v;
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static boolean contiguous(INDArray a) {
        return a.ordering() == 'c' && a.elementWiseStride() == 1 && !a.isView();
    }

    /** {@code a} itself when it is a plain c-order array, else a c-order copy (which the caller closes). */
    static INDArray cOrder(INDArray a) {
        return contiguous(a) ? a : a.dup('c');
    }

    /**
     * The host memory of {@code a}'s whole data buffer, native byte order, for absolute access:
     * element k of a {@link #cOrder} array is at byte {@code byteOffset(a) + k · elementSize(a)}.
     */
    static ByteBuffer bytes(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder());
    }

    /** Byte index of {@code a}'s first element in {@link #bytes}. */
    static int byteOffset(INDArray a) {
        return Math.toIntExact(a.offset() * elementSize(a));
    }

    /** Bytes per element (4 for FLOAT, 8 for DOUBLE). */
    static int elementSize(INDArray a) {
        return a.dataType().width();
    }

    /** A new c-order array of {@code shape} holding {@code data} (a {@code float[]} → FLOAT, {@code double[]} → DOUBLE). */
    static INDArray create(Object data, long[] shape) {
        DataType type = data instanceof double[] ? DataType.DOUBLE : DataType.FLOAT;
        INDArray a = Nd4j.createUninitialized(type, shape);
        int n = Math.toIntExact(a.length());
        if (n == 0) {
            return a;
        }
        if (data instanceof double[] d) {
            check(d.length, n);
            bytes(a).asDoubleBuffer().put(0, d, 0, n);
        } else {
            float[] f = (float[]) data;
            check(f.length, n);
            bytes(a).asFloatBuffer().put(0, f, 0, n);
        }
        return a;
    }

    private static void check(int have, int need) {
        if (have != need) {
            throw new IllegalArgumentException("HostArrays.create: " + have + " values for " + need + " elements");
        }
    }

    /** A new c-order array of {@code type} and {@code shape} from float64 values. */
    static INDArray create(double[] data, long[] shape, DataType type) {
        if (type == DataType.DOUBLE) {
            return create(data, shape);
        }
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) data[i];
        }
        return create(f, shape);
    }
}
