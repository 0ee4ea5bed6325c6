package io.visage.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visage.audio.foa.ReferenceMonoDecode;
import io.visage.eval.report.ClipPanel;
import io.visage.eval.report.SpatialEvalConfig;
import io.visage.eval.report.SpatialEvaluation;
import io.visage.eval.report.SpatialReport;
import io.visage.eval.semantic.SemanticEvaluation;
import io.visage.eval.semantic.SemanticNetworks;
import io.visage.eval.semantic.SemanticReport;
import io.visage.eval.spatial.MapIndex;
import io.visage.eval.spatial.SphericalHarmonicDecoder;
import io.visage.spark.SparkContexts;
import io.visage.spark.SparkEvaluate;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code visage evaluate --generated DIR --ground-truth DIR --out report.json [--images DIR]}: the
 * spatial evaluation of {@code evaluate_spatial.py} (CC and AUC-Judd on energy maps; whole clip,
 * 1 s and 0.2 s windows) with per-clip values, and optionally one PNG panel per clip. With
 * {@code --semantic --vggish FILE --passt FILE --directions ambi.json} also the semantic evaluation of
 * {@code evaluate_semantic.py} (FAD_dec, KLD_dec, FAD_avg and the per-channel values).
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = {
            "Spatial evaluation: CC and AUC-Judd between energy maps of generated and ground-truth FOA WAVs.",
            "Ground truth per clip: <id>.npz from prepare-gt, else <id>.wav (4-channel, same sample rate).",
            "Writes corr_all, auc_j_all, corr_1fps, auc_j_1fps, corr_5fps, auc_j_5fps (+ per-clip values) as JSON.",
            "--semantic adds FAD/KLD (VGGish/PaSST) for the mono decode and each channel under \"semantic\"."
        })
public final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--generated", required = true, paramLabel = "DIR", description = "folder of generated <id>.wav")
    Path generated;

    @Option(
            names = "--ground-truth",
            required = true,
            paramLabel = "DIR",
            description = "folder of <id>.npz or <id>.wav")
    Path groundTruth;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "report JSON to write")
    Path out;

    @Option(
            names = "--images",
            paramLabel = "DIR",
            description = "write <id>.png: ground truth vs generated, whole clip and per second")
    Path images;

    @Option(
            names = "--directions",
            paramLabel = "FILE",
            description = "JSON {id: [elevation_idx, azimuth_idx]} (ambi.json format) to mark the camera in images")
    Path directions;

    @Option(names = "--seed", defaultValue = "0", description = "AUC-Judd jitter seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--decoder",
            defaultValue = "REFERENCE_SQRT2",
            description = "REFERENCE_SQRT2 (parity) or SN3D (corrected); default ${DEFAULT-VALUE}")
    SphericalHarmonicDecoder decoder;

    @Option(
            names = "--sample-rate",
            defaultValue = "16000",
            description = "required WAV sample rate (default ${DEFAULT-VALUE})")
    int sampleRate;

    @Option(
            names = "--spark",
            paramLabel = "MASTER",
            description =
                    "score the clips in a Spark job: local[N], spark://HOST:PORT, or 'submit' under spark-submit (YARN,"
                            + " Kubernetes);"
                            + " the folders and weight files must be readable on every executor")
    String spark;

    @Option(
            names = "--semantic",
            description = "also compute FAD (VGGish) and KLD (PaSST) as evaluate_semantic.py does; needs --vggish,"
                    + " --passt and --directions")
    boolean semantic;

    @Option(names = "--semantic-only", description = "only the semantic evaluation (implies --semantic)")
    boolean semanticOnly;

    @Option(
            names = "--vggish",
            paramLabel = "FILE",
            description = "VGGish weights: " + SemanticModels.VGGISH_FILE + " (or .safetensors with its names)")
    Path vggish;

    @Option(
            names = "--vggish-config",
            paramLabel = "FILE",
            description = "VGGish widths (JSON); default: the released model")
    Path vggishConfig;

    @Option(
            names = "--passt",
            paramLabel = "FILE",
            description = "PaSST weights: " + SemanticModels.PASST_FILE + " (or .safetensors with its names)")
    Path passt;

    @Option(
            names = "--passt-config",
            paramLabel = "FILE",
            description = "PaSST sizes (JSON); default: the released model")
    Path passtConfig;

    @Option(
            names = "--semantic-ground-truth",
            paramLabel = "DIR",
            description = "ground truth of the semantic part: prepared (monodecode/ w/ y/ z/ x/) or 4-channel"
                    + " <id>.wav; default: --ground-truth")
    Path semanticGroundTruth;

    @Option(
            names = "--generated-decode",
            defaultValue = "OPERATOR_PRECEDENCE_BUG",
            description = "mono decode of the generated clips: OPERATOR_PRECEDENCE_BUG (evaluate_semantic.py, parity)"
                    + " or CORRECT (the ground truth's formula); default ${DEFAULT-VALUE}")
    ReferenceMonoDecode.Variant generatedDecode;

    @Option(
            names = "--semantic-batch",
            defaultValue = "4",
            description = "clips per network call (default ${DEFAULT-VALUE})")
    int semanticBatch;

    /** Typed options of the semantic part of {@link #run}. */
    public record SemanticOptions(
            Path vggish,
            Path vggishConfig,
            Path passt,
            Path passtConfig,
            Path groundTruth,
            ReferenceMonoDecode.Variant generatedDecode,
            int batchClips) {}

    /**
     * The semantic evaluation: loads both networks and returns the report ({@link #writeReport} writes
     * it).
     */
    public static SemanticReport runSemantic(
            Path generated, Path directionsFile, SemanticOptions so, int sampleRateHz, PrintWriter progressOut) {
        return runSemantic(generated, directionsFile, so, sampleRateHz, progressOut, null);
    }

    /**
     * As {@link #runSemantic(Path, Path, SemanticOptions, int, PrintWriter)}; with a Spark context the
     * batches are embedded by a Spark job ({@link SparkEvaluate#semantic}: the same report).
     *
     * @param spark null to run the networks in this JVM
     */
    public static SemanticReport runSemantic(
            Path generated,
            Path directionsFile,
            SemanticOptions so,
            int sampleRateHz,
            PrintWriter progressOut,
            JavaSparkContext spark) {
        requireDirections(directionsFile);
        Map<String, MapIndex> cameras = readDirections(directionsFile);
        SemanticEvaluation.Options eo =
                new SemanticEvaluation.Options(sampleRateHz, so.generatedDecode(), so.batchClips());
        SemanticNetworks nets = SemanticModels.networks(so.vggish(), so.vggishConfig(), so.passt(), so.passtConfig());
        SemanticEvaluation.Plan plan = SemanticEvaluation.plan(
                generated.toAbsolutePath(), so.groundTruth().toAbsolutePath(), cameras, eo);
        try (ProgressBar bar = ProgressBars.ascii("semantic", plan.ids().size(), progressOut)) {
            if (spark != null) {
                return SparkEvaluate.semantic(spark, plan, nets, (done, n, id) -> bar.stepTo(done));
            }
            try (SemanticNetworks.Loaded l = nets.open()) {
                return SemanticEvaluation.evaluate(plan, l.models(), (done, n, id) -> bar.stepTo(done));
            }
        }
    }

    private static void requireDirections(Path directionsFile) {
        if (directionsFile == null) {
            throw new IllegalArgumentException(
                    "--semantic needs --directions FILE (ambi.json: {id: [elevation_idx, azimuth_idx]}) for the mono decode");
        }
    }

    /** Typed options of {@link #run}. */
    public record Options(
            Path generated,
            Path groundTruth,
            Path out,
            Path images,
            Path directions,
            long seed,
            SphericalHarmonicDecoder decoder,
            int sampleRateHz) {}

    /** Runs the evaluation, writes the report (and images), and returns the report. */
    public static SpatialReport run(Options o, PrintWriter progressOut) {
        return run(o, progressOut, null);
    }

    /**
     * As {@link #run(Options, PrintWriter)}; with a Spark context the clips are scored by a Spark job
     * ({@link SparkEvaluate}: the same report).
     *
     * @param spark null to score the clips in this JVM
     */
    public static SpatialReport run(Options o, PrintWriter progressOut, JavaSparkContext spark) {
        SpatialReport report = evaluateSpatial(o, progressOut, spark);
        writeReport(o.out(), report, null);
        return report;
    }

    /** The spatial evaluation (and its images) without writing the report. */
    static SpatialReport evaluateSpatial(Options o, PrintWriter progressOut, JavaSparkContext spark) {
        SpatialEvaluation.Options eo = new SpatialEvaluation.Options(
                o.sampleRateHz(), SpatialEvalConfig.REFERENCE.withDecoder(o.decoder()), o.seed());
        Map<String, MapIndex> cameras = o.directions() == null ? Map.of() : readDirections(o.directions());
        if (o.images() != null) {
            createDirectories(o.images());
        }
        int total = SpatialEvaluation.wavs(o.generated()).size();
        SpatialReport report;
        try (ProgressBar bar = ProgressBars.ascii("clips", total, progressOut)) {
            if (spark != null) {
                return SparkEvaluate.spatial(
                        spark,
                        new SparkEvaluate.Spatial(
                                absolute(o.generated()),
                                absolute(o.groundTruth()),
                                o.sampleRateHz(),
                                o.decoder(),
                                o.seed(),
                                o.images() == null ? null : absolute(o.images()),
                                cameras),
                        (done, n, id) -> bar.stepTo(done));
            }
            report = SpatialEvaluation.evaluate(
                    o.generated(), o.groundTruth(), eo, (done, n, id) -> bar.stepTo(done), (id, gen, gt, scores) -> {
                        if (o.images() != null) {
                            ClipPanel.write(
                                    o.images().resolve(id + ".png"),
                                    gen,
                                    gt,
                                    eo.config().grid(),
                                    cameras.get(id));
                        }
                    });
        }
        return report;
    }

    private static String absolute(Path p) {
        return p.toAbsolutePath().toString();
    }

    static Map<String, MapIndex> readDirections(Path file) {
        try {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            Map<String, MapIndex> m = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                if (!v.isArray() || v.size() != 2) {
                    throw new IllegalArgumentException(
                            file + ": '" + e.getKey() + "' expected [elevation_idx, azimuth_idx] but found " + v);
                }
                m.put(e.getKey(), new MapIndex(v.get(0).asInt(), v.get(1).asInt()));
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long t0 = System.nanoTime();
        boolean withSemantic = semantic || semanticOnly;
        SpatialReport r = null;
        SemanticReport sr = null;
        try {
            SemanticOptions so = null;
            if (withSemantic) {
                so = new SemanticOptions(
                        vggish,
                        vggishConfig,
                        passt,
                        passtConfig,
                        semanticGroundTruth != null ? semanticGroundTruth : groundTruth,
                        generatedDecode,
                        semanticBatch);
                SemanticModels.checkFiles(vggish, passt); // before the (long) spatial part
                requireDirections(directions);
            }
            Options opts = new Options(generated, groundTruth, out, images, directions, seed, decoder, sampleRate);
            try (JavaSparkContext sc = spark == null ? null : SparkContexts.open(spark, "visage evaluate")) {
                if (!semanticOnly) {
                    r = withSemantic ? evaluateSpatial(opts, err, sc) : run(opts, err, sc);
                    err.println();
                }
                if (withSemantic) {
                    sr = runSemantic(generated, directions, so, sampleRate, err, sc);
                    err.println();
                    writeReport(out, r, sr);
                }
            }
        } catch (IllegalArgumentException
                | UncheckedIOException
                | io.visage.nn.CheckpointFormatException
                | io.visage.nn.StateDictMismatchException
                | io.visage.spark.SparkJobException e) {
            err.println();
            err.println("visage evaluate: " + e.getMessage());
            return 1;
        }
        if (r != null) {
            for (String k : SpatialReport.KEYS) {
                o.printf(Locale.ROOT, "%-11s %.4f%n", k, r.mean(k));
            }
        }
        if (sr != null) {
            o.printf(Locale.ROOT, "%-11s %.4f%n", "FAD_dec", sr.of("monodecode").fad());
            o.printf(Locale.ROOT, "%-11s %.4f%n", "KLD_dec", sr.of("monodecode").kldSoftmax());
            o.printf(Locale.ROOT, "%-11s %.4f%n", "FAD_avg", sr.fadMean());
            for (String s : SemanticEvaluation.SUBSETS) {
                o.printf(
                        Locale.ROOT,
                        "  %-10s fad %.4f  kld %.4f%n",
                        s,
                        sr.of(s).fad(),
                        sr.of(s).kldSoftmax());
            }
            sr.warnings().forEach(w -> err.println("warning: " + w));
        }
        int clips = r != null ? r.clips().size() : sr.clipCount();
        o.printf(Locale.ROOT, "%d clips in %.1f s; report: %s%n", clips, (System.nanoTime() - t0) / 1e9, out);
        return 0;
    }

    /**
     * The report file, written once: the spatial JSON (if any) with the semantic JSON (if any) under
     * {@code "semantic"}.
     */
    static void writeReport(Path file, SpatialReport spatial, SemanticReport semantic) {
        ObjectNode root = spatial != null ? spatial.toJson() : new ObjectMapper().createObjectNode();
        if (semantic != null) {
            root.set("semantic", semantic.toJson());
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }
}
