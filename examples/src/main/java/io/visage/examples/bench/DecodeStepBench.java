package io.visage.examples.bench;

import io.visage.nn.attention.KvCache;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.kernel.AttentionKernel;
import io.visage.nn.kernel.MatVec;
import io.visage.nn.kernel.MatVecs;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.kernel.WeightFormat;
import io.visage.nn.module.RandomParams;
import io.visage.nn.transformer.BartDecoderLayer;
import io.visage.nn.transformer.DecoderLayerWeights;
import io.visage.nn.transformer.IncrementalDecoder;
import io.visage.nn.transformer.LayerConfig;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One autoregressive decoder step of the full-size ViSAGe decoder (random weights): 12 BART layers,
 * d = 1024, 16 heads, FFN 4096, batch 2 (conditional + unconditional rows), with {@code cached}
 * positions already in the KV cache. Reports the median step time, the weight bytes streamed per
 * second, and the machine's memory bandwidth measured in the same run.
 */
public final class DecodeStepBench {
    private DecodeStepBench() {}

    /** What to run. */
    public record Options(
            int layers,
            int dModel,
            int heads,
            int ffn,
            int batch,
            int sourceLength,
            int cached,
            int steps,
            int threads,
            Path path,
            WeightFormat format) {
        public Options {
            if (format == null) {
                throw new IllegalArgumentException("decode-step benchmark: weight format is null");
            }
            if (format != WeightFormat.FP32 && path == Path.GENERAL) {
                throw new IllegalArgumentException("--weights-dtype " + format.label()
                        + " is a decode-kernel format; the GENERAL path runs float32 ND4J ops only");
            }
            if (layers < 1
                    || dModel < 1
                    || heads < 1
                    || ffn < 1
                    || batch < 1
                    || sourceLength < 1
                    || cached < 0
                    || steps < 3
                    || threads < 1) {
                throw new IllegalArgumentException("decode-step benchmark sizes must be positive (steps >= 3)");
            }
        }

        /** The ViSAGe decoder at the cache length of the middle of a 5-s clip. */
        public static Options visage(int steps, int threads) {
            return new Options(12, 1024, 16, 4096, 2, 22, 430, steps, threads, Path.KERNEL, WeightFormat.FP32);
        }
    }

    /** Which implementation of the step to time. */
    public enum Path {
        /** {@link IncrementalDecoder}: MatVec/attention kernels over a float[] cache (what generation uses). */
        KERNEL,
        /** The general layer code ({@code BartDecoderLayer.forwardCached}) on ND4J ops and an ND4J KV cache. */
        GENERAL
    }

    /** Measured figures. */
    public record Result(
            Options options,
            String kernel,
            double medianMs,
            double minMs,
            double weightGBps,
            double weightMB,
            double cacheMB,
            double copyGBps,
            double readGBps,
            long peakRssBytes) {
        public double fractionOfRead() {
            return weightGBps / readGBps;
        }

        public double fractionOfCopy() {
            return weightGBps / copyGBps;
        }

        @Override
        public String toString() {
            return String.format(
                    "decode step: %d layers, d=%d, %d heads, FFN %d, batch %d, KV cache %d positions, %d threads%n"
                            + "  kernel              %s, %s weights%n"
                            + "  step time           median %.2f ms (min %.2f) over %d steps%n"
                            + "  weights per step    %.1f MB  ->  %.1f GB/s streamed%n"
                            + "  KV cache per step   %.1f MB (not counted above)%n"
                            + "  machine bandwidth   copy %.1f GB/s, read %.1f GB/s (same run)%n"
                            + "  efficiency          %.0f%% of copy bandwidth, %.0f%% of read bandwidth%n"
                            + "  peak RSS            %s",
                    options.layers(),
                    options.dModel(),
                    options.heads(),
                    options.ffn(),
                    options.batch(),
                    options.cached(),
                    options.threads(),
                    kernel,
                    options.format().label(),
                    medianMs,
                    minMs,
                    options.steps(),
                    weightMB,
                    weightGBps,
                    cacheMB,
                    copyGBps,
                    readGBps,
                    100 * fractionOfCopy(),
                    100 * fractionOfRead(),
                    peakRssBytes < 0 ? "n/a" : String.format("%.2f GB", peakRssBytes / 1e9));
        }
    }

    public static Result run(Options o, PrintWriter log) {
        try (Parallelism par = new Parallelism(o.threads())) {
            log.println("building the decoder with random weights ...");
            log.flush();
            LayerConfig cfg = LayerConfig.builder(o.dModel(), o.heads(), o.ffn())
                    .dropout(0.1)
                    .build();
            List<BartDecoderLayer> layers = new ArrayList<>();
            try (RandomParams p = new RandomParams(2025)) {
                for (int i = 0; i < o.layers(); i++) {
                    layers.add(BartDecoderLayer.create(p, "model.decoder.layers." + i, cfg));
                }
            }
            MatVec mv = MatVecs.best(par);
            IncrementalDecoder dec =
                    new IncrementalDecoder(DecoderLayerWeights.of(layers, o.format()), mv, new AttentionKernel(par));
            INDArray enc = Nd4j.rand(DataType.FLOAT, o.batch(), o.sourceLength(), o.dModel())
                    .subi(0.5);
            Random rng = new Random(1);
            float[] h = new float[o.batch() * o.dModel()];
            Runnable step;
            if (o.path() == Path.KERNEL) {
                IncrementalDecoder.State st = dec.newState(o.batch(), o.cached() + o.steps(), enc);
                step = () -> {
                    fill(rng, h);
                    dec.step(st, h);
                };
            } else {
                KvCache cache = KvCache.allocate(
                        o.layers(),
                        o.batch(),
                        o.heads(),
                        o.cached() + o.steps(),
                        o.dModel() / o.heads(),
                        DataType.FLOAT);
                Tensor encoder = Tensor.constant(enc);
                step = () -> {
                    fill(rng, h);
                    Tensor x = Tensor.constant(Nd4j.create(h, new long[] {o.batch(), 1, o.dModel()}, 'c'));
                    for (int l = 0; l < layers.size(); l++) {
                        x = layers.get(l).forwardCached(Ops.inference(), x, encoder, cache.layer(l));
                    }
                };
            }
            log.printf("filling the KV cache with %d positions (%s path) ...%n", o.cached(), o.path());
            log.flush();
            for (int i = 0; i < o.cached(); i++) {
                step.run();
            }
            double[] ms = new double[o.steps()];
            long cacheBytes = 2L * 4 * o.layers() * o.batch() * (long) (o.cached() + 1) * o.dModel();
            for (int i = 0; i < o.steps(); i++) {
                long t0 = System.nanoTime();
                step.run();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            double median = Stats.median(ms);
            double min = Arrays.stream(ms).min().orElse(Double.NaN);
            long bytes = dec.weightBytesPerStep();
            log.println("measuring memory bandwidth ...");
            log.flush();
            MemoryBandwidth.Result bw = MemoryBandwidth.measure(par);
            long rss = PeakRss.read().map(PeakRss.Usage::peakBytes).orElse(-1L);
            return new Result(
                    o,
                    o.path() == Path.KERNEL ? mv.name() : "ND4J ops (general layer path)",
                    median,
                    min,
                    bytes / (median / 1e3) / 1e9,
                    bytes / 1e6,
                    cacheBytes / 1e6,
                    bw.copyGBps(),
                    bw.readGBps(),
                    rss);
        }
    }

    private static void fill(Random rng, float[] h) {
        for (int i = 0; i < h.length; i++) {
            h[i] = (float) rng.nextGaussian();
        }
    }
}
