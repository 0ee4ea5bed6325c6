package io.visage.spark;

import io.visage.core.data.DatasetStore;
import io.visage.core.data.LocalDatasetStore;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;

/**
 * Where a job writes, as a value every executor can open: a plain path is a folder on the local (or
 * NFS) file system ({@link LocalDatasetStore}); a URI with a scheme ({@code hdfs://}, {@code s3a://},
 * {@code file:///}) goes through Hadoop's {@code FileSystem} ({@link HadoopDatasetStore}) with the
 * driver's Hadoop settings.
 *
 * @param location the {@code --out} argument
 * @param hadoop   the driver's Hadoop configuration entries (used for URIs only)
 */
public record StoreLocation(String location, Map<String, String> hadoop) implements Serializable {
    public StoreLocation {
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("output location is empty");
        }
        hadoop = Map.copyOf(hadoop);
    }

    /** A location with the entries of {@code conf} (Spark's {@code hadoopConfiguration()}). */
    public static StoreLocation of(String location, Configuration conf) {
        Map<String, String> m = new TreeMap<>();
        if (isUri(location)) {
            conf.forEach(e -> m.put(e.getKey(), e.getValue()));
        }
        return new StoreLocation(location, m);
    }

    /** Whether the location names a Hadoop file system (a scheme of two or more letters before {@code :/}). */
    public static boolean isUri(String location) {
        int c = location.indexOf(":/");
        return c >= 2 && location.substring(0, c).chars().allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '+');
    }

    /** Opens the store (on the driver or on an executor). */
    public DatasetStore open() {
        if (!isUri(location)) {
            return new LocalDatasetStore(Path.of(location));
        }
        Configuration conf = new Configuration(false);
        hadoop.forEach(conf::set);
        return new HadoopDatasetStore(URI.create(location), conf);
    }
}
