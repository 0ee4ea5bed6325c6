package io.visage.nn.io;

import io.visage.nn.CheckpointFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/** Opens any supported tensor file by looking at its content, not its name. */
public final class TensorFiles {
    private TensorFiles() {}

    /**
     * Detects the format and opens the file:
     * <ul>
     *   <li>{@code \x93NUMPY} → {@link Npy};</li>
     *   <li>a zip with a {@code <stem>/data.pkl} entry → {@link TorchCheckpoint};</li>
     *   <li>a zip whose entries all end in {@code .npy} → {@link Npz};</li>
     *   <li>an 8-byte length followed by {@code '{'} → {@link Safetensors};</li>
     *   <li>a protocol-2 pickle of a long integer → {@link TorchCheckpoint} in its legacy (pre-1.6) layout.</li>
     * </ul>
     *
     * @throws CheckpointFormatException when the format is unknown or the file is malformed
     * @throws UncheckedIOException when the file cannot be read
     */
    public static TensorSource open(Path file) {
        byte[] head = new byte[9];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        if (n >= 6 && startsWith(head, NpyFormat.MAGIC)) {
            return Npy.open(file);
        }
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && (head[2] == 3 || head[2] == 5)) {
            return openZip(file);
        }
        if (n >= 3 && (head[0] & 0xff) == 0x80 && head[1] == 2 && (head[2] & 0xff) == 0x8a) {
            return TorchCheckpoint.open(file); // the legacy torch.save layout
        }
        if (n == 9 && head[8] == '{') {
            return Safetensors.open(file);
        }
        throw new CheckpointFormatException(file, "not a safetensors, PyTorch zip, .npy or .npz file");
    }

    private static TensorSource openZip(Path file) {
        boolean torch = false;
        boolean allNpy = true;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> en = zip.entries();
            while (en.hasMoreElements()) {
                String name = en.nextElement().getName();
                int slash = name.indexOf('/');
                torch |= slash > 0 && slash == name.length() - "/data.pkl".length() && name.endsWith("/data.pkl");
                allNpy &= name.endsWith(".npy");
            }
        } catch (ZipException e) {
            throw new CheckpointFormatException(file, "corrupt or truncated zip archive: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        if (torch) {
            return TorchCheckpoint.open(file);
        }
        if (allNpy) {
            return Npz.open(file);
        }
        throw new CheckpointFormatException(
                file,
                "not a safetensors, PyTorch zip, .npy or .npz file"
                        + " (a zip archive with neither <stem>/data.pkl nor only .npy entries)");
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** A short human-readable format name for a source opened here, e.g. {@code "safetensors"}. */
    public static String formatName(TensorSource source) {
        return source instanceof Safetensors
                ? "safetensors"
                : source instanceof TorchCheckpoint t
                        ? (t.isDacContainer()
                                ? "PyTorch zip checkpoint (DAC container)"
                                : t.isTorchScript() ? "PyTorch TorchScript archive" : "PyTorch zip checkpoint")
                        : source instanceof Npz
                                ? "NumPy .npz"
                                : source instanceof Npy
                                        ? "NumPy .npy"
                                        : source.getClass().getSimpleName();
    }
}
