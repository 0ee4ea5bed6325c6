package io.visage.core.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A dataset folder on a local (or NFS) file system: each file is written as a hidden
 * {@code .<name>.tmp} beside its final name and moved into place atomically.
 */
public final class LocalDatasetStore implements DatasetStore {
    private final Path root;

    public LocalDatasetStore(Path root) {
        if (root == null) {
            throw new IllegalArgumentException("dataset folder is null");
        }
        this.root = root;
    }

    public Path root() {
        return root;
    }

    @Override
    public boolean exists(String relativePath) {
        return Files.isRegularFile(resolve(relativePath));
    }

    @Override
    public void write(String relativePath, byte[] bytes) {
        Path file = resolve(relativePath);
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] readIfExists(String relativePath) {
        Path file = resolve(relativePath);
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return root.toString();
    }

    private Path resolve(String relativePath) {
        Path p = root.resolve(relativePath).normalize();
        if (!p.startsWith(root.normalize())) {
            throw new IllegalArgumentException(relativePath + ": not a path inside the dataset folder " + root);
        }
        return p;
    }
}
