package io.visage.audio.dac.train;

import io.visage.audio.io.AudioBuffer;
import io.visage.audio.io.Wav;
import io.visage.audio.resample.Resampler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Mono training examples for a codec: every channel of every {@code .wav} file in a folder (not its
 * subfolders), at the codec's sample rate. A 4-channel FOA file (W, Y, Z, X) gives four examples,
 * scaled and sign-flipped views of the same sources, which is what a per-channel codec must
 * reproduce. Files at another rate are resampled with {@link Resampler#julius} (as DAC's audiotools
 * does). Everything is held in memory as float32 (16 kHz: 64 KB per channel-second).
 *
 * <p>{@link #batch} draws segments with the caller's RNG: an example uniformly, then a start
 * uniformly among the multiples of the hop that leave a whole segment inside it (examples shorter
 * than a segment start at 0 and are zero-padded). With {@code skipSilent}, a segment whose peak
 * |x| is at most {@value #SILENCE_PEAK} is redrawn, at most {@value #MAX_REDRAWS} times (then the
 * last draw is kept, so a silent data set cannot stall a run). Draws depend only on the RNG state
 * and the examples, so a resumed run draws the same segments.
 */
public final class CodecTrainingData {
    /** Peak level (−80 dBFS) at or below which a segment counts as silent. */
    public static final double SILENCE_PEAK = 1e-4;

    static final int MAX_REDRAWS = 20;

    /**
     * One mono example.
     *
     * @param file    where it came from
     * @param channel channel index in that file
     * @param samples the channel at the codec's rate
     */
    public record Example(Path file, int channel, float[] samples) {}

    private final Path folder;
    private final int sampleRateHz;
    private final List<Example> examples;

    private CodecTrainingData(Path folder, int sampleRateHz, List<Example> examples) {
        this.folder = folder;
        this.sampleRateHz = sampleRateHz;
        this.examples = List.copyOf(examples);
    }

    /**
     * Reads every {@code *.wav} (any case) directly in {@code folder}, in file-name order.
     *
     * @param sampleRateHz the codec's rate; files at other rates are resampled
     * @throws IllegalArgumentException naming the folder when it is missing or holds no WAV file, or
     *     a file when it cannot be read
     */
    public static CodecTrainingData open(Path folder, int sampleRateHz) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("training audio folder " + folder + " does not exist");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.filter(p -> Files.isRegularFile(p)
                            && p.getFileName()
                                    .toString()
                                    .toLowerCase(Locale.ROOT)
                                    .endsWith(".wav"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(folder + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("training audio folder " + folder + " holds no .wav file");
        }
        List<Example> examples = new ArrayList<>();
        for (Path f : files) {
            AudioBuffer a;
            try {
                a = Wav.read(f);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(f + ": not a readable WAV file: " + e.getMessage(), e);
            }
            if (a.sampleRate() != sampleRateHz) {
                a = Resampler.julius(a.sampleRate(), sampleRateHz).resample(a);
            }
            if (a.frames() == 0) {
                throw new IllegalArgumentException(f + ": the file holds no samples");
            }
            for (int c = 0; c < a.channelCount(); c++) {
                examples.add(new Example(f, c, a.channel(c)));
            }
        }
        return new CodecTrainingData(folder, sampleRateHz, examples);
    }

    /** Examples made from arrays (tests, generated signals). @param channels [example][samples] */
    public static CodecTrainingData of(int sampleRateHz, float[][] channels) {
        if (channels.length == 0) {
            throw new IllegalArgumentException("no training examples given");
        }
        List<Example> examples = new ArrayList<>();
        for (int c = 0; c < channels.length; c++) {
            if (channels[c].length == 0) {
                throw new IllegalArgumentException("training example " + c + " holds no samples");
            }
            examples.add(new Example(null, c, channels[c].clone()));
        }
        return new CodecTrainingData(null, sampleRateHz, examples);
    }

    public Path folder() {
        return folder;
    }

    public int sampleRateHz() {
        return sampleRateHz;
    }

    public List<Example> examples() {
        return examples;
    }

    /** Total samples over every example. */
    public long totalSamples() {
        long n = 0;
        for (Example e : examples) {
            n += e.samples().length;
        }
        return n;
    }

    /**
     * Draws a batch of segments.
     *
     * @param segment samples per segment
     * @param hop     segment starts are multiples of it (the codec's hop length)
     * @return [batch, 1, segment] float32
     */
    public INDArray batch(int batch, int segment, int hop, boolean skipSilent, Random rng) {
        if (batch < 1 || segment < 1 || hop < 1) {
            throw new IllegalArgumentException(
                    "batch " + batch + ", segment " + segment + " and hop " + hop + " must be >= 1");
        }
        float[] flat = new float[batch * segment];
        float[] seg = new float[segment];
        for (int b = 0; b < batch; b++) {
            for (int attempt = 0; ; attempt++) {
                draw(segment, hop, rng, seg);
                if (!skipSilent || peak(seg) > SILENCE_PEAK || attempt + 1 >= MAX_REDRAWS) {
                    break;
                }
            }
            System.arraycopy(seg, 0, flat, b * segment, segment);
        }
        return Nd4j.create(flat, new long[] {batch, 1, segment}, 'c').castTo(DataType.FLOAT);
    }

    private void draw(int segment, int hop, Random rng, float[] out) {
        float[] x = examples.get(rng.nextInt(examples.size())).samples();
        java.util.Arrays.fill(out, 0f);
        if (x.length <= segment) {
            System.arraycopy(x, 0, out, 0, x.length);
            return;
        }
        int starts = (x.length - segment) / hop + 1;
        int start = rng.nextInt(starts) * hop;
        System.arraycopy(x, start, out, 0, segment);
    }

    private static double peak(float[] x) {
        double p = 0;
        for (float v : x) {
            p = Math.max(p, Math.abs(v));
        }
        return p;
    }
}
