package io.visage.nn.io;

import io.visage.nn.CheckpointFormatException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A NumPy {@code .npz} archive ({@code np.savez} / {@code np.savez_compressed}): a zip of
 * {@code <name>.npy} entries, stored or deflated. Tensor names are the entry names without
 * {@code .npy}, in zip order. Every entry's .npy header is validated on open against the entry's
 * size (see {@link Npy}); an entry that is not a {@code .npy} is an error.
 */
public final class Npz extends AbstractTensorSource {
    private final ZipFile zip;
    private final Map<String, String> entryNames;
    private final Map<String, NpyFormat.Header> headers;

    private Npz(
            Path file,
            List<TensorInfo> tensors,
            ZipFile zip,
            Map<String, String> entryNames,
            Map<String, NpyFormat.Header> headers) {
        super(file, tensors);
        this.zip = zip;
        this.entryNames = entryNames;
        this.headers = headers;
    }

    /**
     * Opens an .npz and validates every member's header.
     *
     * @throws CheckpointFormatException when the archive or a member is malformed
     */
    public static Npz open(Path file) {
        ZipFile zip = RawData.openZip(file);
        try {
            List<TensorInfo> tensors = new ArrayList<>();
            Map<String, String> names = new HashMap<>();
            Map<String, NpyFormat.Header> headers = new HashMap<>();
            Enumeration<? extends ZipEntry> en = zip.entries();
            while (en.hasMoreElements()) {
                ZipEntry e = en.nextElement();
                String entry = e.getName();
                String what = "entry '" + entry + "': ";
                if (!entry.endsWith(".npy")) {
                    throw new CheckpointFormatException(file, what + "not a .npy array, so this is not an .npz");
                }
                String name = entry.substring(0, entry.length() - 4);
                if (names.containsKey(name)) {
                    throw new CheckpointFormatException(file, what + "duplicate tensor name '" + name + "'");
                }
                if (e.getSize() < 0) {
                    throw new CheckpointFormatException(file, what + "unknown uncompressed size");
                }
                NpyFormat.Header h;
                try (InputStream in = zip.getInputStream(e)) {
                    h = NpyFormat.read(in, e.getSize(), file, what);
                } catch (ZipException | EOFException x) {
                    throw new CheckpointFormatException(file, what + "cannot read: " + x.getMessage(), x);
                }
                names.put(name, entry);
                headers.put(name, h);
                tensors.add(new TensorInfo(name, h.dtype(), h.shape()));
            }
            Npz npz = new Npz(file, tensors, zip, names, headers);
            zip = null;
            return npz;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        } finally {
            if (zip != null) {
                try {
                    zip.close();
                } catch (IOException ignored) {
                    // keep the original failure
                }
            }
        }
    }

    @Override
    ByteBuffer cOrderBytes(TensorInfo info) {
        int len = RawData.checkedBytes(path(), info);
        NpyFormat.Header h = headers.get(info.name());
        String entry = entryNames.get(info.name());
        byte[] raw;
        try (InputStream in = zip.getInputStream(zip.getEntry(entry))) {
            in.skipNBytes(h.dataOffset());
            raw = RawData.readExactly(in, len, path(), "entry '" + entry + "'");
        } catch (ZipException | EOFException e) {
            throw new CheckpointFormatException(path(), "entry '" + entry + "': cannot read: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(path() + ": " + e.getMessage(), e);
        }
        return NpyFormat.toCOrder(ByteBuffer.wrap(raw), h);
    }

    @Override
    void closeResources() {
        try {
            zip.close();
        } catch (IOException e) {
            throw new UncheckedIOException(path() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes arrays as an .npz of stored (uncompressed) {@code <name>.npy} entries in map order, as
     * {@code np.savez} does; the arrays are written C order, little-endian.
     *
     * @throws IllegalArgumentException for BF16 (numpy has none) and ND4J types outside {@link DType}
     */
    public static void write(Path file, Map<String, INDArray> arrays) {
        try (OutputStream os = Files.newOutputStream(file);
                ZipOutputStream zos = new ZipOutputStream(os)) {
            for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
                byte[] npy;
                try {
                    npy = Npy.bytes(e.getValue());
                } catch (IllegalArgumentException x) {
                    throw new IllegalArgumentException("array '" + e.getKey() + "': " + x.getMessage(), x);
                }
                ZipEntry ze = new ZipEntry(e.getKey() + ".npy");
                ze.setMethod(ZipEntry.STORED);
                ze.setSize(npy.length);
                ze.setCompressedSize(npy.length);
                CRC32 crc = new CRC32();
                crc.update(npy);
                ze.setCrc(crc.getValue());
                ze.setTimeLocal(LocalDateTime.of(1980, 1, 1, 0, 0));
                zos.putNextEntry(ze);
                zos.write(npy);
                zos.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }
}
