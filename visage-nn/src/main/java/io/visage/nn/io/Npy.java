package io.visage.nn.io;

import io.visage.nn.CheckpointFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One NumPy {@code .npy} array as a {@link TensorSource} holding a single tensor named after the file
 * (without {@code .npy}).
 *
 * <p>Reads format versions 1.0, 2.0 and 3.0; dtypes {@code f2 f4 f8 i1 i2 i4 i8 u1 b1}, little- or
 * big-endian (big-endian data is byte-swapped on load); C or Fortran order (Fortran data is
 * reordered to c-order on load). The header is validated before anything is allocated: magic,
 * version, header length against the file, the dict literal's syntax and keys, dtype, and the data
 * size implied by the shape against the bytes actually present. Object arrays (pickles) are refused.
 * Data is memory-mapped on load.
 */
public final class Npy extends AbstractTensorSource {
    private final FileChannel channel;
    private final NpyFormat.Header header;

    private Npy(Path file, String name, NpyFormat.Header header, FileChannel channel) {
        super(file, List.of(new TensorInfo(name, header.dtype(), header.shape())));
        this.header = header;
        this.channel = channel;
    }

    /**
     * Opens and validates a .npy file.
     *
     * @throws CheckpointFormatException when the file is malformed or of an unsupported dtype
     */
    public static Npy open(Path file) {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
            InputStream in = Channels.newInputStream(ch);
            NpyFormat.Header h = NpyFormat.read(in, ch.size(), file, "");
            String name = file.getFileName().toString();
            if (name.endsWith(".npy")) {
                name = name.substring(0, name.length() - 4);
            }
            Npy npy = new Npy(file, name, h, ch);
            ch = null;
            return npy;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        } finally {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // keep the original failure
                }
            }
        }
    }

    /** Reads a .npy file into a c-order ND4J array of its dtype. */
    public static INDArray read(Path file) {
        try (Npy npy = open(file)) {
            return npy.load(npy.name());
        }
    }

    /** The single tensor's name (the file name without {@code .npy}). */
    public String name() {
        return tensors().get(0).name();
    }

    /** True when the file stores its data in Fortran (column-major) order. */
    public boolean fortranOrder() {
        return header.fortran();
    }

    /** The byte order of the stored data. */
    public ByteOrder byteOrder() {
        return header.order();
    }

    @Override
    ByteBuffer cOrderBytes(TensorInfo info) {
        int len = RawData.checkedBytes(path(), info);
        try {
            ByteBuffer raw = len == 0
                    ? ByteBuffer.allocate(0)
                    : channel.map(FileChannel.MapMode.READ_ONLY, header.dataOffset(), len);
            return NpyFormat.toCOrder(raw, header);
        } catch (IOException e) {
            throw new UncheckedIOException(path() + ": " + e.getMessage(), e);
        }
    }

    @Override
    void closeResources() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(path() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The .npy header (magic, version, dictionary, padding) of a C-order array, for writers that
     * stream the data themselves after it: {@code dtype.bytes() · ∏shape} little-endian bytes.
     */
    public static byte[] header(DType dtype, long... shape) {
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + java.util.Arrays.toString(shape));
            }
        }
        return NpyFormat.header(dtype, shape.clone(), false);
    }

    /** Writes an array as .npy (format 1.0, or 2.0 for huge headers), little-endian, C order. */
    public static void write(Path file, INDArray array) {
        write(file, array, 'c');
    }

    /**
     * Writes an array as .npy in the given element order.
     *
     * @param order {@code 'c'} (row-major) or {@code 'f'} (Fortran, column-major)
     * @throws IllegalArgumentException for BF16 (numpy has none) and ND4J types outside {@link DType}
     */
    public static void write(Path file, INDArray array, char order) {
        if (order != 'c' && order != 'f') {
            throw new IllegalArgumentException("order must be 'c' or 'f' but was '" + order + "'");
        }
        DType dtype = DType.of(array.dataType());
        byte[] header = NpyFormat.header(dtype, array.shape(), order == 'f');
        ByteBuffer data = RawData.bytesOf(array, order);
        try (FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            RawData.writeFully(ch, ByteBuffer.wrap(header));
            RawData.writeFully(ch, data.duplicate());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The bytes {@link #write(Path, INDArray)} writes, for writers that store them elsewhere (an
     * {@code .npz} entry, another file system). Limited to arrays below 2 GiB.
     */
    public static byte[] bytes(INDArray array) {
        DType dtype = DType.of(array.dataType());
        byte[] header = NpyFormat.header(dtype, array.shape(), false);
        ByteBuffer data = RawData.bytesOf(array, 'c');
        byte[] out = new byte[Math.addExact(header.length, data.remaining())];
        System.arraycopy(header, 0, out, 0, header.length);
        data.duplicate().get(out, header.length, data.remaining());
        return out;
    }
}
