package io.visage.examples.bench;

import io.visage.core.data.TrainingData;
import io.visage.core.model.ModelKind;
import io.visage.core.model.Visage;
import io.visage.core.model.VisageConfig;
import io.visage.core.pattern.CodePattern;
import io.visage.core.train.ClipWindow;
import io.visage.core.train.TrainingStep;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.optim.AdamW;
import io.visage.nn.optim.LrSchedule;
import io.visage.nn.optim.SplitMixRandom;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Training steps of the reference recipe (dropout 0.1, CFG dropout, the summed per-codebook loss,
 * clip 1.0, AdamW lr 1e-4 wd 0.01) on random weights and random clips shaped exactly like the code
 * pattern's batches (5-s windows: 20 CLIP frames, 860 decoder input rows and 861 label rows with
 * PAD and −100 where the reference has them). Prints each step's forward+backward and optimizer
 * time, the median step, decoder rows per second, the peak RSS and where the memory goes.
 */
public final class TrainBench {
    private TrainBench() {}

    /**
     * @param cfg        the model (full size: {@link VisageConfig#released()})
     * @param batch      clips per forward/backward pass
     * @param accumulate passes per optimizer step
     * @param steps      timed steps (one untimed warm-up step first)
     */
    public record Options(VisageConfig cfg, int batch, int accumulate, int steps, int threads) {
        public Options {
            if (batch < 1 || accumulate < 1 || steps < 1 || threads < 1) {
                throw new IllegalArgumentException("--batch, --accumulate, --steps and --threads must be >= 1, got "
                        + batch + ", " + accumulate + ", " + steps + ", " + threads);
            }
        }
    }

    /** The figures. Times in seconds, memory in bytes. */
    public record Result(
            double[] stepSeconds,
            double[] computeSeconds,
            double[] optimizerSeconds,
            double medianStep,
            double rowsPerSecond,
            long parameterBytes,
            long gradientBytes,
            long optimizerBytes,
            long activationBytes,
            long peakRssBytes) {}

    /** Random clips of one 5-s window each, stacked. */
    static TrainingData.Batch batch(VisageConfig cfg, int clips, SplittableRandom rng) {
        CodePattern pattern = new CodePattern(ModelKind.AMBISONICS, cfg.numRvq(), cfg.dacPadTokenId());
        ClipWindow window = new ClipWindow(5, cfg.dacFrameRate(), cfg.clipFrameRate());
        int frames = window.codeFrames();
        int f = window.clipFrames();
        List<TrainingData.Item> items = new ArrayList<>();
        for (int i = 0; i < clips; i++) {
            long[] codes = new long[pattern.codebooks() * frames];
            for (int j = 0; j < codes.length; j++) {
                codes[j] = rng.nextInt(cfg.dacVocabSize());
            }
            float[] clip = new float[f * cfg.dClip()];
            for (int j = 0; j < clip.length; j++) {
                clip[j] = (float) rng.nextGaussian();
            }
            float[] energy = new float[f * VisageConfig.ENERGY_MAP_SIZE];
            for (int r = 0; r < f; r++) {
                double sum = 0;
                for (int c = 0; c < VisageConfig.ENERGY_MAP_SIZE; c++) {
                    energy[r * VisageConfig.ENERGY_MAP_SIZE + c] = (float) rng.nextDouble();
                    sum += energy[r * VisageConfig.ENERGY_MAP_SIZE + c];
                }
                for (int c = 0; c < VisageConfig.ENERGY_MAP_SIZE; c++) {
                    energy[r * VisageConfig.ENERGY_MAP_SIZE + c] /= (float) sum;
                }
            }
            double az = rng.nextDouble() * 2 * Math.PI;
            float[] dir = {(float) Math.cos(az), (float) Math.sin(az), 0f};
            items.add(new TrainingData.Item(
                    "clip" + i,
                    clip,
                    energy,
                    f,
                    dir,
                    window.targets(pattern, codes, frames, VisageConfig.IGNORE_INDEX),
                    false));
        }
        return TrainingData.stack(items, cfg.dClip());
    }

    public static Result run(Options o, PrintWriter log) {
        VisageConfig cfg = o.cfg();
        log.printf(
                "building the model (d=%d, %d+%d layers, %d codebooks) with random weights ...%n",
                cfg.dModel(), cfg.encoderLayers(), cfg.decoderLayers(), cfg.numCodebooks(ModelKind.AMBISONICS));
        log.flush();
        Visage model = Visage.random(cfg, ModelKind.AMBISONICS, 2025, DataType.FLOAT);
        SplittableRandom data = new SplittableRandom(7);
        List<TrainingData.Batch> micro = new ArrayList<>();
        for (int i = 0; i < o.accumulate(); i++) {
            micro.add(batch(cfg, o.batch(), data));
        }
        AdamW opt = AdamW.withDefaults(model.stateDict(), LrSchedule.constant(1e-4), 0.01);
        double[] step = new double[o.steps()];
        double[] compute = new double[o.steps()];
        double[] optimizer = new double[o.steps()];
        long activations = 0;
        long rows = 0;
        long gradientBytes;
        try (Parallelism par = new Parallelism(o.threads())) {
            TrainingStep s = new TrainingStep(model, opt, 1.0, new SplitMixRandom(1115), par);
            gradientBytes = s.gradients().bytes();
            for (int i = -1; i < o.steps(); i++) {
                TrainingStep.Result r = s.run(micro);
                double c = r.forwardSeconds() + r.backwardSeconds();
                log.printf(
                        "%s fwd %.2f s + bwd %.2f s = %.2f s, optimizer %.2f s, loss %.4f, grad norm %.3f%n",
                        i < 0 ? "warm-up" : String.format("step %d ", i + 1),
                        r.forwardSeconds(),
                        r.backwardSeconds(),
                        c,
                        r.optimizerSeconds(),
                        r.loss(),
                        r.gradNorm());
                log.flush();
                if (i >= 0) {
                    compute[i] = c;
                    optimizer[i] = r.optimizerSeconds();
                    step[i] = c + r.optimizerSeconds();
                }
                activations = Math.max(activations, r.activationBytes());
                rows = r.rows();
            }
        }
        double median = Stats.median(step);
        long params = 0;
        for (Tensor t : model.stateDict().values()) {
            params += t.value().length() * t.value().dataType().width();
        }
        long optState = 0;
        for (INDArray a : opt.expAvg().values()) {
            optState += a.length() * a.dataType().width();
        }
        for (INDArray a : opt.expAvgSq().values()) {
            optState += a.length() * a.dataType().width();
        }
        long peak = PeakRss.read().map(PeakRss.Usage::peakBytes).orElse(-1L);
        return new Result(
                step, compute, optimizer, median, rows / median, params, gradientBytes, optState, activations, peak);
    }

    /** The printed report. */
    public static String report(Options o, Result r) {
        VisageConfig cfg = o.cfg();
        return String.format(
                "train step: d=%d, %d+%d layers, batch %d x accumulate %d, %d threads, %d parameters%n"
                        + "  fwd+bwd             median %.2f s%n"
                        + "  optimizer           median %.2f s (norm, clip and AdamW)%n"
                        + "  step median %.2f s%n"
                        + "  rows/s              %.0f decoder rows per second%n"
                        + "  memory              parameters %.2f GB, gradients %.2f GB, optimizer state %.2f GB,"
                        + " activations %.2f GB (the most the tape held after a forward)%n"
                        + "  peak RSS %s",
                cfg.dModel(),
                cfg.encoderLayers(),
                cfg.decoderLayers(),
                o.batch(),
                o.accumulate(),
                o.threads(),
                r.parameterBytes() / 4,
                Stats.median(r.computeSeconds()),
                Stats.median(r.optimizerSeconds()),
                r.medianStep(),
                r.rowsPerSecond(),
                r.parameterBytes() / 1e9,
                r.gradientBytes() / 1e9,
                r.optimizerBytes() / 1e9,
                r.activationBytes() / 1e9,
                r.peakRssBytes() < 0 ? "n/a" : String.format("%.2f GB", r.peakRssBytes() / 1e9));
    }
}
