package io.visage.examples;

import io.visage.core.direction.CameraDirection;
import io.visage.core.generate.Sampler;
import io.visage.core.pipeline.Components;
import io.visage.core.pipeline.PipelineProgress;
import io.visage.core.pipeline.SpatialAudioGenerator;
import io.visage.core.pipeline.WeightsDirectory;
import io.visage.nn.kernel.Parallelism;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The README's embedding example, compiled with the tests so it cannot drift from the API (it
 * needs the official weights to run, so it is not executed).
 */
final class ReadmeEmbeddingExample {
    private ReadmeEmbeddingExample() {}

    static float[][] generate() {
        try (Components nets = WeightsDirectory.load(Path.of("weights")); // official files, strict loading
                Parallelism par = new Parallelism()) { // kernel threads, owned by you
            var gen = new SpatialAudioGenerator(nets, par, 8, 256);
            var opts = new SpatialAudioGenerator.Options(
                    null, // null = the model's guidance (2.5)
                    new Sampler.TopK(256, 1.0, new SplittableRandom(1115)),
                    16000);
            var r = gen.generate(Path.of("clip.mp4"), new CameraDirection(45, 90), opts, PipelineProgress.NONE);
            return r.foa(); // [4][N]: W, Y, Z, X at 16 kHz
        }
    }
}
