package io.visage.spark;

import io.visage.core.data.DatasetPreparer;
import io.visage.core.data.DatasetStore;
import io.visage.core.data.PrepareNetworks;
import io.visage.core.data.SplitRule;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;

/**
 * {@code prepare} as a Spark job. The driver makes the plan ({@link DatasetPreparer#plan}), the
 * executors prepare the clips, grouped by video so that a video's clips run in one task, and the
 * driver writes the CSV splits and {@code ambi.json} once ({@link DatasetPreparer#finish}). Every
 * clip goes through {@link DatasetPreparer#prepareClip}, as on one machine, so the files are the same
 * bytes; a finished clip is skipped, a failing clip is reported and the others go on, and a killed
 * task or job loses only the clips it had in flight.
 *
 * <p>Inputs (videos, recordings, {@code ambi.json}, weights, configs) are paths that the driver and
 * every executor can read (local for {@code local[N]}, a shared mount on a cluster); the output is a
 * path or any Hadoop file system URI ({@link StoreLocation}).
 */
public final class SparkPrepare {
    private SparkPrepare() {}

    /** Networks and split rule: what an executor needs to build its preparer. */
    record Recipe(PrepareNetworks networks, SplitRule split) implements Serializable {}

    /**
     * Runs the job.
     *
     * @param out      dataset folder: a path or a Hadoop file system URI
     * @param progress called on the driver as clips finish (done counts arrive per finished task)
     * @throws IllegalArgumentException for a bad input folder or weights folder, before any task runs
     * @throws SparkJobException when the job itself fails (a task failed more often than Spark retries)
     */
    public static DatasetPreparer.Result run(
            JavaSparkContext sc,
            Path videos,
            Path foa,
            Path ambiJson,
            String out,
            PrepareNetworks networks,
            SplitRule split,
            DatasetPreparer.Progress progress) {
        DatasetPreparer.Plan plan = DatasetPreparer.plan(videos, foa, ambiJson);
        networks.check();
        StoreLocation location = StoreLocation.of(out, sc.hadoopConfiguration());
        DatasetStore driverStore = location.open();
        Map<String, List<ClipTask>> byVideo = new TreeMap<>();
        for (DatasetPreparer.ClipInput c : plan.clips()) {
            byVideo.computeIfAbsent(SplitRule.videoId(c.id()), k -> new ArrayList<>())
                    .add(ClipTask.of(c));
        }
        List<List<ClipTask>> groups = new ArrayList<>(byVideo.values());
        int slices = Math.max(1, Math.min(groups.size(), 4 * sc.defaultParallelism()));
        try (ExecutorPool<Recipe, PrepareNetworks.Loaded> pool = new ExecutorPool<>(
                new Recipe(networks, split), r -> r.networks().open(r.split()))) {
            Broadcast<ExecutorPool<Recipe, PrepareNetworks.Loaded>> shared = sc.broadcast(pool);
            LongAccumulator done = sc.sc().longAccumulator("clips done");
            JavaRDD<List<ClipTask>> rdd = sc.parallelize(groups, slices);
            JavaFutureAction<List<DatasetPreparer.ClipOutcome>> job = rdd.mapPartitions(it -> {
                        DatasetStore store = location.open();
                        List<DatasetPreparer.ClipOutcome> outcomes = new ArrayList<>();
                        while (it.hasNext()) {
                            for (ClipTask t : it.next()) {
                                outcomes.add(
                                        shared.value().with(l -> l.preparer().prepareClip(t.input(), store)));
                                done.add(1);
                            }
                        }
                        return outcomes.iterator();
                    })
                    .collectAsync();
            List<DatasetPreparer.ClipOutcome> outcomes =
                    SparkJobs.await(job, done, plan.clips().size(), progress, "prepare");
            shared.destroy();
            return DatasetPreparer.finish(driverStore, plan, outcomes, split);
        } catch (SparkJobException | IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new SparkJobException("prepare: " + e.getMessage(), e);
        }
    }
}
