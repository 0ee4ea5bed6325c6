package io.visage.nn.io;

import io.visage.nn.CheckpointFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The format-independent half of a {@link TensorSource}: the ordered tensor table, lookups, and
 * the conversions from c-order little-endian bytes to arrays. A format supplies only
 * {@link #cOrderBytes(TensorInfo)}.
 */
abstract class AbstractTensorSource implements TensorSource {
    private final Path path;
    private final Map<String, TensorInfo> infos;
    private final List<TensorInfo> ordered;
    private volatile boolean closed;

    AbstractTensorSource(Path path, List<TensorInfo> tensorsInFileOrder) {
        this.path = path;
        Map<String, TensorInfo> m = new LinkedHashMap<>();
        for (TensorInfo t : tensorsInFileOrder) {
            if (m.put(t.name(), t) != null) {
                throw new CheckpointFormatException(path, "duplicate tensor name '" + t.name() + "'");
            }
        }
        this.infos = Collections.unmodifiableMap(m);
        this.ordered = List.copyOf(tensorsInFileOrder);
    }

    /**
     * The tensor's elements as c-order little-endian bytes: a buffer whose remaining bytes are exactly
     * {@code numel * dtype.bytes()}, position 0, order little-endian. May be a read-only view.
     */
    abstract ByteBuffer cOrderBytes(TensorInfo info);

    @Override
    public Path path() {
        return path;
    }

    @Override
    public List<TensorInfo> tensors() {
        return ordered;
    }

    @Override
    public boolean contains(String name) {
        return infos.containsKey(name);
    }

    @Override
    public TensorInfo info(String name) {
        TensorInfo t = infos.get(name);
        if (t == null) {
            throw new NoSuchElementException(path + ": no tensor named '" + name + "'"
                    + (infos.isEmpty() ? " (the file holds no tensors)" : ""));
        }
        return t;
    }

    @Override
    public INDArray load(String name) {
        TensorInfo t = info(name);
        if (closed) {
            throw new IllegalStateException(path + ": source is closed");
        }
        INDArray direct = readDirect(t);
        return direct != null ? direct : RawData.toArray(t.dtype(), t.shape(), bytes(t));
    }

    /**
     * The tensor as a new c-order array filled straight from the file, without an intermediate
     * buffer, or null when this source cannot (the default; then {@link #cOrderBytes} is used).
     */
    INDArray readDirect(TensorInfo t) {
        return null;
    }

    @Override
    public float[] floats(String name) {
        TensorInfo t = info(name);
        if (!t.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(
                    path + ": tensor '" + name + "' is " + t.dtype() + ", not floating point; use longs()");
        }
        ByteBuffer b = bytes(t);
        int n = b.remaining() / t.dtype().bytes();
        float[] out = new float[n];
        switch (t.dtype()) {
            case F32 -> b.asFloatBuffer().get(out);
            case F64 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) b.getDouble(i * 8);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = HalfFloats.f16ToF32(b.getShort(i * 2));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = HalfFloats.bf16ToF32(b.getShort(i * 2));
                }
            }
            default -> throw new AssertionError(t.dtype());
        }
        return out;
    }

    @Override
    public double[] doubles(String name) {
        TensorInfo t = info(name);
        if (!t.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(
                    path + ": tensor '" + name + "' is " + t.dtype() + ", not floating point; use longs()");
        }
        if (t.dtype() == DType.F64) {
            ByteBuffer b = bytes(t);
            double[] out = new double[b.remaining() / 8];
            b.asDoubleBuffer().get(out);
            return out;
        }
        float[] f = floats(name);
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i];
        }
        return out;
    }

    @Override
    public long[] longs(String name) {
        TensorInfo t = info(name);
        if (t.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(path + ": tensor '" + name + "' is " + t.dtype()
                    + ", not an integer or bool type; use floats() or doubles()");
        }
        ByteBuffer b = bytes(t);
        int n = b.remaining() / t.dtype().bytes();
        long[] out = new long[n];
        switch (t.dtype()) {
            case I64 -> b.asLongBuffer().get(out);
            case I32 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getInt(i * 4);
                }
            }
            case I16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.getShort(i * 2);
                }
            }
            case I8 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.get(i);
                }
            }
            case U8 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.get(i) & 0xff;
                }
            }
            case BOOL -> {
                for (int i = 0; i < n; i++) {
                    out[i] = b.get(i) != 0 ? 1 : 0;
                }
            }
            default -> throw new AssertionError(t.dtype());
        }
        return out;
    }

    /** Raw c-order bytes, checked for size and ready for absolute little-endian reads from index 0. */
    private ByteBuffer bytes(TensorInfo t) {
        if (closed) {
            throw new IllegalStateException(path + ": source is closed");
        }
        int expected = RawData.checkedBytes(path, t);
        ByteBuffer b = cOrderBytes(t);
        if (b.remaining() != expected) {
            throw new IllegalStateException(
                    path + ": tensor '" + t.name() + "' read " + b.remaining() + " bytes, expected " + expected);
        }
        return b.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void close() {
        closed = true;
        closeResources();
    }

    /** Releases file handles; called once by {@link #close()}. */
    void closeResources() {}
}
