package io.visage.examples.bench;

import io.visage.eval.semantic.EmbeddingModel;
import io.visage.eval.semantic.EvaluationWaveform;
import io.visage.eval.semantic.passt.Passt;
import io.visage.eval.semantic.passt.PasstConfig;
import io.visage.eval.semantic.vggish.Vggish;
import io.visage.eval.semantic.vggish.VggishConfig;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.module.RandomParams;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Embedding extraction of the semantic evaluation at full size (random weights): {@code clips} 5-s
 * 16 kHz clips through VGGish (FAD) and PaSST (KL), prepared as the evaluation prepares them, in
 * batches. One folder side of one subset; a whole evaluation runs this ten times (five subsets, two
 * sides).
 */
public final class SemanticBench {
    /**
     * @param clips      clips to embed
     * @param batchClips clips per network call
     * @param seed       weights and audio
     */
    public record Options(int clips, int batchClips, long seed) {
        public Options {
            if (clips < 1 || batchClips < 1) {
                throw new IllegalArgumentException("clips and batch must be at least 1");
            }
        }
    }

    private SemanticBench() {}

    static float[] clip(SplittableRandom rng, int n, int rate) {
        float[] x = new float[n];
        double f = 100 + 2000 * rng.nextDouble();
        for (int t = 0; t < n; t++) {
            x[t] = (float) (0.3 * Math.sin(2 * Math.PI * f * t / rate) + 0.05 * rng.nextGaussian());
        }
        return x;
    }

    /** Runs the benchmark and returns its report (one line per model). */
    public static String run(Options o, PrintWriter progress) {
        int rate = 16_000;
        SplittableRandom rng = new SplittableRandom(o.seed());
        List<float[]> clips = new ArrayList<>();
        for (int i = 0; i < o.clips(); i++) {
            clips.add(clip(rng, 5 * rate, rate));
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "semantic embeddings: %d clips of 5 s, batches of %d, %d threads%n",
                o.clips(),
                o.batchClips(),
                Runtime.getRuntime().availableProcessors()));
        long t0 = System.nanoTime();
        EmbeddingModel vggish;
        Passt passt;
        try (RandomParams p = new RandomParams(o.seed())) {
            vggish = Vggish.create(p, VggishConfig.full(), false);
            passt = Passt.create(p, PasstConfig.full());
        }
        sb.append(String.format(Locale.ROOT, "  random full-size weights: %.1f s%n", (System.nanoTime() - t0) / 1e9));
        sb.append(time("vggish", vggish, clips, rate, o.batchClips(), false, progress));
        try (Parallelism par = new Parallelism()) {
            sb.append(time("passt", passt.withParallelism(par), clips, rate, o.batchClips(), true, progress));
        }
        PeakRss.read()
                .ifPresent(u -> sb.append("  ").append(u).append(" (both networks' weights, JVM, activations)\n"));
        return sb.toString();
    }

    private static String time(
            String label,
            EmbeddingModel m,
            List<float[]> clips,
            int rate,
            int batch,
            boolean passt,
            PrintWriter progress) {
        double[] perBatch = new double[(clips.size() + batch - 1) / batch];
        long start = System.nanoTime();
        int rows = 0;
        for (int from = 0, b = 0; from < clips.size(); from += batch, b++) {
            long t = System.nanoTime();
            List<float[]> in = new ArrayList<>();
            for (float[] c : clips.subList(from, Math.min(clips.size(), from + batch))) {
                in.add(
                        passt
                                ? EvaluationWaveform.prepareForPasst(c, rate, m.sampleRateHz())
                                : EvaluationWaveform.prepare(c, rate, m.sampleRateHz()));
            }
            for (float[][] e : m.embedAll(in)) {
                rows += e.length;
            }
            perBatch[b] = (System.nanoTime() - t) / 1e9 / in.size();
            progress.printf(Locale.ROOT, "\r  %s %d/%d", label, Math.min(clips.size(), from + batch), clips.size());
            progress.flush();
        }
        progress.println();
        double total = (System.nanoTime() - start) / 1e9;
        return String.format(
                Locale.ROOT,
                "  %-7s %6.1f s for %d clips (%d rows): %.3f s per clip (median over batches %.3f), %.1f clips/s;"
                        + " a whole evaluation (5 subsets x 2 sides) of %d clips: %.0f s%n",
                label,
                total,
                clips.size(),
                rows,
                total / clips.size(),
                Stats.median(perBatch),
                clips.size() / total,
                clips.size(),
                10 * total);
    }
}
