package io.visage.spark;

import io.visage.eval.report.ClipPanel;
import io.visage.eval.report.ClipScores;
import io.visage.eval.report.EvaluationProgress;
import io.visage.eval.report.SpatialEvalConfig;
import io.visage.eval.report.SpatialEvaluation;
import io.visage.eval.report.SpatialReport;
import io.visage.eval.spatial.MapIndex;
import io.visage.eval.spatial.SphericalHarmonicDecoder;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * The spatial part of {@code evaluate} as a Spark job: each clip is scored on an executor with
 * {@link SpatialEvaluation#evaluateClip} (its jitter seeded from the seed and the clip id, as on one
 * machine) and the driver builds the report from the scores in file order, so the report equals the
 * single-machine one. Folders are paths every executor can read (and, for images, write).
 */
public final class SparkEvaluate {
    private SparkEvaluate() {}

    /**
     * The evaluation's settings as plain values.
     *
     * @param images  folder for the per-clip PNG panels, or null
     * @param cameras clip id → camera marked in the images (may be empty)
     */
    public record Spatial(
            String generated,
            String groundTruth,
            int sampleRateHz,
            SphericalHarmonicDecoder decoder,
            long seed,
            String images,
            Map<String, MapIndex> cameras)
            implements Serializable {
        public Spatial {
            cameras = new HashMap<>(cameras);
        }

        SpatialEvaluation.Options options() {
            return new SpatialEvaluation.Options(sampleRateHz, SpatialEvalConfig.REFERENCE.withDecoder(decoder), seed);
        }
    }

    /**
     * Scores every top-level WAV of {@code s.generated()} on the cluster.
     *
     * @throws IllegalArgumentException when the folder has no WAV (before any task runs)
     * @throws SparkJobException when a clip cannot be scored (the job names the file)
     */
    public static SpatialReport spatial(JavaSparkContext sc, Spatial s, EvaluationProgress progress) {
        List<Path> wavs = SpatialEvaluation.wavs(Path.of(s.generated()));
        if (wavs.isEmpty()) {
            throw new IllegalArgumentException(s.generated() + ": no .wav files to evaluate");
        }
        List<String> files = wavs.stream().map(Path::toString).toList();
        LongAccumulator done = sc.sc().longAccumulator("clips scored");
        int slices = Math.max(1, Math.min(files.size(), 4 * sc.defaultParallelism()));
        JavaFutureAction<List<ClipScores>> job = sc.parallelize(files, slices)
                .map(f -> {
                    SpatialEvaluation.ClipEvaluation e =
                            SpatialEvaluation.evaluateClip(Path.of(f), Path.of(s.groundTruth()), s.options());
                    if (s.images() != null) {
                        String id = e.scores().id();
                        ClipPanel.write(
                                Path.of(s.images()).resolve(id + ".png"),
                                e.generated(),
                                e.groundTruth(),
                                s.options().config().grid(),
                                s.cameras().get(id));
                    }
                    done.add(1);
                    return e.scores();
                })
                .collectAsync();
        List<ClipScores> scores =
                SparkJobs.await(job, done, files.size(), (d, n, id) -> progress.clipDone(d, n, id), "evaluate");
        return SpatialEvaluation.report(scores, s.options());
    }
}
