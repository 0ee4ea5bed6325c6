package io.visage.examples;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Names the container format of a tensor file for display ({@code visage inspect}), from its
 * content. Reading and validation are {@code io.visage.nn.io.TensorFiles}'s job; this only labels a
 * file that has already opened.
 */
final class TensorFileFormat {
    private TensorFileFormat() {}

    /** "safetensors", "pytorch-zip", "npz", "npy", "zip" or "unknown". */
    static String of(Path file) {
        byte[] head = new byte[9];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            return "unknown";
        }
        if (n >= 6 && (head[0] & 0xff) == 0x93 && head[1] == 'N' && head[2] == 'U' && head[3] == 'M'
                && head[4] == 'P' && head[5] == 'Y') {
            return "npy";
        }
        if (n >= 4 && head[0] == 'P' && head[1] == 'K') {
            return zipKind(file);
        }
        if (n == 9 && head[8] == '{') {
            long len = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (len > 1) {
                return "safetensors";
            }
        }
        return "unknown";
    }

    private static String zipKind(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            boolean allNpy = true;
            boolean any = false;
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
                String name = e.nextElement().getName();
                any = true;
                if (name.equals("data.pkl") || name.endsWith("/data.pkl")) {
                    return "pytorch-zip";
                }
                allNpy &= name.endsWith(".npy");
            }
            return any && allNpy ? "npz" : "zip";
        } catch (IOException e) {
            return "zip";
        }
    }
}
