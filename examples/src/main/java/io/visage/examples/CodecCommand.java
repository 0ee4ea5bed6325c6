package io.visage.examples;

import io.visage.audio.dac.DacCodec;
import io.visage.audio.dac.FoaCodes;
import io.visage.audio.io.AudioBuffer;
import io.visage.audio.io.SampleFormat;
import io.visage.audio.io.Wav;
import io.visage.nn.ShapeMismatchException;
import io.visage.nn.io.Npy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code visage codec encode|decode}: audio ↔ Descript Audio Codec codes. Each channel of the WAV is
 * coded on its own; the codes file is int64 .npy [C·n, T] with row c·n + q (level q of channel c), so a
 * 4-channel FOA file (W, Y, Z, X) with the 44.1 kHz model gives the 36 streams ViSAGe works with.
 */
@Command(
        name = "codec",
        mixinStandardHelpOptions = true,
        description = "Descript Audio Codec: WAV <-> codes (.npy int64 [channels*levels, frames], row c*levels+q);"
                + " train: a codec of the same architecture on WAV files.",
        subcommands = {CodecCommand.Encode.class, CodecCommand.Decode.class, CodecTrainCommand.class})
public final class CodecCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** What {@link #encode} wrote. */
    public record Encoded(Path out, int channels, int levels, long frames, int sampleRateHz) {
        @Override
        public String toString() {
            return String.format(
                    "%s: codes [%d, %d] (%d channel(s) x %d levels, %d frames at %d Hz)",
                    out, channels * levels, frames, channels, levels, frames, sampleRateHz);
        }
    }

    /** What {@link #decode} wrote. */
    public record Decoded(Path out, int channels, long samples, int sampleRateHz) {
        @Override
        public String toString() {
            return String.format(
                    "%s: %d channel(s), %d samples at %d Hz (%.3f s)",
                    out, channels, samples, sampleRateHz, (double) samples / sampleRateHz);
        }
    }

    /**
     * Encodes every channel of {@code in} (at the codec's sample rate) with the first {@code nQuantizers}
     * levels (all when null) and writes the codes.
     */
    public static Encoded encode(Path in, Path weights, Path out, Integer nQuantizers) {
        try (DacCodec codec = DacCodec.load(weights)) {
            AudioBuffer audio = Wav.read(in);
            if (audio.sampleRate() != codec.config().sampleRateHz()) {
                throw new IllegalArgumentException(in + ": sample rate " + audio.sampleRate() + " Hz, but the codec in "
                        + weights + " takes " + codec.config().sampleRateHz() + " Hz; resample first");
            }
            int n = nQuantizers == null ? codec.config().nCodebooks() : nQuantizers;
            INDArray codes = FoaCodes.encode(codec, audio.channels(), audio.sampleRate(), n);
            Npy.write(out, codes.castTo(DataType.LONG));
            return new Encoded(out, audio.channels().length, n, codes.size(1), audio.sampleRate());
        }
    }

    /**
     * Decodes a codes file ([C·n, T], row c·n + q) to a C-channel WAV at the codec's rate.
     *
     * @param channels C, or null to take rows / n_codebooks
     */
    public static Decoded decode(
            Path in, Path weights, Path out, Integer channels, int chunkFrames, SampleFormat format) {
        try (DacCodec codec = DacCodec.load(weights)) {
            return decode(codec, in, out, channels, chunkFrames, format);
        }
    }

    private static Decoded decode(
            DacCodec codec, Path in, Path out, Integer channels, int chunkFrames, SampleFormat format) {
        INDArray codes = Npy.read(in);
        int levels = codec.config().nCodebooks();
        if (codes.rank() != 2) {
            throw new ShapeMismatchException(
                    in + ": codes must be [channels*levels, frames], found " + Arrays.toString(codes.shape()));
        }
        int c;
        if (channels != null) {
            c = channels;
        } else if (codes.size(0) % levels == 0) {
            c = (int) (codes.size(0) / levels);
        } else {
            throw new ShapeMismatchException(in + ": " + codes.size(0) + " code rows are not a multiple of n_codebooks "
                    + levels + "; pass --channels");
        }
        float[][] audio = FoaCodes.decode(codec, codes.castTo(DataType.LONG), c, chunkFrames);
        Wav.write(out, new AudioBuffer(codec.config().sampleRateHz(), audio), format);
        return new Decoded(out, c, audio[0].length, codec.config().sampleRateHz());
    }

    private static int failed(CommandSpec spec, RuntimeException e) {
        PrintWriter err = spec.commandLine().getErr();
        err.println(spec.qualifiedName() + ": " + e.getMessage());
        err.flush();
        return 1;
    }

    @Command(
            name = "encode",
            mixinStandardHelpOptions = true,
            description = "WAV (at the codec's sample rate, any channel count) -> codes .npy")
    static final class Encode implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--in", required = true, description = "input WAV")
        Path in;

        @Option(
                names = "--weights",
                required = true,
                description = "DAC weights.pth (or safetensors with config.json beside it)")
        Path weights;

        @Option(names = "--out", required = true, description = "output codes .npy (int64)")
        Path out;

        @Option(names = "--n-quantizers", description = "levels to use (default: all)")
        Integer nQuantizers;

        @Override
        public Integer call() {
            BlasCheck.printHint(spec.commandLine().getErr());
            try {
                spec.commandLine().getOut().println(encode(in, weights, out, nQuantizers));
                return 0;
            } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                return failed(spec, e);
            }
        }
    }

    @Command(
            name = "decode",
            mixinStandardHelpOptions = true,
            description = "codes .npy -> WAV at the codec's sample rate")
    static final class Decode implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--in", required = true, description = "input codes .npy [channels*levels, frames]")
        Path in;

        @Option(
                names = "--weights",
                required = true,
                description = "DAC weights.pth (or safetensors with config.json beside it)")
        Path weights;

        @Option(names = "--out", required = true, description = "output WAV")
        Path out;

        @Option(names = "--channels", description = "channel count (default: rows / n_codebooks)")
        Integer channels;

        @Option(
                names = "--chunk-frames",
                defaultValue = "" + DacCodec.DEFAULT_CHUNK_FRAMES,
                description = "frames decoded per window (default ${DEFAULT-VALUE}); the output does not depend on it")
        int chunkFrames;

        @Option(
                names = "--format",
                defaultValue = "FLOAT_32",
                description = "FLOAT_32 or PCM_16 (default ${DEFAULT-VALUE})")
        SampleFormat format;

        @Override
        public Integer call() {
            BlasCheck.printHint(spec.commandLine().getErr());
            try {
                spec.commandLine().getOut().println(decode(in, weights, out, channels, chunkFrames, format));
                return 0;
            } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                return failed(spec, e);
            }
        }
    }
}
