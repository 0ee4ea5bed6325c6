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
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.kernel.WeightFormat;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * How far bf16/int8 decoder weights move generation from float32, on the full-size model with
 * random weights: float32 and the other format decode side by side, both fed the float32 greedy
 * codes (teacher-forced), and at every live head the guided logits are compared: RMS and largest
 * difference relative to the RMS of the float32 logits, and how often the greedy code agrees.
 */
public final class WeightsErrorBench {
    private WeightsErrorBench() {}

    /** Figures of one format against float32. */
    public record Result(WeightFormat format, int steps, long cells, double relRms, double relMax, long agree) {
        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "weights-error: %s vs fp32, full-size ViSAGe (random weights), single guidance, %d steps, %d"
                            + " head evaluations%n  guided logits       RMS error %.2e, max error %.2e (relative to"
                            + " the fp32 logits' RMS)%n  greedy codes        %d of %d agree (%.2f%%), teacher-forced"
                            + " with the fp32 codes",
                    format.label(),
                    steps,
                    cells,
                    relRms,
                    relMax,
                    agree,
                    cells,
                    100.0 * agree / cells);
        }
    }

    public static Result run(WeightFormat format, int steps, int threads, PrintWriter log) {
        if (format == WeightFormat.FP32) {
            throw new IllegalArgumentException("compare bf16 or int8 against fp32, not fp32 with itself");
        }
        VisageConfig cfg = VisageConfig.released();
        int clipFrames = cfg.maxSourceLength();
        int frames = cfg.targetFrames(clipFrames);
        if (steps < 1 || steps > GenerateBench.CLIP_STEPS) {
            throw new IllegalArgumentException(
                    "--steps must be in [1, " + GenerateBench.CLIP_STEPS + "], got " + steps);
        }
        log.println("building the full-size model with random weights ...");
        log.flush();
        Visage model = Visage.random(cfg, ModelKind.AMBISONICS, 2025, DataType.FLOAT);
        CodePattern pattern = model.pattern();
        try (Parallelism par = new Parallelism(threads)) {
            Generator ref = new Generator(model, par);
            Generator low = new Generator(model, par, format);
            Conditions c = GenerateBench.randomConditions(cfg, clipFrames);
            Guidance g = new Guidance.Single(cfg.cfgGuidanceScale());
            DecodingSession a = ref.start(c, g, ref.steps(clipFrames));
            DecodingSession b = low.start(c, g, low.steps(clipFrames));
            Sampler greedy = new Sampler.Greedy();
            int k = model.codebooks();
            int v = cfg.dacVocabSize();
            double se = 0;
            double ss = 0;
            double max = 0;
            long cells = 0;
            long agree = 0;
            long[] row = null;
            log.printf("decoding %d steps with fp32 and %s weights ...%n", steps, format.label());
            log.flush();
            for (int step = 0; step < steps; step++) {
                a.step(row);
                b.step(row);
                row = new long[k];
                Arrays.fill(row, cfg.dacPadTokenId());
                for (int head : pattern.liveHeads(step, frames)) {
                    float[] la = a.guidedLogits(head);
                    float[] lb = b.guidedLogits(head);
                    for (int i = 0; i < v; i++) {
                        double d = (double) lb[i] - la[i];
                        se += d * d;
                        ss += (double) la[i] * la[i];
                        max = Math.max(max, Math.abs(d));
                    }
                    long ca = greedy.sample(la, 0, v);
                    long cb = greedy.sample(lb, 0, v);
                    agree += ca == cb ? 1 : 0;
                    cells++;
                    row[head] = ca;
                }
            }
            double rms = Math.sqrt(ss / ((double) cells * v));
            return new Result(format, steps, cells, Math.sqrt(se / ((double) cells * v)) / rms, max / rms, agree);
        }
    }
}
