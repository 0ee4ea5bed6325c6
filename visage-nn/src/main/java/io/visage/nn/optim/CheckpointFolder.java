package io.visage.nn.optim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Checkpoint folders of a training run ({@code <run>/<prefix><step>/}, {@code <run>/final/}): written
 * into a hidden {@code .<name>.tmp} sibling and swapped in with atomic moves, so that a reader or a
 * crash never sees a half-written folder (a folder of the same name is moved aside to
 * {@code .<name>.old} first and deleted after the swap).
 */
public final class CheckpointFolder {
    /** Writes a folder's files. */
    @FunctionalInterface
    public interface Contents {
        void writeInto(Path folder) throws IOException;
    }

    private CheckpointFolder() {}

    /**
     * Writes {@code parent/name} with {@code contents}, replacing a folder of that name.
     *
     * @return the folder
     * @throws UncheckedIOException naming the folder when a file cannot be written or moved
     */
    public static Path write(Path parent, String name, Contents contents) {
        Path dir = parent.resolve(name);
        Path tmp = parent.resolve("." + name + ".tmp");
        try {
            deleteTree(tmp);
            Files.createDirectories(tmp);
            contents.writeInto(tmp);
            if (Files.exists(dir)) {
                Path old = parent.resolve("." + name + ".old");
                deleteTree(old);
                Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                deleteTree(old);
            } else {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        } finally {
            try {
                deleteTree(tmp);
            } catch (IOException ignored) {
                // the hidden temporary folder is never read
            }
        }
        return dir;
    }

    /** The {@code <prefix><step>} folder with the highest step in {@code parent}, or null (also when it does not exist). */
    public static Path latest(Path parent, String prefix) {
        if (!Files.isDirectory(parent)) {
            return null;
        }
        String pattern = java.util.regex.Pattern.quote(prefix) + "\\d+";
        try (Stream<Path> s = Files.list(parent)) {
            return s.filter(p ->
                            Files.isDirectory(p) && p.getFileName().toString().matches(pattern))
                    .max(Comparator.comparingLong(
                            p -> Long.parseLong(p.getFileName().toString().substring(prefix.length()))))
                    .orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException(parent + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
