package io.visage.audio.dac.train;

import io.visage.nn.optim.StateFile;
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
        java.util.Map<String, Long> f = new java.util.LinkedHashMap<>();
        f.put("step", step);
        f.put("rng_state", rngState);
        f.put("seed", seed);
        StateFile.write(file, FORMAT, f);
    }

    /** @throws io.visage.nn.CheckpointFormatException naming the file and the missing or malformed field */
    public static CodecTrainerState read(Path file) {
        java.util.Map<String, Long> f =
                StateFile.read(file, FORMAT, "a codec trainer state", "step", "rng_state", "seed");
        return new CodecTrainerState(f.get("step"), f.get("rng_state"), f.get("seed"));
    }
}
