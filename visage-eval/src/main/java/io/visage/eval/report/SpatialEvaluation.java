package io.visage.eval.report;

import io.visage.audio.io.AudioBuffer;
import io.visage.audio.io.Wav;
import io.visage.audio.resample.Resampler;
import io.visage.eval.saliency.AucJudd;
import io.visage.eval.saliency.CorrelationCoefficient;
import io.visage.eval.saliency.Jitter;
import io.visage.eval.spatial.EqualAreaSampler;
import io.visage.nn.ShapeMismatchException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

/**
 * Ground-truth preparation and evaluation of folders of FOA WAVs.
 *
 * <p>Scoring as {@code evaluate_spatial.py}: saliency = generated map, fixation source = ground
 * truth; CC and reference AUC-Judd (with jitter) on the whole clip; on each window, a window whose CC
 * or AUC is NaN (or whose AUC is undefined) is skipped and the clip's window score is the mean of the
 * others. The jitter comes from a generator seeded per clip from {@code seed} and the clip id, so
 * results do not depend on the order or the parallelism of a run.
 */
public final class SpatialEvaluation {
    /** The sample rate the reference evaluates at. */
    public static final int REFERENCE_SAMPLE_RATE_HZ = 16_000;

    private SpatialEvaluation() {}

    /**
     * @param sampleRateHz every WAV must have this rate (no resampling here)
     * @param config       evaluation constants
     * @param seed         jitter seed
     */
    public record Options(int sampleRateHz, SpatialEvalConfig config, long seed) {
        public Options {
            if (sampleRateHz <= 0) {
                throw new IllegalArgumentException("sample rate must be positive, was " + sampleRateHz);
            }
            config.fineWindowSamples(sampleRateHz); // validates the window tiling
        }

        /** 16 kHz, the reference constants, the given jitter seed. */
        public static Options reference(long seed) {
            return new Options(REFERENCE_SAMPLE_RATE_HZ, SpatialEvalConfig.REFERENCE, seed);
        }
    }

    /**
     * Scores one clip from its maps.
     *
     * @param rng jitter source for this clip's AUC values (one draw of L normals per AUC)
     */
    public static ClipScores scoreClip(String id, ClipMaps generated, ClipMaps groundTruth, RandomGenerator rng) {
        checkWindows(id, "map_1fps", generated.map1fps(), groundTruth.map1fps());
        checkWindows(id, "map_5fps", generated.map5fps(), groundTruth.map5fps());
        double corr = CorrelationCoefficient.cc(generated.map(), groundTruth.map());
        double auc = AucJudd.reference(generated.map(), groundTruth.map(), Jitter.gaussian(rng));
        double[] w1 = windowMeans(generated.map1fps(), groundTruth.map1fps(), rng);
        double[] w5 = windowMeans(generated.map5fps(), groundTruth.map5fps(), rng);
        return new ClipScores(id, corr, auc, w1[0], w1[1], w5[0], w5[1], (int) w1[2], (int) w5[2]);
    }

    private static void checkWindows(String id, String key, double[][] gen, double[][] gt) {
        if (gen.length != gt.length) {
            throw new ShapeMismatchException(id + ": '" + key + "' has " + gen.length + " generated windows but "
                    + gt.length + " ground-truth windows");
        }
    }

    /** @return {mean CC, mean AUC, skipped count} over windows */
    private static double[] windowMeans(double[][] gen, double[][] gt, RandomGenerator rng) {
        double sc = 0;
        double sa = 0;
        int n = 0;
        int skipped = 0;
        for (int w = 0; w < gen.length; w++) {
            double c = CorrelationCoefficient.cc(gen[w], gt[w]);
            double a;
            try {
                a = AucJudd.reference(gen[w], gt[w], Jitter.gaussian(rng));
            } catch (IllegalArgumentException e) {
                a = Double.NaN; // the reference catches and skips
            }
            if (Double.isNaN(c) || Double.isNaN(a)) {
                skipped++;
            } else {
                sc += c;
                sa += a;
                n++;
            }
        }
        return new double[] {n == 0 ? Double.NaN : sc / n, n == 0 ? Double.NaN : sa / n, skipped};
    }

    /** The jitter generator of one clip: depends on the seed and the id only. */
    public static RandomGenerator clipRng(long seed, String id) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + id.hashCode());
    }

    /**
     * Reads a 4-channel FOA WAV at the expected rate.
     *
     * @return [4][N]
     * @throws IllegalArgumentException naming the file, with expected and found rate or channel count
     */
    public static float[][] readFoa(Path wav, int expectedSampleRateHz) {
        AudioBuffer a = Wav.read(wav);
        if (a.sampleRate() != expectedSampleRateHz) {
            throw new IllegalArgumentException(wav + ": sample rate " + a.sampleRate() + " Hz, expected "
                    + expectedSampleRateHz + " Hz (resample the file first; the evaluation does not resample)");
        }
        if (a.channelCount() != 4) {
            throw new IllegalArgumentException(
                    wav + ": " + a.channelCount() + " channels, expected 4 (first-order ambisonics W, Y, Z, X)");
        }
        return a.channels();
    }

    /**
     * Reads a ground-truth 4-channel FOA WAV and, when its rate differs from {@code sampleRateHz},
     * resamples it as the reference's {@code prepare_test.py} does (float32 input,
     * {@code torchaudio.functional.resample} defaults, e.g. 48 kHz → 16 kHz).
     *
     * @return [4][N] at {@code sampleRateHz}
     */
    public static float[][] readGroundTruthFoa(Path wav, int sampleRateHz) {
        AudioBuffer a = Wav.read(wav);
        if (a.channelCount() != 4) {
            throw new IllegalArgumentException(
                    wav + ": " + a.channelCount() + " channels, expected 4 (first-order ambisonics W, Y, Z, X)");
        }
        return a.sampleRate() == sampleRateHz
                ? a.channels()
                : Resampler.torchaudio(a.sampleRate(), sampleRateHz).resample(a.channels());
    }

    /** Top-level {@code *.wav} files of a folder, sorted by name. */
    public static List<Path> wavs(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + ": not a folder");
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p ->
                            Files.isRegularFile(p) && p.getFileName().toString().endsWith(".wav"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        }
    }

    /** File name without {@code .wav}. */
    public static String id(Path wav) {
        String n = wav.getFileName().toString();
        return n.endsWith(".wav") ? n.substring(0, n.length() - 4) : n;
    }

    /**
     * {@code prepare_gt_energy_map.py}: one {@code <id>.npz} per top-level WAV of {@code wavDir}.
     *
     * @return the written files, in id order
     */
    public static List<Path> prepareGroundTruth(Path wavDir, Path outDir, Options o, EvaluationProgress progress) {
        List<Path> wavs = wavs(wavDir);
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new UncheckedIOException(outDir + ": " + e.getMessage(), e);
        }
        List<Path> out = new ArrayList<>();
        int done = 0;
        for (Path w : wavs) {
            ClipMaps m = ClipMaps.compute(readGroundTruthFoa(w, o.sampleRateHz()), o.sampleRateHz(), o.config());
            Path f = outDir.resolve(id(w) + ".npz");
            m.writeNpz(f);
            out.add(f);
            progress.clipDone(++done, wavs.size(), id(w));
        }
        return out;
    }

    /**
     * Ground-truth maps of a clip: {@code <id>.npz} in {@code groundTruthDir} when present
     * (prepared maps), else computed from {@code <id>.wav}.
     *
     * @throws IllegalArgumentException naming both candidate files when neither exists
     */
    public static ClipMaps groundTruth(Path groundTruthDir, String id, Options o) {
        Path npz = groundTruthDir.resolve(id + ".npz");
        if (Files.isRegularFile(npz)) {
            return ClipMaps.readNpz(
                    npz, EqualAreaSampler.sampledLength(o.config().grid()));
        }
        Path wav = groundTruthDir.resolve(id + ".wav");
        if (Files.isRegularFile(wav)) {
            return ClipMaps.compute(readGroundTruthFoa(wav, o.sampleRateHz()), o.sampleRateHz(), o.config());
        }
        throw new IllegalArgumentException(
                "no ground truth for generated clip '" + id + "': neither " + npz + " nor " + wav + " exists");
    }

    /**
     * {@code evaluate_spatial.py} on the top-level WAVs of {@code generatedDir}.
     *
     * @throws IllegalArgumentException when the folder has no WAV or a ground truth is missing
     */
    public static SpatialReport evaluate(
            Path generatedDir, Path groundTruthDir, Options o, EvaluationProgress progress) {
        return evaluate(generatedDir, groundTruthDir, o, progress, (id, gen, gt, scores) -> {});
    }

    /** Sees every clip's maps and scores as the evaluation goes (e.g. to draw pictures). */
    @FunctionalInterface
    public interface ClipObserver {
        void clip(String id, ClipMaps generated, ClipMaps groundTruth, ClipScores scores);
    }

    /** As {@link #evaluate(Path, Path, Options, EvaluationProgress)}, also calling {@code observer} per clip. */
    public static SpatialReport evaluate(
            Path generatedDir, Path groundTruthDir, Options o, EvaluationProgress progress, ClipObserver observer) {
        List<Path> wavs = wavs(generatedDir);
        if (wavs.isEmpty()) {
            throw new IllegalArgumentException(generatedDir + ": no .wav files to evaluate");
        }
        List<ClipScores> scores = new ArrayList<>();
        int done = 0;
        for (Path w : wavs) {
            ClipEvaluation e = evaluateClip(w, groundTruthDir, o);
            scores.add(e.scores());
            observer.clip(e.scores().id(), e.generated(), e.groundTruth(), e.scores());
            progress.clipDone(++done, wavs.size(), e.scores().id());
        }
        return report(scores, o);
    }

    /** One clip's maps and scores. */
    public record ClipEvaluation(ClipMaps generated, ClipMaps groundTruth, ClipScores scores) {}

    /**
     * Evaluates one generated clip against its ground truth in {@code groundTruthDir} ({@link
     * #groundTruth}); the result depends on the clip alone, so clips may be scored in any order or on
     * any machine and {@link #report} gives the same report.
     */
    public static ClipEvaluation evaluateClip(Path generatedWav, Path groundTruthDir, Options o) {
        String id = id(generatedWav);
        ClipMaps gt = groundTruth(groundTruthDir, id, o);
        ClipMaps gen = ClipMaps.compute(readFoa(generatedWav, o.sampleRateHz()), o.sampleRateHz(), o.config());
        return new ClipEvaluation(gen, gt, scoreClip(id, gen, gt, clipRng(o.seed(), id)));
    }

    /** The report of clips scored by {@link #evaluateClip}, given in the order of {@link #wavs}. */
    public static SpatialReport report(List<ClipScores> scores, Options o) {
        return SpatialReport.of(scores, o.seed(), o.config().decoder().name());
    }
}
