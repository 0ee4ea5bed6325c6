package io.visage.audio.foa;

import java.util.List;

/** Decoding FOA to virtual microphones and to a stereo pair. */
public final class FoaDecoder {
    /** Default stereo: cardioids at ±90° (left/right), horizontal. */
    public static final double DEFAULT_STEREO_HALF_ANGLE_DEG = 90;

    private FoaDecoder() {}

    /** The [M, 4] decoding matrix of {@code mics} for signals in {@code format}. */
    public static ChannelMatrix matrix(List<VirtualMic> mics, FoaFormat format) {
        if (mics.isEmpty()) {
            throw new IllegalArgumentException("decode needs at least one virtual microphone");
        }
        double[][] m = new double[mics.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = mics.get(i).gains(format);
        }
        return new ChannelMatrix(m);
    }

    /**
     * Decodes to virtual microphones.
     *
     * @param foa [4, N] in {@code format}
     * @return [M, N], one row per microphone, in the order given
     */
    public static float[][] decode(float[][] foa, FoaFormat format, List<VirtualMic> mics) {
        Foa.checkFoa(foa);
        return matrix(mics, format).apply(foa);
    }

    /** Decodes to one virtual microphone: [4, N] to [N]. */
    public static float[] decode(float[][] foa, FoaFormat format, VirtualMic mic) {
        return decode(foa, format, List.of(mic))[0];
    }

    /** The two microphones of a stereo pair: left at +halfAngle azimuth, right at −halfAngle, horizontal. */
    public static List<VirtualMic> stereoPair(double halfAngleDeg, double pattern) {
        return List.of(
                new VirtualMic(Direction.ofDegrees(halfAngleDeg, 0), pattern),
                new VirtualMic(Direction.ofDegrees(-halfAngleDeg, 0), pattern));
    }

    /**
     * Decodes to stereo with a coincident pair ({@link #stereoPair}).
     *
     * @param foa [4, N] in {@code format}
     * @return [2, N]: left, right
     */
    public static float[][] stereo(float[][] foa, FoaFormat format, double halfAngleDeg, double pattern) {
        return decode(foa, format, stereoPair(halfAngleDeg, pattern));
    }

    /** Stereo with cardioids at ±90°. */
    public static float[][] stereo(float[][] foa, FoaFormat format) {
        return stereo(foa, format, DEFAULT_STEREO_HALF_ANGLE_DEG, PolarPattern.CARDIOID.p());
    }
}
