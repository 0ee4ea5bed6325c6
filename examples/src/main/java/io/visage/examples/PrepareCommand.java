package io.visage.examples;

import io.visage.core.data.DatasetLayout;
import io.visage.core.data.DatasetPreparer;
import io.visage.core.data.PrepareNetworks;
import io.visage.core.data.SplitRule;
import io.visage.core.video.VideoDecoder;
import io.visage.spark.SparkContexts;
import io.visage.spark.SparkPrepare;
import io.visage.spark.StoreLocation;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code visage prepare --videos DIR --foa DIR --ambi-json FILE --out DIR [--weights DIR]}: the
 * reference's training layout computed in Java (see {@link DatasetPreparer}). With
 * {@code --weights} CLIP comes from the folder's CLIP file and DAC from its {@code weights.pth};
 * without, both are random (stderr says so): CLIP from {@code --clip-config} or a random
 * ViT-B/32, the codec from {@code --codec-config} (DAC kwargs JSON) or {@link PrepareNetworks#RANDOM_CODEC}.
 */
@Command(
        name = "prepare",
        mixinStandardHelpOptions = true,
        description = {
            "FoV videos + FOA recordings -> dac/, dac_rotated/, clip/, energy_map/ .npy, ambi.json and "
                    + "train/valid/test.csv.",
            "Splits are by video (id without its _<second> suffix), hashed with --split-seed."
        })
public final class PrepareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--videos", required = true, paramLabel = "DIR", description = "<id>.mp4 field-of-view videos")
    Path videos;

    @Option(names = "--foa", required = true, paramLabel = "DIR", description = "<id>.wav 4-channel ambiX recordings")
    Path foa;

    @Option(
            names = "--ambi-json",
            required = true,
            paramLabel = "FILE",
            description = "clip id -> [elevation_idx, azimuth_idx]")
    Path ambiJson;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "dataset folder to write; with --spark also a Hadoop file system URI (hdfs://, s3a://)")
    String out;

    @Option(
            names = "--spark",
            paramLabel = "MASTER",
            description =
                    "run as a Spark job: local[N], spark://HOST:PORT, or 'submit' under spark-submit (YARN, Kubernetes:"
                            + " the master it was given); inputs must be readable on every executor")
    String spark;

    @Option(
            names = "--weights",
            paramLabel = "DIR",
            description = {
                "folder with the DAC weights (weights.pth, or dac/ with weights.safetensors + config.json)",
                "and the CLIP checkpoint (ViT-B-32.pt, or clip/); e.g. the demo networks of docs/DEMO.md"
            })
    Path weights;

    @Option(names = "--clip-config", paramLabel = "FILE", description = "CLIP vision config JSON for the random CLIP")
    Path clipConfig;

    @Option(names = "--codec-config", paramLabel = "FILE", description = "DAC kwargs JSON for the random codec")
    Path codecConfig;

    @Option(names = "--seed", defaultValue = "0", description = "seed of random CLIP/codec (default ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--split-seed",
            defaultValue = "1115",
            description = "seed of the split hash (default ${DEFAULT-VALUE})")
    long splitSeed;

    @Option(
            names = "--valid-fraction",
            defaultValue = "0.1",
            description = "share of videos in valid (default ${DEFAULT-VALUE})")
    double validFraction;

    @Option(
            names = "--test-fraction",
            defaultValue = "0.1",
            description = "share of videos in test (default ${DEFAULT-VALUE})")
    double testFraction;

    /** What was written. */
    public record Result(DatasetPreparer.Result dataset, boolean randomClip, boolean randomCodec) {}

    @picocli.CommandLine.Mixin
    VideoDecoderOption videoDecoder = new VideoDecoderOption();

    /** Runs the command; null {@code weights} means random CLIP and codec (reported on {@code err}). */
    public static Result run(
            Path videos,
            Path foa,
            Path ambiJson,
            Path out,
            Path weights,
            Path clipConfig,
            Path codecConfig,
            long seed,
            SplitRule split,
            PrintWriter err,
            DatasetPreparer.Progress progress) {
        return run(
                videos,
                foa,
                ambiJson,
                out,
                weights,
                clipConfig,
                codecConfig,
                seed,
                split,
                VideoDecoder.AUTO,
                err,
                progress);
    }

    /** {@link #run(Path, Path, Path, Path, Path, Path, Path, long, SplitRule, PrintWriter, DatasetPreparer.Progress)} with a chosen video decoder. */
    public static Result run(
            Path videos,
            Path foa,
            Path ambiJson,
            Path out,
            Path weights,
            Path clipConfig,
            Path codecConfig,
            long seed,
            SplitRule split,
            VideoDecoder decoder,
            PrintWriter err,
            DatasetPreparer.Progress progress) {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("output folder's parent " + parent + " does not exist");
        }
        PrepareNetworks nets = networks(weights, clipConfig, codecConfig, seed, decoder);
        warnIfRandom(nets, err);
        try (PrepareNetworks.Loaded l = nets.open(split)) {
            DatasetPreparer.Result r = l.preparer().prepare(videos, foa, ambiJson, new DatasetLayout(out), progress);
            return new Result(r, nets.random(), nets.random());
        }
    }

    static PrepareNetworks networks(Path weights, Path clipConfig, Path codecConfig, long seed, VideoDecoder decoder) {
        return new PrepareNetworks(
                str(weights), str(clipConfig), str(codecConfig), seed, decoder, PrepareNetworks.DEFAULT_BATCH_FRAMES);
    }

    private static String str(Path p) {
        return p == null ? null : p.toAbsolutePath().toString();
    }

    static void warnIfRandom(PrepareNetworks nets, PrintWriter err) {
        if (nets.random()) {
            err.println("prepare: no --weights: RANDOM, UNTRAINED CLIP and DAC codec (seed " + nets.seed()
                    + "); the features and codes only exercise the pipeline");
        }
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        BlasCheck.printHint(err);
        SplitRule split = new SplitRule(validFraction, testFraction, splitSeed);
        DatasetPreparer.Result r;
        try (ProgressBar bar = ProgressBars.ascii("clips", countMp4(), err)) {
            DatasetPreparer.Progress progress = (done, n, id) -> {
                bar.maxHint(n);
                bar.stepTo(done);
            };
            if (spark != null) {
                r = runSpark(
                        spark,
                        videos,
                        foa,
                        ambiJson,
                        out,
                        networks(weights, clipConfig, codecConfig, seed, videoDecoder.get()),
                        split,
                        err,
                        progress);
            } else {
                if (StoreLocation.isUri(out)) {
                    throw new IllegalArgumentException("--out " + out
                            + " is a URI: only a Spark job (--spark MASTER) writes to Hadoop file systems");
                }
                r = run(
                                videos,
                                foa,
                                ambiJson,
                                Path.of(out),
                                weights,
                                clipConfig,
                                codecConfig,
                                seed,
                                split,
                                videoDecoder.get(),
                                err,
                                progress)
                        .dataset();
            }
        } catch (RuntimeException e) {
            err.println();
            err.println("visage prepare: " + e.getMessage());
            return 1;
        }
        err.println();
        return summarize(r, out, spec.commandLine().getOut(), err);
    }

    /**
     * {@code prepare --spark MASTER}: the same clips, files and splits as {@link #run}, computed by a
     * Spark job ({@link SparkPrepare}).
     *
     * @param out a folder or a Hadoop file system URI
     */
    public static DatasetPreparer.Result runSpark(
            String master,
            Path videos,
            Path foa,
            Path ambiJson,
            String out,
            PrepareNetworks networks,
            SplitRule split,
            PrintWriter err,
            DatasetPreparer.Progress progress) {
        warnIfRandom(networks, err);
        String where =
                StoreLocation.isUri(out) ? out : Path.of(out).toAbsolutePath().toString();
        try (JavaSparkContext sc = SparkContexts.open(master, "visage prepare")) {
            return SparkPrepare.run(
                    sc,
                    videos.toAbsolutePath(),
                    foa.toAbsolutePath(),
                    ambiJson.toAbsolutePath(),
                    where,
                    networks,
                    split,
                    progress);
        }
    }

    /**
     * Prints what a run did (skipped and failed clips on {@code err}, the totals on {@code out}).
     *
     * @return the exit code: 0, or 1 when a clip failed
     */
    static int summarize(DatasetPreparer.Result d, String where, PrintWriter out, PrintWriter err) {
        d.skipped().forEach((id, why) -> err.println("prepare: skipped " + id + ": " + why));
        d.failed().forEach((id, why) -> err.println("prepare: FAILED " + id + ": " + why));
        err.flush();
        out.printf(
                "prepare: %d clips in %s (%d prepared now, %d already there; train %d, valid %d, test %d)%s%n",
                d.prepared(),
                where,
                d.newlyPrepared(),
                d.alreadyPrepared(),
                d.splits().get("train").size(),
                d.splits().get("valid").size(),
                d.splits().get("test").size(),
                d.clipFrames() < 0
                        ? ""
                        : String.format("; %d CLIP frames, %d codec frames per clip", d.clipFrames(), d.codeFrames()));
        if (!d.failed().isEmpty()) {
            out.printf(
                    "prepare: %d clip(s) FAILED and are not in the splits (reasons above); fix them and run again:"
                            + " finished clips are kept%n",
                    d.failed().size());
        }
        out.flush();
        return d.failed().isEmpty() ? 0 : 1;
    }

    private int countMp4() {
        try (var s = Files.list(videos)) {
            return (int) s.filter(p -> p.toString().endsWith(".mp4")).count();
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }
}
