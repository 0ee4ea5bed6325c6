package io.visage.core.train;

import io.visage.nn.optim.StateFile;
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
        java.util.Map<String, Long> f = new java.util.LinkedHashMap<>();
        f.put("step", step);
        f.put("rng_state", rngState);
        f.put("epoch", epoch);
        f.put("position", (long) position);
        f.put("seed", seed);
        StateFile.write(file, FORMAT, f);
    }

    /** @throws io.visage.nn.CheckpointFormatException naming the file and the missing or malformed field */
    public static TrainerState read(Path file) {
        java.util.Map<String, Long> f =
                StateFile.read(file, FORMAT, "a trainer state", "step", "rng_state", "epoch", "position", "seed");
        return new TrainerState(
                f.get("step"), f.get("rng_state"), f.get("epoch"), Math.toIntExact(f.get("position")), f.get("seed"));
    }
}
