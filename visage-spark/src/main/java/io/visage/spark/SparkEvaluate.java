package io.visage.spark;

import io.visage.eval.report.ClipPanel;
import io.visage.eval.report.ClipScores;
import io.visage.eval.report.EvaluationProgress;
import io.visage.eval.report.SpatialEvalConfig;
import io.visage.eval.report.SpatialEvaluation;
import io.visage.eval.report.SpatialReport;
import io.visage.eval.semantic.SemanticEvaluation;
import io.visage.eval.semantic.SemanticNetworks;
import io.visage.eval.semantic.SemanticReport;
import io.visage.eval.spatial.MapIndex;
import io.visage.eval.spatial.SphericalHarmonicDecoder;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
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

    /**
     * The semantic part of {@code evaluate} as a Spark job: the batches of the plan are embedded on the
     * executors ({@link SemanticEvaluation#embedBatch}, the networks loaded once per executor slot)
     * and the driver computes FAD and KL from all outputs ({@link SemanticEvaluation#report}), so the
     * report equals the single-machine one: batch boundaries are the plan's, whatever the partitions.
     */
    public static SemanticReport semantic(
            JavaSparkContext sc, SemanticEvaluation.Plan plan, SemanticNetworks networks, EvaluationProgress progress) {
        List<Integer> batches = IntStream.range(0, plan.batchCount()).boxed().toList();
        int slices = Math.max(1, Math.min(batches.size(), 4 * sc.defaultParallelism()));
        int batchClips = plan.options().batchClips();
        int clips = plan.ids().size();
        try (ExecutorPool<SemanticNetworks, SemanticNetworks.Loaded> pool =
                new ExecutorPool<>(networks, SemanticNetworks::open)) {
            Broadcast<ExecutorPool<SemanticNetworks, SemanticNetworks.Loaded>> shared = sc.broadcast(pool);
            LongAccumulator done = sc.sc().longAccumulator("clips embedded");
            JavaFutureAction<List<SemanticEvaluation.BatchOutput>> job = sc.parallelize(batches, slices)
                    .map(b -> {
                        SemanticEvaluation.BatchOutput o =
                                shared.value().with(l -> SemanticEvaluation.embedBatch(plan, b, l.models()));
                        done.add(Math.min(clips, (b + 1) * batchClips) - b * batchClips);
                        return o;
                    })
                    .collectAsync();
            List<SemanticEvaluation.BatchOutput> outputs =
                    SparkJobs.await(job, done, clips, (d, n, id) -> progress.clipDone(d, n, id), "evaluate --semantic");
            shared.destroy();
            return SemanticEvaluation.report(plan, outputs);
        } catch (SparkJobException | IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new SparkJobException("evaluate --semantic: " + e.getMessage(), e);
        }
    }
}
