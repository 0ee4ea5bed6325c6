package io.visage.examples.bench;

import io.visage.audio.dac.Dac;
import io.visage.audio.dac.DacCodec;
import io.visage.audio.dac.DacConfig;
import io.visage.core.clip.ClipVisionConfig;
import io.visage.core.clip.ClipVisionTransformer;
import io.visage.core.direction.CameraDirection;
import io.visage.core.frontend.VideoFeatures;
import io.visage.core.generate.Sampler;
import io.visage.core.model.ModelKind;
import io.visage.core.model.Visage;
import io.visage.core.model.VisageConfig;
import io.visage.core.pipeline.Components;
import io.visage.core.pipeline.PipelineProgress;
import io.visage.core.pipeline.SpatialAudioGenerator;
import io.visage.core.pipeline.WindowPlan;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.module.RandomParams;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How audible the joins of a long video's windows are: the full-size ViSAGe model and the
 * full-size 44.1-kHz DAC with random weights generate {@code seconds} of FOA from synthetic
 * features (random unit CLIP embeddings, random positive energy maps summing to one, camera at grid
 * (45, 90)) once per overlap, with the same features and sampling seed (top-k 256, T = 1, the
 * model's single guidance 2.5). On the W channel at 16 kHz, cut into 50-ms blocks, it compares
 * adjacent blocks: the level step |ΔdB| of their RMS and the log-spectral distance of their
 * power spectra (Welch: Hann segments of a quarter block at half-segment hops, averaged, so the
 * periodogram's own scatter does not swamp the comparison), for the pairs at a window boundary (a block overlaps the join: the
 * cut point for overlap 0, the cross-faded prompt region otherwise) against all other pairs (within
 * windows). The CLIP tower is a small random stand-in (the features are given, it never runs).
 */
public final class WindowsBench {
    /** 50-ms blocks. */
    public static final double BLOCK_SECONDS = 0.05;

    private WindowsBench() {}

    /** What to run. @param overlaps seconds, one generation each */
    public record Options(double seconds, double[] overlaps, WindowPlan.Join join, long seed, int threads) {
        public Options {
            if (!(seconds > 0) || overlaps.length == 0 || threads < 1) {
                throw new IllegalArgumentException("windows benchmark: seconds, overlaps and threads must be positive");
            }
        }
    }

    /** |ΔdB| and LSD of adjacent blocks, at the boundaries and within windows. */
    public record Metrics(Summary levelAtBoundary, Summary levelWithin, Summary lsdAtBoundary, Summary lsdWithin) {}

    /** A distribution of per-pair values. */
    public record Summary(int pairs, double mean, double median, double p95, double max) {
        static Summary of(List<Double> v) {
            if (v.isEmpty()) {
                return new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return new Summary(
                    s.length,
                    Arrays.stream(s).average().orElse(Double.NaN),
                    Stats.median(s),
                    s[(int) Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)],
                    s[s.length - 1]);
        }

        @Override
        public String toString() {
            return String.format(
                    "mean %.2f  median %.2f  p95 %.2f  max %.2f  (%d pairs)", mean, median, p95, max, pairs);
        }
    }

    /** One generation. */
    public record Run(double overlapSeconds, int windows, long decoderSteps, double seconds, int samples, Metrics m) {
        @Override
        public String toString() {
            return String.format(
                    "  overlap %.2f s: %d windows, %d decoder steps, %.1f s wall, %d samples at 16 kHz (%.3f s)%n"
                            + "    level |dB step|, boundary  %s%n"
                            + "    level |dB step|, within    %s%n"
                            + "    log-spectral dist, boundary %s%n"
                            + "    log-spectral dist, within   %s",
                    overlapSeconds,
                    windows,
                    decoderSteps,
                    seconds,
                    samples,
                    samples / 16000.0,
                    m.levelAtBoundary(),
                    m.levelWithin(),
                    m.lsdAtBoundary(),
                    m.lsdWithin());
        }
    }

    /** Measured figures. */
    public record Result(Options options, List<Run> runs, String peakRss) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(String.format(
                    "windows: %.1f s of FOA, full-size ViSAGe + DAC 44.1 kHz (random weights), top-k 256 seed %d,"
                            + " join %s; W channel at 16 kHz, adjacent 50-ms blocks (dB)",
                    options.seconds(), options.seed(), options.join().name().toLowerCase(java.util.Locale.ROOT)));
            for (Run r : runs) {
                b.append(System.lineSeparator()).append(r);
            }
            return b.append(System.lineSeparator()).append("  ").append(peakRss).toString();
        }
    }

    public static Result run(Options o, PrintWriter log) {
        VisageConfig cfg = VisageConfig.released();
        int frames = (int) Math.round(o.seconds() * cfg.clipFrameRate());
        for (double overlap : o.overlaps()) {
            WindowPlan.overlapFrames(cfg, overlap); // all checked before the long part
        }
        VideoFeatures features = features(cfg, frames, o.seed());
        log.println("building the full-size ViSAGe model and DAC with random weights ...");
        log.flush();
        ClipVisionTransformer clip;
        try (RandomParams p = new RandomParams(o.seed())) {
            clip = ClipVisionTransformer.create(p, "", new ClipVisionConfig(32, 16, 16, 1, 2, cfg.dClip()));
        }
        Visage model = Visage.random(cfg, ModelKind.AMBISONICS, 2025, DataType.FLOAT);
        List<Run> runs = new ArrayList<>();
        try (Components nets = new Components(clip, model, DacCodec.of(Dac.random(DacConfig.dac44k(), 2026)), true);
                Parallelism par = new Parallelism(o.threads())) {
            SpatialAudioGenerator gen = new SpatialAudioGenerator(nets, par, 8, 256);
            for (double overlap : o.overlaps()) {
                WindowPlan plan = WindowPlan.of(cfg, frames, overlap);
                log.printf(
                        "overlap %.2f s: %d windows, %d decoder steps ...%n",
                        overlap, plan.windows().size(), plan.decoderSteps());
                log.flush();
                long t0 = System.nanoTime();
                SpatialAudioGenerator.Result r = gen.generate(
                        features,
                        new SpatialAudioGenerator.Options(
                                null, new Sampler.TopK(256, 1.0, new SplittableRandom(1115)), 16000, overlap, o.join()),
                        PipelineProgress.NONE);
                double wall = (System.nanoTime() - t0) / 1e9;
                List<long[]> zones = new ArrayList<>();
                double scale = (double) r.outputRateHz() / r.codecRateHz();
                for (int i = 1; i < plan.windows().size(); i++) {
                    long[] z = plan.joinRegion(i);
                    zones.add(new long[] {Math.round(z[0] * scale), Math.round(z[1] * scale)});
                }
                Metrics m = measure(r.foa()[0], r.outputRateHz(), zones);
                Run run = new Run(overlap, plan.windows().size(), plan.decoderSteps(), wall, r.foa()[0].length, m);
                log.println(run);
                log.flush();
                runs.add(run);
            }
        }
        return new Result(o, runs, PeakRss.read().map(Object::toString).orElse("peak RSS unavailable"));
    }

    /** Synthetic model inputs: unit-norm Gaussian CLIP embeddings, positive energy maps summing to one. */
    static VideoFeatures features(VisageConfig cfg, int frames, long seed) {
        Random rng = new Random(seed);
        float[][] clip = new float[frames][cfg.dClip()];
        float[][] energy = new float[frames][VisageConfig.ENERGY_MAP_SIZE];
        for (int f = 0; f < frames; f++) {
            double norm = 0;
            for (int j = 0; j < clip[f].length; j++) {
                clip[f][j] = (float) rng.nextGaussian();
                norm += clip[f][j] * clip[f][j];
            }
            for (int j = 0; j < clip[f].length; j++) {
                clip[f][j] /= (float) Math.sqrt(norm);
            }
            double sum = 0;
            for (int j = 0; j < energy[f].length; j++) {
                energy[f][j] = rng.nextFloat() + 1e-3f;
                sum += energy[f][j];
            }
            for (int j = 0; j < energy[f].length; j++) {
                energy[f][j] /= (float) sum;
            }
        }
        return new VideoFeatures(
                Nd4j.createFromArray(clip),
                Nd4j.createFromArray(energy),
                Nd4j.createFromArray(new CameraDirection(45, 90).vector()));
    }

    /**
     * Adjacent-block comparisons of {@code x}: blocks of {@link #BLOCK_SECONDS} from sample 0 (the
     * last partial block is dropped); a pair is at a boundary when either block overlaps a zone
     * {@code [from, to)}, or, for an empty zone (a cut at {@code from}), when the cut lies strictly
     * inside the pair's span.
     *
     * @param zones join zones in samples of {@code x}
     */
    static Metrics measure(float[] x, int rateHz, List<long[]> zones) {
        int n = (int) Math.round(BLOCK_SECONDS * rateHz);
        int blocks = x.length / n;
        double[] level = new double[blocks];
        double[][] spectrum = new double[blocks][];
        Welch welch = new Welch(n / 4);
        for (int b = 0; b < blocks; b++) {
            double e = 0;
            for (int i = 0; i < n; i++) {
                double v = x[b * n + i];
                e += v * v;
            }
            level[b] = 10 * Math.log10(e / n + 1e-20);
            spectrum[b] = welch.powerDb(x, b * n, n);
        }
        List<Double> levelB = new ArrayList<>();
        List<Double> levelW = new ArrayList<>();
        List<Double> lsdB = new ArrayList<>();
        List<Double> lsdW = new ArrayList<>();
        for (int b = 0; b + 1 < blocks; b++) {
            long from = (long) b * n;
            long to = (long) (b + 2) * n;
            boolean boundary = false;
            for (long[] z : zones) {
                boundary |= z[1] > z[0] ? z[0] < to && z[1] > from : z[0] > from && z[0] < to;
            }
            double dl = Math.abs(level[b + 1] - level[b]);
            double lsd = 0;
            for (int k = 0; k < spectrum[b].length; k++) {
                double d = spectrum[b + 1][k] - spectrum[b][k];
                lsd += d * d;
            }
            lsd = Math.sqrt(lsd / spectrum[b].length);
            (boundary ? levelB : levelW).add(dl);
            (boundary ? lsdB : lsdW).add(lsd);
        }
        return new Metrics(Summary.of(levelB), Summary.of(levelW), Summary.of(lsdB), Summary.of(lsdW));
    }

    /**
     * Welch power spectrum in dB of a block: Hann segments of {@code m} samples every {@code m/2},
     * each by a direct DFT (bins 0 .. m/2), powers averaged over the segments.
     */
    private static final class Welch {
        private final int m;
        private final double[] window;
        private final double[][] cos;
        private final double[][] sin;

        Welch(int m) {
            this.m = m;
            int bins = m / 2 + 1;
            window = new double[m];
            cos = new double[bins][m];
            sin = new double[bins][m];
            for (int i = 0; i < m; i++) {
                window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / m);
            }
            for (int k = 0; k < bins; k++) {
                for (int i = 0; i < m; i++) {
                    double a = 2 * Math.PI * ((long) k * i % m) / m;
                    cos[k][i] = Math.cos(a);
                    sin[k][i] = Math.sin(a);
                }
            }
        }

        double[] powerDb(float[] x, int from, int n) {
            double[] power = new double[cos.length];
            int segments = 0;
            for (int s = from; s + m <= from + n; s += m / 2, segments++) {
                for (int k = 0; k < cos.length; k++) {
                    double re = 0;
                    double im = 0;
                    for (int i = 0; i < m; i++) {
                        double v = x[s + i] * window[i];
                        re += v * cos[k][i];
                        im -= v * sin[k][i];
                    }
                    power[k] += re * re + im * im;
                }
            }
            for (int k = 0; k < power.length; k++) {
                power[k] = 10 * Math.log10(power[k] / segments + 1e-20);
            }
            return power;
        }
    }
}
