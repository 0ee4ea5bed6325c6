package io.visage.examples.bench;

import io.visage.audio.dac.Dac;
import io.visage.audio.dac.DacConfig;
import io.visage.core.clip.ClipVisionConfig;
import io.visage.core.clip.ClipVisionTransformer;
import io.visage.core.model.ModelKind;
import io.visage.core.model.Visage;
import io.visage.core.model.VisageConfig;
import io.visage.nn.module.Module;
import io.visage.nn.module.RandomParams;
import io.visage.nn.module.StateDicts;
import io.visage.nn.optim.OptimizerCheckpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A weights folder in the layout {@link io.visage.core.pipeline.WeightsDirectory} loads, filled with
 * full-size random networks (for benchmarks: real weights cannot be downloaded here):
 * {@code config.json} (the released ViSAGe config) + {@code model.safetensors} (1.4 GB, the
 * reference's state-dict names), {@code dac/weights.safetensors} + {@code dac/config.json} (DAC
 * 44.1 kHz, its default kwargs), {@code clip/model.safetensors} (ViT-B/32 image tower, OpenAI
 * {@code visual.*} names). Written once (each file atomically), reused while complete.
 */
public final class RandomWeightsFolder {
    private static final String MARKER = "RANDOM-WEIGHTS.txt";

    private RandomWeightsFolder() {}

    /** {@code dir}, written first unless it already holds a complete set. */
    public static Path ensure(Path dir, long seed, PrintWriter log) {
        try {
            if (Files.isRegularFile(dir.resolve(MARKER))) {
                return dir;
            }
            Files.createDirectories(dir.resolve("dac"));
            Files.createDirectories(dir.resolve("clip"));
            log.println("writing full-size random weights to " + dir + " (once) ...");
            log.flush();
            VisageConfig cfg = VisageConfig.released();
            Files.writeString(dir.resolve("config.json"), cfg.toJson().toPrettyString());
            write(dir.resolve("model.safetensors"), Visage.random(cfg, ModelKind.AMBISONICS, seed, DataType.FLOAT));
            Files.writeString(dir.resolve("dac/config.json"), "{}\n"); // the released 44.1 kHz model's kwargs
            write(dir.resolve("dac/weights.safetensors"), Dac.random(DacConfig.dac44k(), seed + 1));
            ClipVisionTransformer clip;
            try (RandomParams p = new RandomParams(seed + 2)) {
                clip = ClipVisionTransformer.create(p, "visual", ClipVisionConfig.VIT_B_32);
            }
            write(dir.resolve("clip/model.safetensors"), clip);
            Files.writeString(
                    dir.resolve(MARKER),
                    "Full-size networks with random weights (seed " + seed + "), written by visage bench e2e;"
                            + " the sound they make is meaningless.\n");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path file, Module m) {
        OptimizerCheckpoint.writeAtomically(file, StateDicts.arrays(m.stateDict()), Map.of("format", "pt"));
    }
}
