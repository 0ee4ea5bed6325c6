package io.visage.examples.bench;

import io.visage.core.generate.Conditions;
import io.visage.core.generate.DecodingSession;
import io.visage.core.generate.Generator;
import io.visage.core.generate.Guidance;
import io.visage.core.generate.Sampler;
import io.visage.core.model.ModelKind;
import io.visage.core.model.Visage;
import io.visage.core.model.VisageConfig;
import io.visage.core.pattern.CodePattern;
import io.visage.nn.kernel.MatVecs;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.kernel.WeightFormat;
import java.io.PrintWriter;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Generation with the full-size ambisonics model (random weights, released {@code config.json}):
 * single guidance (2 branches as rows of one decoder state), N steps from an empty cache exactly
 * as {@link Generator#generate} runs them (embedding row, 12 decoder layers, live heads, guidance,
 * greedy pick). Reports the median step, the extrapolated time of a 5-s clip, the weight bytes
 * streamed per second (decoder layers + live heads), the machine's bandwidth and peak RSS.
 */
public final class GenerateBench {
    /** Decoder steps of a 5-s clip (2·430 + 1). */
    public static final int CLIP_STEPS = 861;

    private GenerateBench() {}

    /** Measured figures. */
    public record Result(
            int steps,
            int threads,
            String kernel,
            WeightFormat format,
            double medianMs,
            double meanMs,
            double weightGBps,
            double copyGBps,
            double readGBps,
            long peakRssBytes) {
        public double clipSeconds() {
            return medianMs * CLIP_STEPS / 1e3;
        }

        @Override
        public String toString() {
            return String.format(
                    "generate: full-size ViSAGe (random weights), single guidance = 2 decoder rows, %d steps"
                            + " from an empty cache, %d threads%n"
                            + "  kernel              %s, %s weights%n"
                            + "  step time           median %.2f ms, mean %.2f ms over %d steps%n"
                            + "  5-s clip            %.1f s extrapolated (%d steps x median)%n"
                            + "  weights streamed    %.1f GB/s (decoder layers + live heads)%n"
                            + "  machine bandwidth   copy %.1f GB/s, read %.1f GB/s (same run)%n"
                            + "  efficiency          %.0f%% of copy bandwidth, %.0f%% of read bandwidth%n"
                            + "  peak RSS            %s",
                    steps,
                    threads,
                    kernel,
                    format.label(),
                    medianMs,
                    meanMs,
                    steps,
                    clipSeconds(),
                    CLIP_STEPS,
                    weightGBps,
                    copyGBps,
                    readGBps,
                    100 * weightGBps / copyGBps,
                    100 * weightGBps / readGBps,
                    peakRssBytes < 0 ? "n/a" : String.format("%.2f GB", peakRssBytes / 1e9));
        }
    }

    /** One clip of uniform random CLIP features and energy maps, camera looking up ({0, 0, 1}). */
    static Conditions randomConditions(VisageConfig cfg, int clipFrames) {
        return new Conditions(
                Nd4j.rand(DataType.FLOAT, 1, clipFrames, cfg.dClip()),
                Nd4j.rand(DataType.FLOAT, 1, clipFrames, VisageConfig.ENERGY_MAP_SIZE),
                Nd4j.createFromArray(new float[][] {{0f, 0f, 1f}}));
    }

    public static Result run(int steps, int threads, WeightFormat format, PrintWriter log) {
        if (steps < 1 || steps > CLIP_STEPS) {
            throw new IllegalArgumentException("--steps must be in [1, " + CLIP_STEPS + "], got " + steps);
        }
        VisageConfig cfg = VisageConfig.released();
        log.println("building the full-size model with random weights ...");
        log.flush();
        Visage model = Visage.random(cfg, ModelKind.AMBISONICS, 2025, DataType.FLOAT);
        try (Parallelism par = new Parallelism(threads)) {
            Generator gen = new Generator(model, par, format);
            int clipFrames = cfg.maxSourceLength();
            Conditions c = randomConditions(cfg, clipFrames);
            DecodingSession s = gen.start(c, new Guidance.Single(cfg.cfgGuidanceScale()), gen.steps(clipFrames));
            CodePattern pattern = model.pattern();
            int frames = cfg.targetFrames(clipFrames);
            int k = model.codebooks();
            int v = cfg.dacVocabSize();
            Sampler greedy = new Sampler.Greedy();
            double[] ms = new double[steps];
            long bytes = 0;
            long[] row = null;
            log.printf("running %d decoder steps ...%n", steps);
            log.flush();
            for (int step = 0; step < steps; step++) {
                long t0 = System.nanoTime();
                s.step(row);
                row = new long[k];
                Arrays.fill(row, cfg.dacPadTokenId());
                int[] live = pattern.liveHeads(step, frames);
                for (int head : live) {
                    row[head] = greedy.sample(s.guidedLogits(head), 0, v);
                }
                ms[step] = (System.nanoTime() - t0) / 1e6;
                bytes += s.weightBytesPerStep(live.length);
            }
            double total = Arrays.stream(ms).sum();
            double median = Stats.median(ms);
            log.println("measuring memory bandwidth ...");
            log.flush();
            MemoryBandwidth.Result bw = MemoryBandwidth.measure(par);
            long rss = PeakRss.read().map(PeakRss.Usage::peakBytes).orElse(-1L);
            return new Result(
                    steps,
                    threads,
                    MatVecs.best(par).name(),
                    format,
                    median,
                    total / steps,
                    bytes / (total / 1e3) / 1e9,
                    bw.copyGBps(),
                    bw.readGBps(),
                    rss);
        }
    }
}
