package io.visage.eval.semantic;

import io.visage.audio.foa.ReferenceMonoDecode;
import io.visage.audio.io.AudioBuffer;
import io.visage.audio.io.Wav;
import io.visage.eval.report.EvaluationProgress;
import io.visage.eval.report.SpatialEvaluation;
import io.visage.eval.spatial.MapIndex;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The semantic evaluation of {@code evaluate_semantic.py} (SPEC §8.2): FAD on VGGish embeddings and the
 * paired KL divergence of PaSST class distributions, for the mono decode toward the camera and for each
 * FOA channel, generated clips against ground truth.
 *
 * <p>Generated side, per top-level {@code <id>.wav} (4 channels): cut or zero-pad to
 * {@value #CLIP_SECONDS} s, decode to mono toward the camera of {@code directions} (by default with the
 * script's operator-precedence formula, {@link ReferenceMonoDecode.Variant#OPERATOR_PRECEDENCE_BUG}),
 * and split W, Y, Z, X. Ground truth: either the folder {@code data/prepare_test.py} writes
 * ({@code monodecode/ w/ y/ z/ x/} of single-channel {@code <id>.wav}) or top-level 4-channel
 * {@code <id>.wav}, prepared here the same way (resampled to the evaluation rate, cut/padded, the correct
 * decode). Every signal then goes through {@link EvaluationWaveform} to each network. Nothing is cached
 * between runs (the reference silently reuses {@code <dir>_fad_feature_cache.npy}).
 */
public final class SemanticEvaluation {
    /** {@code evaluate_semantic.py} cuts/pads every generated clip to this length. */
    public static final int CLIP_SECONDS = 5;

    /** Sub-folders of the reference, in its order; {@link #CHANNELS} are averaged into fad_mean/kld_mean. */
    public static final List<String> SUBSETS = List.of("monodecode", "w", "y", "z", "x");

    /** The FOA channels in ACN order (index = channel). */
    public static final List<String> CHANNELS = List.of("w", "y", "z", "x");

    private SemanticEvaluation() {}

    /**
     * @param sampleRateHz    rate every generated and prepared ground-truth file must have
     * @param generatedDecode the mono decode of the generated side (the reference: operator-precedence bug)
     * @param batchClips      clips embedded per network call
     */
    public record Options(int sampleRateHz, ReferenceMonoDecode.Variant generatedDecode, int batchClips)
            implements Serializable {
        public Options {
            if (sampleRateHz <= 0) {
                throw new IllegalArgumentException("sampleRateHz must be positive, was " + sampleRateHz);
            }
            Objects.requireNonNull(generatedDecode, "generatedDecode");
            if (batchClips < 1) {
                throw new IllegalArgumentException("batchClips must be at least 1, was " + batchClips);
            }
        }

        /** 16 kHz, the reference's decode, 4 clips per batch. */
        public static Options reference() {
            return new Options(
                    SpatialEvaluation.REFERENCE_SAMPLE_RATE_HZ, ReferenceMonoDecode.Variant.OPERATOR_PRECEDENCE_BUG, 4);
        }
    }

    /** The two networks: VGGish-like embeddings for the FAD, PaSST-like logits for the KL. */
    public record Models(EmbeddingModel fad, EmbeddingModel kl) {
        public Models {
            Objects.requireNonNull(fad, "fad model");
            Objects.requireNonNull(kl, "kl model");
        }
    }

    /**
     * The five signals of one clip, as {@code evaluate_semantic.py} writes them for the generated side
     * (and {@code prepare_test.py}, with the correct decode, for the ground truth).
     *
     * @param foa [4][N] at {@code sampleRateHz}
     * @return subset name → mono signal of {@code CLIP_SECONDS · sampleRateHz} samples
     */
    public static Map<String, float[]> signals(
            float[][] foa, int sampleRateHz, MapIndex camera, ReferenceMonoDecode.Variant decode) {
        int n = CLIP_SECONDS * sampleRateHz;
        float[][] cut = new float[4][];
        for (int c = 0; c < 4; c++) {
            cut[c] = Arrays.copyOf(foa[c], n);
        }
        Map<String, float[]> m = new LinkedHashMap<>();
        m.put(
                "monodecode",
                ReferenceMonoDecode.decode(
                        cut, ReferenceMonoDecode.cameraDirection(camera.row(), camera.col()), decode));
        for (int c = 0; c < 4; c++) {
            m.put(CHANNELS.get(c), cut[c]);
        }
        return m;
    }

    /**
     * Runs the evaluation: {@link #plan}, {@link #embedBatch} for each batch in order, {@link #report}.
     *
     * @param generated   folder of generated 4-channel {@code <id>.wav}
     * @param groundTruth prepared folder ({@code monodecode/ w/ y/ z/ x/}) or folder of 4-channel {@code <id>.wav}
     * @param directions  id → camera (elevation index, azimuth index), as in {@code ambi.json}
     * @throws IllegalArgumentException naming the file or folder for any bad input: missing clips on
     *     either side, missing directions, wrong channel counts or sample rates
     */
    public static SemanticReport evaluate(
            Path generated,
            Path groundTruth,
            Map<String, MapIndex> directions,
            Models models,
            Options o,
            EvaluationProgress progress) {
        return evaluate(plan(generated, groundTruth, directions, o), models, progress);
    }

    /** Runs the evaluation of a {@link #plan}. */
    public static SemanticReport evaluate(Plan plan, Models models, EvaluationProgress progress) {
        Options o = plan.options();
        List<BatchOutput> outputs = new ArrayList<>();
        for (int b = 0; b < plan.batchCount(); b++) {
            outputs.add(embedBatch(plan, b, models));
            int to = Math.min(plan.ids().size(), (b + 1) * o.batchClips());
            for (int i = b * o.batchClips(); i < to; i++) {
                progress.clipDone(i + 1, plan.ids().size(), plan.ids().get(i));
            }
        }
        return report(plan, outputs);
    }

    /**
     * The clips of an evaluation, checked, as plain values (so batches can be embedded on other
     * machines that read the same folders).
     *
     * @param ids clip ids in file order
     */
    public record Plan(
            String generated, String groundTruth, List<String> ids, Map<String, MapIndex> directions, Options options)
            implements Serializable {
        public Plan {
            ids = List.copyOf(ids);
            directions = new HashMap<>(directions);
        }

        /** Batches of {@link Options#batchClips()} clips (the last may be shorter). */
        public int batchCount() {
            return (ids.size() + options.batchClips() - 1) / options.batchClips();
        }
    }

    /**
     * Lists and checks the clips: the same ids on both sides, a camera for each.
     *
     * @throws IllegalArgumentException naming the folder or clip
     */
    public static Plan plan(Path generated, Path groundTruth, Map<String, MapIndex> directions, Options o) {
        List<Path> genWavs = SpatialEvaluation.wavs(generated);
        if (genWavs.isEmpty()) {
            throw new IllegalArgumentException(generated + ": no .wav files");
        }
        List<String> ids = genWavs.stream().map(SpatialEvaluation::id).toList();
        GroundTruthSource gt = GroundTruthSource.open(groundTruth, o.sampleRateHz());
        checkSameClips(generated, ids, groundTruth, gt.ids());
        List<String> noDirection =
                ids.stream().filter(id -> !directions.containsKey(id)).toList();
        if (!noDirection.isEmpty()) {
            throw new IllegalArgumentException("no camera direction for " + noDirection.size() + " clip(s), e.g. '"
                    + noDirection.get(0) + "' (give them in the directions file, ambi.json format)");
        }
        Map<String, MapIndex> used = new HashMap<>();
        ids.forEach(id -> used.put(id, directions.get(id)));
        return new Plan(generated.toString(), groundTruth.toString(), ids, used, o);
    }

    /**
     * The network outputs of one batch: per subset, the generated and ground-truth embeddings (one
     * {@code [frames][d]} per clip) and logits (one row per clip), in clip order.
     *
     * @param batch    index of the batch ({@link Plan#batchCount()})
     * @param warnings silent signals found in the batch
     * @param fadModel name of the embedding network
     * @param klModel  name of the classifier
     */
    public record BatchOutput(
            int batch,
            Map<String, SideOutput> generated,
            Map<String, SideOutput> groundTruth,
            List<String> warnings,
            String fadModel,
            String klModel)
            implements Serializable {}

    /** Embeddings ({@code [frames][d]} per clip) and logits (one row per clip) of one side of a subset. */
    public record SideOutput(List<float[][]> embeddings, List<float[]> logits) implements Serializable {}

    /** Embeds one batch of the plan; the result depends on the batch alone. */
    public static BatchOutput embedBatch(Plan plan, int batch, Models models) {
        Options o = plan.options();
        if (batch < 0 || batch >= plan.batchCount()) {
            throw new IllegalArgumentException("batch " + batch + " outside 0.." + (plan.batchCount() - 1));
        }
        Path generated = Path.of(plan.generated());
        GroundTruthSource gt = GroundTruthSource.open(Path.of(plan.groundTruth()), o.sampleRateHz());
        int from = batch * o.batchClips();
        int to = Math.min(plan.ids().size(), from + o.batchClips());
        Map<String, List<float[]>> genBatch = new LinkedHashMap<>();
        Map<String, List<float[]>> gtBatch = new LinkedHashMap<>();
        for (String s : SUBSETS) {
            genBatch.put(s, new ArrayList<>());
            gtBatch.put(s, new ArrayList<>());
        }
        List<String> warnings = new ArrayList<>();
        for (int i = from; i < to; i++) {
            String id = plan.ids().get(i);
            MapIndex camera = plan.directions().get(id);
            Map<String, float[]> g = signals(
                    SpatialEvaluation.readFoa(generated.resolve(id + ".wav"), o.sampleRateHz()),
                    o.sampleRateHz(),
                    camera,
                    o.generatedDecode());
            Map<String, float[]> t = gt.signals(id, camera);
            for (String s : SUBSETS) {
                genBatch.get(s).add(g.get(s));
                gtBatch.get(s).add(t.get(s));
                warnIfSilent(warnings, generated.resolve(id + ".wav") + " (" + s + ")", g.get(s));
                warnIfSilent(warnings, gt.describe(id, s), t.get(s));
            }
        }
        Map<String, SideOutput> genOut = new LinkedHashMap<>();
        Map<String, SideOutput> gtOut = new LinkedHashMap<>();
        for (String s : SUBSETS) {
            genOut.put(s, embed(genBatch.get(s), models, o.sampleRateHz()));
            gtOut.put(s, embed(gtBatch.get(s), models, o.sampleRateHz()));
        }
        return new BatchOutput(
                batch, genOut, gtOut, warnings, models.fad().name(), models.kl().name());
    }

    /**
     * FAD and KL per subset from the outputs of every batch of the plan (in any order).
     *
     * @throws IllegalArgumentException when a batch is missing or given twice
     */
    public static SemanticReport report(Plan plan, List<BatchOutput> outputs) {
        BatchOutput[] byIndex = new BatchOutput[plan.batchCount()];
        for (BatchOutput b : outputs) {
            if (b.batch() < 0 || b.batch() >= byIndex.length || byIndex[b.batch()] != null) {
                throw new IllegalArgumentException("batch " + b.batch() + " given twice or outside the plan");
            }
            byIndex[b.batch()] = b;
        }
        for (int b = 0; b < byIndex.length; b++) {
            if (byIndex[b] == null) {
                throw new IllegalArgumentException("no output for batch " + b + " of " + byIndex.length);
            }
        }
        Map<String, Sides> sides = new LinkedHashMap<>();
        for (String s : SUBSETS) {
            sides.put(s, new Sides());
        }
        List<String> warnings = new ArrayList<>();
        for (BatchOutput b : byIndex) {
            for (String s : SUBSETS) {
                sides.get(s).gen.add(b.generated().get(s));
                sides.get(s).gt.add(b.groundTruth().get(s));
            }
            warnings.addAll(b.warnings());
        }
        List<String> ids = plan.ids();
        Map<String, SemanticReport.Scores> scores = new LinkedHashMap<>();
        for (String s : SUBSETS) {
            Sides sd = sides.get(s);
            FrechetDistance.Result fad = FrechetDistance.compute(sd.gen.embeddingRows(), sd.gt.embeddingRows());
            PairedKlDivergence.Result kl = PairedKlDivergence.compute(ids, sd.gen.logitRows(), ids, sd.gt.logitRows());
            scores.put(
                    s,
                    new SemanticReport.Scores(
                            fad.distance(), fad.retried(), kl.softmax(), kl.sigmoid(), sd.gen.rows(), sd.gt.rows()));
        }
        return new SemanticReport(
                scores,
                ids.size(),
                plan.options().generatedDecode(),
                byIndex[0].fadModel(),
                byIndex[0].klModel(),
                warnings);
    }

    private static SideOutput embed(List<float[]> signals, Models m, int rateHz) {
        List<float[]> fadIn = new ArrayList<>(signals.size());
        List<float[]> klIn = new ArrayList<>(signals.size());
        for (float[] x : signals) {
            fadIn.add(EvaluationWaveform.prepare(x, rateHz, m.fad().sampleRateHz()));
            klIn.add(EvaluationWaveform.prepareForPasst(x, rateHz, m.kl().sampleRateHz()));
        }
        List<float[]> logits = new ArrayList<>();
        for (float[][] l : m.kl().embedAll(klIn)) {
            if (l.length != 1) {
                throw new IllegalStateException(
                        m.kl().name() + " returned " + l.length + " rows for one clip, expected 1");
            }
            logits.add(l[0]);
        }
        return new SideOutput(new ArrayList<>(m.fad().embedAll(fadIn)), logits);
    }

    private static void warnIfSilent(List<String> warnings, String what, float[] x) {
        if (EvaluationWaveform.isSilent(x)) {
            warnings.add(what + ": silent (constant) signal; its embeddings are those of silence");
        }
    }

    static void checkSameClips(Path genDir, List<String> gen, Path gtDir, List<String> gt) {
        TreeSet<String> onlyGen = new TreeSet<>(gen);
        onlyGen.removeAll(gt);
        TreeSet<String> onlyGt = new TreeSet<>(gt);
        onlyGt.removeAll(gen);
        if (onlyGen.isEmpty() && onlyGt.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder("generated and ground-truth clips differ:");
        if (!onlyGen.isEmpty()) {
            sb.append(' ')
                    .append(onlyGen.size())
                    .append(" only in ")
                    .append(genDir)
                    .append(" (e.g. '")
                    .append(onlyGen.first())
                    .append("')");
        }
        if (!onlyGt.isEmpty()) {
            sb.append(onlyGen.isEmpty() ? " " : "; ")
                    .append(onlyGt.size())
                    .append(" only in ")
                    .append(gtDir)
                    .append(" (e.g. '")
                    .append(onlyGt.first())
                    .append("')");
        }
        throw new IllegalArgumentException(
                sb.append("; both sides must hold the same <id>.wav files").toString());
    }

    /** The embeddings of one side of one subset, clip by clip. */
    private static final class Side {
        final List<float[][]> embeddings = new ArrayList<>();
        final List<float[]> logits = new ArrayList<>();

        void add(SideOutput o) {
            embeddings.addAll(o.embeddings());
            logits.addAll(o.logits());
        }

        int rows() {
            return embeddings.stream().mapToInt(e -> e.length).sum();
        }

        float[][] embeddingRows() {
            List<float[]> all = new ArrayList<>();
            for (float[][] e : embeddings) {
                all.addAll(Arrays.asList(e));
            }
            return all.toArray(new float[0][]);
        }

        float[][] logitRows() {
            return logits.toArray(new float[0][]);
        }
    }

    private static final class Sides {
        final Side gen = new Side();
        final Side gt = new Side();
    }

    /** Where the ground-truth signals come from. */
    private interface GroundTruthSource {
        List<String> ids();

        Map<String, float[]> signals(String id, MapIndex camera);

        String describe(String id, String subset);

        static GroundTruthSource open(Path dir, int sampleRateHz) {
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException(dir + ": not a folder");
            }
            boolean prepared = Files.isDirectory(dir.resolve(SUBSETS.get(0)));
            return prepared ? new Prepared(dir, sampleRateHz) : new Raw(dir, sampleRateHz);
        }
    }

    /** {@code data/prepare_test.py}'s output folder. */
    private record Prepared(Path dir, int sampleRateHz) implements GroundTruthSource {
        @Override
        public List<String> ids() {
            List<String> first = null;
            for (String s : SUBSETS) {
                Path sub = dir.resolve(s);
                if (!Files.isDirectory(sub)) {
                    throw new IllegalArgumentException(dir + ": has " + SUBSETS.get(0) + "/ but no " + s
                            + "/ (a prepared ground truth holds " + String.join("/, ", SUBSETS) + "/)");
                }
                List<String> ids = SpatialEvaluation.wavs(sub).stream()
                        .map(SpatialEvaluation::id)
                        .toList();
                if (first == null) {
                    first = ids;
                } else {
                    checkSameClips(dir.resolve(SUBSETS.get(0)), first, sub, ids);
                }
            }
            return first;
        }

        @Override
        public Map<String, float[]> signals(String id, MapIndex camera) {
            Map<String, float[]> m = new LinkedHashMap<>();
            for (String s : SUBSETS) {
                Path f = dir.resolve(s).resolve(id + ".wav");
                AudioBuffer a = Wav.read(f);
                if (a.sampleRate() != sampleRateHz) {
                    throw new IllegalArgumentException(f + ": sample rate " + a.sampleRate() + " Hz, expected "
                            + sampleRateHz + " Hz (the prepared ground truth is written at the evaluation rate)");
                }
                m.put(s, a.channel(0)); // WaveDataset reads the first channel
            }
            return m;
        }

        @Override
        public String describe(String id, String subset) {
            return dir.resolve(subset).resolve(id + ".wav").toString();
        }
    }

    /** Top-level 4-channel ground truth, prepared as {@code data/prepare_test.py} does. */
    private record Raw(Path dir, int sampleRateHz) implements GroundTruthSource {
        @Override
        public List<String> ids() {
            List<Path> w = SpatialEvaluation.wavs(dir);
            if (w.isEmpty()) {
                throw new IllegalArgumentException(
                        dir + ": no .wav files and no prepared sub-folders (" + String.join("/, ", SUBSETS) + "/)");
            }
            return w.stream().map(SpatialEvaluation::id).toList();
        }

        @Override
        public Map<String, float[]> signals(String id, MapIndex camera) {
            float[][] foa = SpatialEvaluation.readGroundTruthFoa(dir.resolve(id + ".wav"), sampleRateHz);
            return SemanticEvaluation.signals(foa, sampleRateHz, camera, ReferenceMonoDecode.Variant.CORRECT);
        }

        @Override
        public String describe(String id, String subset) {
            return dir.resolve(id + ".wav") + " (" + subset + ")";
        }
    }
}
