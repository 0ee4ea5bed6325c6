package io.visage.examples.bench;

import io.visage.audio.dac.Dac;
import io.visage.audio.dac.DacCodec;
import io.visage.audio.dac.DacConfig;
import io.visage.audio.dac.FoaCodes;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The DAC codec at full size with random weights: decode of {@code frames} frames for the four FOA
 * channels (the post-processing of one generated clip) and encode of {@code seconds} of one channel.
 * Reports median wall time, real-time factor (compute time / audio duration; below 1 is faster than
 * real time) and peak RSS. Measures the codec's inference path ({@code DacCodec}: the time-major
 * fast path); the reference layer code on ND4J ops is the tests' oracle, not a benchmark case.
 */
public final class CodecBench {
    private CodecBench() {}

    /** What to run. @param chunkFrames decode window (frames); ≥ frames decodes in one pass */
    public record Options(int frames, double seconds, int runs, int chunkFrames, long seed) {
        public Options {
            if (frames < 1 || seconds <= 0 || runs < 1 || chunkFrames < 1) {
                throw new IllegalArgumentException("codec benchmark: frames, seconds, runs and chunk must be positive");
            }
        }

        /** One ViSAGe clip: 431 frames (5 s) to decode per channel, 5 s to encode, in one window. */
        public static Options visage(int runs) {
            return new Options(431, 5.0, runs, 431, 1);
        }
    }

    /** One timed case. */
    public record Case(String name, double audioSeconds, double[] seconds) {
        public double median() {
            return Stats.median(seconds);
        }

        public double realTimeFactor() {
            return median() / audioSeconds;
        }

        @Override
        public String toString() {
            return String.format(
                    "  %-34s median %.3f s (runs %s)  RTF %.3f (%.2fx real time)",
                    name,
                    median(),
                    Arrays.toString(Arrays.stream(seconds)
                            .map(x -> Math.round(x * 1000) / 1000.0)
                            .toArray()),
                    realTimeFactor(),
                    1 / realTimeFactor());
        }
    }

    /** Measured figures. */
    public record Result(Options options, Case decode, Case encode, String peakRss) {
        @Override
        public String toString() {
            return String.format(
                    "DAC 44.1 kHz codec, full size, random weights, time-major fast path%n%s%n%s%n  %s",
                    decode, encode, peakRss);
        }
    }

    public static Result run(Options o, PrintWriter log) {
        DacConfig config = DacConfig.dac44k();
        Random r = new Random(o.seed());
        INDArray codes = Nd4j.create(DataType.LONG, (long) FoaCodes.FOA_CHANNELS * config.nCodebooks(), o.frames());
        for (long i = 0; i < codes.length(); i++) {
            codes.putScalar(i, r.nextInt(config.codebookSize()));
        }
        int samples = (int) Math.round(o.seconds() * config.sampleRateHz());
        float[][] mono = new float[1][samples];
        for (int i = 0; i < samples; i++) {
            mono[0][i] = (float) (0.1 * r.nextGaussian());
        }
        double decodedSeconds = (double) o.frames() * config.decoderUpsampling() / config.sampleRateHz();
        Case decode;
        Case encode;
        try (DacCodec codec = DacCodec.of(Dac.random(config, o.seed()))) { // owns its worker pool
            decode = time(
                    String.format("decode %d frames x 4 channels", o.frames()),
                    decodedSeconds,
                    o.runs(),
                    log,
                    () -> FoaCodes.decodeFoa(codec, codes, o.chunkFrames()));
            encode = time(
                    String.format("encode %.1f s x 1 channel", o.seconds()),
                    o.seconds(),
                    o.runs(),
                    log,
                    () -> FoaCodes.encode(codec, mono, config.sampleRateHz(), config.nCodebooks()));
        }
        String rss = PeakRss.read().map(Object::toString).orElse("unavailable");
        return new Result(o, decode, encode, rss);
    }

    private static Case time(String name, double audioSeconds, int runs, PrintWriter log, Runnable work) {
        long w0 = System.nanoTime();
        work.run(); // warm-up (JIT, ND4J workspaces)
        log.printf("  %s: warm-up %.3f s%n", name, (System.nanoTime() - w0) / 1e9);
        log.flush();
        double[] s = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            work.run();
            s[i] = (System.nanoTime() - t0) / 1e9;
        }
        return new Case(name, audioSeconds, s);
    }
}
