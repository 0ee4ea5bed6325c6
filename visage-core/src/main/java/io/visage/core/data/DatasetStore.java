package io.visage.core.data;

/**
 * Where a prepared dataset's files go, by path relative to the dataset folder (as
 * {@link DatasetLayout#relative} names them). {@link LocalDatasetStore} is a folder on this
 * machine (or NFS); other implementations put the same bytes on other file systems (the Spark
 * module's Hadoop store: {@code hdfs://}, {@code s3a://}).
 *
 * <p>Every write is all or nothing: a reader sees the whole new file or no file (or, for
 * {@link #writeIfChanged}, the whole old one), never a prefix.
 */
public interface DatasetStore {
    /** Whether the file exists (a complete file: writes are atomic). */
    boolean exists(String relativePath);

    /** Writes a new file (its folders are created) or replaces an existing one, atomically. */
    void write(String relativePath, byte[] bytes);

    /** The file's bytes, or null when it does not exist. */
    byte[] readIfExists(String relativePath);

    /** The dataset folder, for messages. */
    String describe();

    /**
     * Writes the file only when it is missing or holds other bytes, so a rerun that would write the
     * same content rewrites nothing.
     *
     * @return whether the file was written
     */
    default boolean writeIfChanged(String relativePath, byte[] bytes) {
        byte[] old = readIfExists(relativePath);
        if (old != null && java.util.Arrays.equals(old, bytes)) {
            return false;
        }
        write(relativePath, bytes);
        return true;
    }
}
