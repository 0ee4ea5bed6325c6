package io.visage.audio.foa;

/**
 * A virtual first-order microphone pointing at {@code direction} with directivity {@code pattern}
 * (0 omni, 0.5 cardioid, 1 figure-of-eight; see {@link PolarPattern}). A plane wave of amplitude 1
 * from direction u gives {@code (1 − p) + p·cos∠(u, direction)}.
 *
 * @param direction the microphone axis
 * @param pattern directivity p in [0, 1]
 */
public record VirtualMic(Direction direction, double pattern) {
    public VirtualMic {
        if (direction == null) {
            throw new IllegalArgumentException("virtual microphone needs a direction");
        }
        checkPattern(pattern);
    }

    /** A microphone with a named pattern. */
    public static VirtualMic of(Direction direction, PolarPattern pattern) {
        return new VirtualMic(direction, pattern.p());
    }

    static double checkPattern(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(
                    "polar pattern must be in [0, 1] (0 omni .. 1 figure-of-eight) but was " + p);
        }
        return p;
    }

    /** Decoding gains [4] for signals in {@code format}: {@code out = Σ_ch gains[ch]·foa[ch]}. */
    public double[] gains(FoaFormat format) {
        double[] u = direction.unitVector();
        double[] g = new double[Foa.CHANNELS];
        for (int i = 0; i < Foa.CHANNELS; i++) {
            Component c = format.order().components().get(i);
            double sn3d = switch (c) {
                case W -> 1 - pattern;
                case X -> pattern * u[0];
                case Y -> pattern * u[1];
                case Z -> pattern * u[2];
            };
            g[i] = sn3d / format.normalization().gain(c);
        }
        return g;
    }
}
