package io.visage.core.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visage.nn.CheckpointFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Everything besides weights and optimizer moments that a resumed run needs to continue bit for
 * bit ({@code trainer_state.json}).
 *
 * @param step     optimizer steps done
 * @param rngState {@link io.visage.nn.optim.SplitMixRandom#state()} of the training RNG
 * @param epoch    current pass over the training split (0-based)
 * @param position items of the current epoch's order already consumed
 * @param seed     the run's seed (data order per epoch derives from it)
 */
public record TrainerState(long step, long rngState, long epoch, int position, long seed) {
    public static final String FILE = "trainer_state.json";
    private static final String FORMAT = "visage4j-trainer-state";

    public void write(Path file) {
        ObjectNode n = new ObjectMapper()
                .createObjectNode()
                .put("format", FORMAT)
                .put("step", step)
                .put("rng_state", rngState)
                .put("epoch", epoch)
                .put("position", position)
                .put("seed", seed);
        try {
            Files.writeString(file, n.toPrettyString() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /** @throws CheckpointFormatException naming the file and the missing or malformed field */
    public static TrainerState read(Path file) {
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new CheckpointFormatException(file, "not readable JSON: " + e.getMessage());
        }
        if (n == null || !FORMAT.equals(n.path("format").asText())) {
            throw new CheckpointFormatException(file, "not a trainer state (expected \"format\": \"" + FORMAT + "\")");
        }
        for (String k : new String[] {"step", "rng_state", "epoch", "position", "seed"}) {
            if (!n.path(k).isIntegralNumber()) {
                throw new CheckpointFormatException(file, "field '" + k + "' is missing or not an integer");
            }
        }
        return new TrainerState(
                n.get("step").asLong(),
                n.get("rng_state").asLong(),
                n.get("epoch").asLong(),
                n.get("position").asInt(),
                n.get("seed").asLong());
    }
}
