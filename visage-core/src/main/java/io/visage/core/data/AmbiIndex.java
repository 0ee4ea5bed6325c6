package io.visage.core.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visage.core.direction.CameraDirection;
import io.visage.nn.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reference's {@code ambi.json}: clip id → {@code [elevation_idx, azimuth_idx]} of the FoV
 * camera inside the 360° video (2° per unit).
 */
public final class AmbiIndex {
    private AmbiIndex() {}

    /**
     * Reads an {@code ambi.json}.
     *
     * @return clip id → direction, sorted by id
     * @throws ConfigException naming the file and the entry that is not a pair of valid indices
     */
    public static Map<String, CameraDirection> read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException(
                    file + ": not readable JSON (expected {\"<clip id>\": [elevation_idx, azimuth_idx], ...}): "
                            + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(
                    file + ": expected a JSON object {\"<clip id>\": [elevation_idx, azimuth_idx], ...}");
        }
        Map<String, CameraDirection> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (!v.isArray()
                    || v.size() != 2
                    || !v.get(0).canConvertToInt()
                    || !v.get(1).canConvertToInt()
                    || !v.get(0).isIntegralNumber()
                    || !v.get(1).isIntegralNumber()) {
                throw new ConfigException(file + ": entry '" + e.getKey() + "' must be [elevation_idx, azimuth_idx] "
                        + "integers but was " + v);
            }
            try {
                out.put(
                        e.getKey(),
                        new CameraDirection(v.get(0).asInt(), v.get(1).asInt()));
            } catch (ConfigException bad) {
                throw new ConfigException(file + ": entry '" + e.getKey() + "': " + bad.getMessage());
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** Writes entries as an {@code ambi.json} ({@link #toJson}). */
    public static void write(Path file, Map<String, CameraDirection> entries) {
        try {
            Files.writeString(file, toJson(entries));
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The text of an {@code ambi.json}: ids sorted, pretty-printed, a final newline. */
    public static String toJson(Map<String, CameraDirection> entries) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        for (Map.Entry<String, CameraDirection> e : new TreeMap<>(entries).entrySet()) {
            root.putArray(e.getKey())
                    .add(e.getValue().elevationIndex())
                    .add(e.getValue().azimuthIndex());
        }
        try {
            return m.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException("ambi.json: " + e.getMessage(), e);
        }
    }
}
