package io.visage.nn.optim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visage.nn.CheckpointFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A trainer's small state file: a JSON object with a {@code "format"} tag and integer fields
 * (step, RNG state, seed, ...), as the trainers' {@code trainer_state.json}.
 */
public final class StateFile {
    private StateFile() {}

    /** Writes {@code {"format": format, <fields in order>}}. */
    public static void write(Path file, String format, Map<String, Long> fields) {
        ObjectNode n = new ObjectMapper().createObjectNode().put("format", format);
        fields.forEach(n::put);
        try {
            Files.writeString(file, n.toPrettyString() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the integer {@code fields} of a file written by {@link #write} with {@code format}.
     *
     * @param what what the file is, for the error ("a trainer state")
     * @throws CheckpointFormatException naming the file and the wrong format or the missing or malformed field
     */
    public static Map<String, Long> read(Path file, String format, String what, String... fields) {
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new CheckpointFormatException(file, "not readable JSON: " + e.getMessage());
        }
        if (n == null || !format.equals(n.path("format").asText())) {
            throw new CheckpointFormatException(file, "not " + what + " (expected \"format\": \"" + format + "\")");
        }
        Map<String, Long> out = new LinkedHashMap<>();
        for (String k : fields) {
            if (!n.path(k).isIntegralNumber()) {
                throw new CheckpointFormatException(file, "field '" + k + "' is missing or not an integer");
            }
            out.put(k, n.get(k).asLong());
        }
        return out;
    }
}
