package io.visage.audio.dac.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visage.nn.CheckpointFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a resumed codec run needs besides weights and optimizer moments to continue exactly
 * ({@code trainer_state.json}).
 *
 * @param step     optimizer steps done
 * @param rngState {@link io.visage.nn.optim.SplitMixRandom#state()} of the run's RNG (segments and
 *                 quantizer dropout)
 * @param seed     the run's seed
 */
public record CodecTrainerState(long step, long rngState, long seed) {
    public static final String FILE = "trainer_state.json";
    private static final String FORMAT = "visage4j-codec-trainer-state";

    public void write(Path file) {
        ObjectNode n = new ObjectMapper()
                .createObjectNode()
                .put("format", FORMAT)
                .put("step", step)
                .put("rng_state", rngState)
                .put("seed", seed);
        try {
            Files.writeString(file, n.toPrettyString() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /** @throws CheckpointFormatException naming the file and the missing or malformed field */
    public static CodecTrainerState read(Path file) {
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new CheckpointFormatException(file, "not readable JSON: " + e.getMessage());
        }
        if (n == null || !FORMAT.equals(n.path("format").asText())) {
            throw new CheckpointFormatException(
                    file, "not a codec trainer state (expected \"format\": \"" + FORMAT + "\")");
        }
        for (String k : new String[] {"step", "rng_state", "seed"}) {
            if (!n.path(k).isIntegralNumber()) {
                throw new CheckpointFormatException(file, "field '" + k + "' is missing or not an integer");
            }
        }
        return new CodecTrainerState(
                n.get("step").asLong(),
                n.get("rng_state").asLong(),
                n.get("seed").asLong());
    }
}
