package io.visage.nn.io;

import io.visage.nn.CheckpointFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Byte-level helpers shared by the readers and writers: checked size arithmetic, strided gathers
 * into c-order little-endian bytes, and the copy between raw bytes and ND4J buffers.
 */
final class RawData {
    /** The largest tensor (in bytes) one ByteBuffer / Java array can hold. */
    static final long MAX_TENSOR_BYTES = Integer.MAX_VALUE - 8;

    private RawData() {}

    /** Element count of a shape; a negative dimension or a 64-bit overflow is a format error. */
    static long numel(Path file, String what, long[] shape) {
        boolean empty = false;
        for (long d : shape) {
            if (d < 0) {
                throw new CheckpointFormatException(
                        file, what + ": shape " + Arrays.toString(shape) + " has a negative dimension");
            }
            empty |= d == 0;
        }
        if (empty) {
            return 0; // a zero dimension makes any other dimension harmless
        }
        long n = 1;
        for (long d : shape) {
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new CheckpointFormatException(
                        file,
                        what + ": shape " + Arrays.toString(shape) + " is absurd (element count overflows 64 bits)");
            }
        }
        return n;
    }

    /** numel * element size, with overflow reported as an absurd shape. */
    static long byteSize(Path file, String what, long[] shape, DType dtype) {
        long n = numel(file, what, shape);
        try {
            return Math.multiplyExact(n, (long) dtype.bytes());
        } catch (ArithmeticException e) {
            throw new CheckpointFormatException(
                    file,
                    what + ": shape " + Arrays.toString(shape) + " of " + dtype
                            + " is absurd (byte size overflows 64 bits)");
        }
    }

    /** Rejects tensors too large for one Java buffer, naming the file and tensor. */
    static int checkedBytes(Path file, TensorInfo info) {
        long bytes = byteSize(file, "tensor '" + info.name() + "'", info.shape(), info.dtype());
        if (bytes > MAX_TENSOR_BYTES) {
            throw new CheckpointFormatException(
                    file,
                    "tensor '" + info.name() + "' has " + bytes
                            + " bytes; tensors over 2 GiB are not supported by this reader");
        }
        return (int) bytes;
    }

    /** C-order (row-major) element strides of a shape. */
    static long[] cStrides(long[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = acc;
            acc *= Math.max(shape[d], 1);
        }
        return s;
    }

    /** Fortran-order (column-major) element strides of a shape. */
    static long[] fStrides(long[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int d = 0; d < shape.length; d++) {
            s[d] = acc;
            acc *= Math.max(shape[d], 1);
        }
        return s;
    }

    /** True when walking the shape with these strides visits consecutive elements in c-order. */
    static boolean isCContiguous(long[] shape, long[] strides) {
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] == 0) {
                return true;
            }
            if (shape[d] != 1 && strides[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    /**
     * Largest element index (relative to the start) a strided view touches, or -1 for an empty view;
     * the caller has validated that shape and strides are non-negative. Overflow → ArithmeticException.
     */
    static long maxIndex(long[] shape, long[] strides) {
        long max = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 0) {
                return -1;
            }
            max = Math.addExact(max, Math.multiplyExact(shape[d] - 1, strides[d]));
        }
        return max;
    }

    /**
     * Copies a strided view into a new c-order little-endian buffer.
     *
     * @param src       element data, read with {@code srcOrder} (big-endian sources get byte-swapped)
     * @param srcOrder  byte order of the source elements
     * @param elemBytes element size (1, 2, 4 or 8)
     * @param shape     view shape
     * @param strides   view strides in elements
     * @param offset    element index (in src) of the view's first element
     */
    static ByteBuffer gather(
            ByteBuffer src, ByteOrder srcOrder, int elemBytes, long[] shape, long[] strides, long offset) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        ByteBuffer in = src.duplicate().order(srcOrder);
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(n * elemBytes)).order(ByteOrder.LITTLE_ENDIAN);
        if (n == 0) {
            return out;
        }
        int rank = shape.length;
        if (rank == 0) {
            copyElement(in, (int) (offset * elemBytes), out, 0, elemBytes);
            return out;
        }
        boolean bulk = srcOrder == ByteOrder.LITTLE_ENDIAN || elemBytes == 1;
        long inner = shape[rank - 1];
        long innerStride = strides[rank - 1];
        long[] idx = new long[rank - 1];
        long base = offset;
        int o = 0;
        while (true) {
            if (bulk && (innerStride == 1 || inner == 1)) {
                int len = (int) (inner * elemBytes);
                out.put(o, in, (int) (base * elemBytes), len);
                o += len;
            } else {
                long p = base;
                for (long i = 0; i < inner; i++, p += innerStride, o += elemBytes) {
                    copyElement(in, (int) (p * elemBytes), out, o, elemBytes);
                }
            }
            // odometer over the outer dimensions
            int d = rank - 2;
            while (d >= 0) {
                idx[d]++;
                base += strides[d];
                if (idx[d] < shape[d]) {
                    break;
                }
                base -= strides[d] * shape[d];
                idx[d] = 0;
                d--;
            }
            if (d < 0) {
                return out;
            }
        }
    }

    private static void copyElement(ByteBuffer in, int at, ByteBuffer out, int to, int elemBytes) {
        switch (elemBytes) {
            case 1 -> out.put(to, in.get(at));
            case 2 -> out.putShort(to, in.getShort(at));
            case 4 -> out.putInt(to, in.getInt(at));
            case 8 -> out.putLong(to, in.getLong(at));
            default -> throw new IllegalArgumentException("element size " + elemBytes);
        }
    }

    /** A new c-order ND4J array of the dtype, filled from c-order little-endian bytes. */
    static INDArray toArray(DType dtype, long[] shape, ByteBuffer cOrderLe) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n == 0) {
            return Nd4j.create(dtype.nd4j(), shape, 'c');
        }
        INDArray arr = Nd4j.createUninitialized(dtype.nd4j(), shape, 'c');
        ByteBuffer dst = arr.data().asNio();
        ByteBuffer src = cOrderLe.duplicate();
        if (dst.order() == ByteOrder.LITTLE_ENDIAN || dtype.bytes() == 1) {
            dst.put(0, src, src.position(), src.remaining());
        } else {
            ByteBuffer swapped = gather(src, ByteOrder.LITTLE_ENDIAN, dtype.bytes(), new long[] {n}, new long[] {1}, 0)
                    .order(ByteOrder.BIG_ENDIAN);
            dst.put(0, swapped, 0, swapped.remaining());
        }
        if (dtype == DType.BOOL) {
            for (int i = 0; i < n; i++) {
                if (dst.get(i) != 0) {
                    dst.put(i, (byte) 1);
                }
            }
        }
        return arr;
    }

    /**
     * The elements of an ND4J array as little-endian bytes in the given order ('c' or 'f'), copying
     * only when the array is a view, has the other ordering, or the platform is big-endian.
     */
    static ByteBuffer bytesOf(INDArray array, char order) {
        DataType t = array.dataType();
        DType dtype = DType.of(t);
        long n = array.length();
        if (n == 0) {
            return ByteBuffer.allocate(0);
        }
        long bytes = n * dtype.bytes();
        if (bytes > MAX_TENSOR_BYTES) {
            throw new IllegalArgumentException("array of " + bytes + " bytes is too large to write (limit 2 GiB)");
        }
        INDArray a = array;
        boolean packed = !a.isView() && a.data().length() == n && a.offset() == 0 && isDense(a, order);
        if (!packed) {
            a = array.dup(order);
        }
        ByteBuffer nio = a.data().asNio();
        ByteBuffer slice =
                nio.duplicate().position(0).limit((int) bytes).slice().order(nio.order());
        if (nio.order() == ByteOrder.LITTLE_ENDIAN || dtype.bytes() == 1) {
            return slice.order(ByteOrder.LITTLE_ENDIAN);
        }
        return gather(slice, nio.order(), dtype.bytes(), new long[] {n}, new long[] {1}, 0);
    }

    private static boolean isDense(INDArray a, char order) {
        long[] shape = a.shape();
        long[] expect = order == 'c' ? cStrides(shape) : fStrides(shape);
        long[] strides = a.stride();
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] != 1 && strides[d] != expect[d]) {
                return false;
            }
        }
        return true;
    }

    /** Reads exactly {@code buf.remaining()} bytes at a file position, or fails as truncated. */
    static void readFully(FileChannel ch, ByteBuffer buf, long position, Path file, String what) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new CheckpointFormatException(file, "file truncated while reading " + what);
            }
            pos += r;
        }
    }

    /** Reads exactly n bytes from a stream, or fails as truncated. */
    static byte[] readExactly(InputStream in, int n, Path file, String what) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new CheckpointFormatException(
                    file, what + " truncated: expected " + n + " bytes but only " + b.length + " are present");
        }
        return b;
    }

    /** Writes a whole buffer to a channel. */
    static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /**
     * Opens a zip archive (PyTorch checkpoint, .npz).
     *
     * @throws CheckpointFormatException when it is not a readable zip (corrupt or truncated)
     */
    static ZipFile openZip(Path file) {
        try {
            return new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new CheckpointFormatException(file, "corrupt or truncated zip archive: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }
}
