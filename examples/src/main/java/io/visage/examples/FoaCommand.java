package io.visage.examples;

import io.visage.audio.foa.ChannelMatrix;
import io.visage.audio.foa.Direction;
import io.visage.audio.foa.Foa;
import io.visage.audio.foa.FoaDecoder;
import io.visage.audio.foa.FoaFormat;
import io.visage.audio.foa.FoaRotation;
import io.visage.audio.foa.PolarPattern;
import io.visage.audio.foa.VirtualMic;
import io.visage.audio.io.SampleFormat;
import io.visage.audio.io.WavFormat;
import io.visage.audio.io.WavFormatException;
import io.visage.audio.io.WavReader;
import io.visage.audio.io.WavWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code visage foa encode|rotate|decode|convert}: first-order ambisonics on WAV files. Every command
 * is a linear channel map streamed block by block (a long file is never held in memory). Angles are in
 * degrees; azimuth counter-clockwise from the front toward the left, elevation up (ambiX axes:
 * +X front, +Y left, +Z up).
 */
@Command(
        name = "foa",
        mixinStandardHelpOptions = true,
        description = {
            "First-order ambisonics: encode, rotate, decode, convert (ambiX = ACN/SN3D: W, Y, Z, X).",
            "Angles in degrees: azimuth counter-clockwise from the front (+X) toward the left (+Y), elevation up."
        },
        subcommands = {
            FoaCommand.Encode.class,
            FoaCommand.Rotate.class,
            FoaCommand.Decode.class,
            FoaCommand.Convert.class
        })
public final class FoaCommand implements Callable<Integer> {
    private static final int BLOCK = 16384;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** What a foa command wrote. */
    public record Result(Path output, WavFormat format, long frames) {
        String summary() {
            return String.format(
                    Locale.ROOT,
                    "%s: %d channels, %d Hz, %d frames (%.3f s), %s",
                    output,
                    format.channels(),
                    format.sampleRate(),
                    frames,
                    frames / (double) format.sampleRate(),
                    format.sampleFormat());
        }
    }

    /** A named FOA format on the command line. */
    static FoaFormat format(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "ambix" -> FoaFormat.AMBIX;
            case "fuma" -> FoaFormat.FUMA;
            default -> throw new IllegalArgumentException("unknown FOA format '" + name + "' (expected ambix or fuma)");
        };
    }

    /**
     * Streams {@code in} through {@code m} into {@code out} (written atomically).
     *
     * @param sampleFormat output encoding; null keeps the input's
     */
    static Result map(Path in, Path out, ChannelMatrix m, SampleFormat sampleFormat, String expectedInput) {
        try (WavReader r = WavReader.open(in)) {
            WavFormat f = r.format();
            if (f.channels() != m.columns()) {
                throw new WavFormatException(
                        in,
                        "expected " + expectedInput + " (" + m.columns() + " channels) but the file has " + f.channels()
                                + " channels");
            }
            WavFormat of =
                    WavFormat.of(f.sampleRate(), m.rows(), sampleFormat == null ? f.sampleFormat() : sampleFormat);
            float[][] src = new float[f.channels()][BLOCK];
            float[][] dst = new float[m.rows()][BLOCK];
            try (WavWriter w = WavWriter.create(out, of)) {
                int n;
                while ((n = r.read(src, 0, BLOCK)) > 0) {
                    m.apply(src, 0, dst, 0, n);
                    w.write(dst, 0, n);
                }
                w.commit();
                return new Result(out, of, w.frames());
            }
        }
    }

    /** {@code foa encode}: mono WAV to 4-channel FOA from a direction. */
    public static Result encode(
            Path in, double azimuthDeg, double elevationDeg, FoaFormat format, Path out, SampleFormat sampleFormat) {
        return map(
                in,
                out,
                Foa.encoder(Direction.ofDegrees(azimuthDeg, elevationDeg), format),
                sampleFormat,
                "a mono file");
    }

    /** {@code foa rotate}: R = Rz(yaw)·Ry(pitch)·Rx(roll) applied to the sound field. */
    public static Result rotate(
            Path in,
            double yawDeg,
            double pitchDeg,
            double rollDeg,
            FoaFormat format,
            Path out,
            SampleFormat sampleFormat) {
        return map(
                in,
                out,
                FoaRotation.ofDegrees(yawDeg, pitchDeg, rollDeg).channelMatrix(format),
                sampleFormat,
                "first-order ambisonics");
    }

    /** {@code foa decode}: one output channel per virtual microphone. */
    public static Result decode(Path in, List<VirtualMic> mics, FoaFormat format, Path out, SampleFormat sampleFormat) {
        return map(in, out, FoaDecoder.matrix(mics, format), sampleFormat, "first-order ambisonics");
    }

    /** {@code foa convert}: reorder and rescale between formats. */
    public static Result convert(Path in, FoaFormat from, FoaFormat to, Path out, SampleFormat sampleFormat) {
        return map(in, out, Foa.converter(from, to), sampleFormat, "first-order ambisonics");
    }

    /** A virtual microphone from {@code AZ,EL,PATTERN} (degrees; pattern a name or a number in [0, 1]). */
    static VirtualMic parseMic(String spec) {
        String[] p = spec.split(",");
        if (p.length != 3) {
            throw new IllegalArgumentException(
                    "--mic expects AZ,EL,PATTERN (e.g. 30,0,cardioid) but got '" + spec + "'");
        }
        try {
            return new VirtualMic(
                    Direction.ofDegrees(Double.parseDouble(p[0].trim()), Double.parseDouble(p[1].trim())),
                    PolarPattern.parse(p[2]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--mic expects numeric AZ,EL degrees but got '" + spec + "'");
        }
    }

    /** Options shared by the subcommands. */
    static class Io {
        @Option(names = "--in", required = true, paramLabel = "WAV", description = "input WAV")
        Path in;

        @Option(names = "--out", required = true, paramLabel = "WAV", description = "output WAV (written atomically)")
        Path out;

        @Option(
                names = "--sample-format",
                paramLabel = "FMT",
                description = "output encoding: PCM_16, PCM_24, PCM_32, FLOAT_32 (default: the input's)")
        SampleFormat sampleFormat;
    }

    abstract static class Sub implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        int print(Result r) {
            PrintWriter out = spec.commandLine().getOut();
            out.println("wrote " + r.summary());
            out.flush();
            return 0;
        }

        FoaFormat parsedFormat(String name) {
            try {
                return format(name);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
    }

    @Command(
            name = "encode",
            mixinStandardHelpOptions = true,
            description = "Encode a mono WAV as a plane wave from (azimuth, elevation) into 4-channel FOA.")
    static final class Encode extends Sub {
        @CommandLine.Mixin
        Io io = new Io();

        @Option(
                names = "--azimuth",
                required = true,
                paramLabel = "DEG",
                description = "degrees counter-clockwise from the front toward the left")
        double azimuth;

        @Option(names = "--elevation", defaultValue = "0", paramLabel = "DEG", description = "degrees up (default 0)")
        double elevation;

        @Option(
                names = "--format",
                defaultValue = "ambix",
                description = "output FOA format: ambix or fuma (default ambix)")
        String format;

        @Override
        public Integer call() {
            FoaFormat f = parsedFormat(format);
            if (Math.abs(elevation) > 90) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--elevation must be in [-90, 90] but was " + elevation);
            }
            return print(encode(io.in, azimuth, elevation, f, io.out, io.sampleFormat));
        }
    }

    @Command(
            name = "rotate",
            mixinStandardHelpOptions = true,
            description = {
                "Rotate the sound field: R = Rz(yaw)·Ry(pitch)·Rx(roll) about the ambiX axes.",
                "+yaw moves a front source to the left, +pitch moves it down, +roll moves a left source up."
            })
    static final class Rotate extends Sub {
        @CommandLine.Mixin
        Io io = new Io();

        @Option(names = "--yaw", defaultValue = "0", paramLabel = "DEG", description = "degrees (default 0)")
        double yaw;

        @Option(names = "--pitch", defaultValue = "0", paramLabel = "DEG", description = "degrees (default 0)")
        double pitch;

        @Option(names = "--roll", defaultValue = "0", paramLabel = "DEG", description = "degrees (default 0)")
        double roll;

        @Option(
                names = "--format",
                defaultValue = "ambix",
                description = "FOA format of the file: ambix or fuma (default ambix)")
        String format;

        @Override
        public Integer call() {
            return print(rotate(io.in, yaw, pitch, roll, parsedFormat(format), io.out, io.sampleFormat));
        }
    }

    @Command(
            name = "decode",
            mixinStandardHelpOptions = true,
            description = {
                "Decode FOA to a stereo pair (cardioids at +-90 deg) or to virtual microphones.",
                "--mic AZ,EL,PATTERN may repeat (one output channel each); PATTERN: omni, subcardioid, cardioid,",
                "supercardioid, hypercardioid, figure8 or a number p in [0, 1] for (1-p) + p cos(angle)."
            })
    static final class Decode extends Sub {
        @CommandLine.Mixin
        Io io = new Io();

        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        static final class Target {
            @Option(names = "--stereo", description = "left/right cardioids at +-90 deg azimuth")
            boolean stereo;

            @Option(names = "--mic", paramLabel = "AZ,EL,PATTERN", description = "a virtual microphone (repeatable)")
            List<String> mics;
        }

        @Option(
                names = "--format",
                defaultValue = "ambix",
                description = "FOA format of the file: ambix or fuma (default ambix)")
        String format;

        @Override
        public Integer call() {
            List<VirtualMic> mics = new ArrayList<>();
            if (target.stereo) {
                mics.addAll(FoaDecoder.stereoPair(FoaDecoder.DEFAULT_STEREO_HALF_ANGLE_DEG, PolarPattern.CARDIOID.p()));
            } else {
                for (String m : target.mics) {
                    try {
                        mics.add(parseMic(m));
                    } catch (IllegalArgumentException e) {
                        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
                    }
                }
            }
            return print(decode(io.in, mics, parsedFormat(format), io.out, io.sampleFormat));
        }
    }

    @Command(
            name = "convert",
            mixinStandardHelpOptions = true,
            description = "Convert between ambiX (ACN/SN3D: W, Y, Z, X) and FuMa (W, X, Y, Z; W at -3 dB).")
    static final class Convert extends Sub {
        @CommandLine.Mixin
        Io io = new Io();

        @Option(names = "--to", required = true, description = "target format: ambix or fuma")
        String to;

        @Option(names = "--from", description = "source format (default: the other one)")
        String from;

        @Override
        public Integer call() {
            FoaFormat t = parsedFormat(to);
            FoaFormat f =
                    from != null ? parsedFormat(from) : t.equals(FoaFormat.AMBIX) ? FoaFormat.FUMA : FoaFormat.AMBIX;
            return print(convert(io.in, f, t, io.out, io.sampleFormat));
        }
    }
}
