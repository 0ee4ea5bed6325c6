package io.visage.spark;

import io.visage.core.data.DatasetStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A dataset folder on any Hadoop file system ({@code hdfs://}, {@code s3a://}, {@code file:///}).
 * A file is written under a hidden name unique to this attempt ({@code .<name>.<uuid>.tmp}) and
 * renamed into place, so two attempts of one Spark task never write into the same file and readers
 * see whole files only. For {@code file://} the raw local file system is used, so no checksum side
 * files ({@code .crc}) are written.
 *
 * <p>Replacing an existing file deletes it first (HDFS renames do not overwrite): for that moment
 * the file is absent, never partial. On object stores (S3A) a rename is a copy; the object still
 * appears whole.
 */
public final class HadoopDatasetStore implements DatasetStore {
    private final URI root;
    private final FileSystem fs;

    public HadoopDatasetStore(URI root, Configuration conf) {
        this.root = root;
        try {
            FileSystem shared = FileSystem.get(root, conf);
            // file:// goes through the checksumming LocalFileSystem, which adds .crc files; its raw
            // file system writes the bytes alone (the shared, cached instance is left as it is)
            this.fs = shared instanceof LocalFileSystem local ? local.getRawFileSystem() : shared;
        } catch (IOException e) {
            throw new UncheckedIOException(root + ": cannot open the file system: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean exists(String relativePath) {
        Path p = resolve(relativePath);
        try {
            return fs.getFileStatus(p).isFile();
        } catch (FileNotFoundException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(p + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void write(String relativePath, byte[] bytes) {
        Path file = resolve(relativePath);
        Path tmp = new Path(file.getParent(), "." + file.getName() + "." + UUID.randomUUID() + ".tmp");
        try {
            fs.mkdirs(file.getParent());
            try (OutputStream out = fs.create(tmp, true)) {
                out.write(bytes);
            }
            if (fs.exists(file) && !fs.delete(file, false)) {
                throw new IOException("cannot replace the existing file");
            }
            if (!fs.rename(tmp, file)) {
                throw new IOException("cannot rename " + tmp.getName() + " into place");
            }
        } catch (IOException e) {
            try {
                fs.delete(tmp, false);
            } catch (IOException ignored) {
                // the write already failed; the hidden temporary name is harmless
            }
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] readIfExists(String relativePath) {
        Path p = resolve(relativePath);
        try (InputStream in = fs.open(p)) {
            return in.readAllBytes();
        } catch (FileNotFoundException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(p + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return root.toString();
    }

    private Path resolve(String relativePath) {
        if (relativePath.startsWith("/") || relativePath.contains("..")) {
            throw new IllegalArgumentException(relativePath + ": not a path inside the dataset folder " + root);
        }
        return new Path(new Path(root), relativePath);
    }
}
