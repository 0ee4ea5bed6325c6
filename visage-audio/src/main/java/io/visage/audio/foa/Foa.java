package io.visage.audio.foa;

/**
 * Encoding a mono source and converting between FOA formats. See the package documentation for the
 * axis and angle conventions.
 */
public final class Foa {
    /** Number of first-order channels. */
    public static final int CHANNELS = 4;

    private Foa() {}

    /**
     * The first-order spherical-harmonic gains of a plane wave from {@code d}, in the channel order and
     * normalisation of {@code format}. For ambiX: {@code [1, u_y, u_z, u_x]} with u the unit vector of d.
     */
    public static double[] gains(Direction d, FoaFormat format) {
        double[] u = d.unitVector();
        double[] g = new double[CHANNELS];
        for (int i = 0; i < CHANNELS; i++) {
            Component c = format.order().components().get(i);
            double sn3d = switch (c) {
                case W -> 1.0;
                case X -> u[0];
                case Y -> u[1];
                case Z -> u[2];
            };
            g[i] = sn3d * format.normalization().gain(c);
        }
        return g;
    }

    /** The [4, 1] matrix that encodes a mono signal as a plane wave from {@code d}. */
    public static ChannelMatrix encoder(Direction d, FoaFormat format) {
        double[] g = gains(d, format);
        return new ChannelMatrix(new double[][] {{g[0]}, {g[1]}, {g[2]}, {g[3]}});
    }

    /**
     * Encodes a mono signal as a plane wave from {@code d}.
     *
     * @param mono [N]
     * @return [4, N] in {@code format}; for ambiX, W is exactly {@code mono}
     */
    public static float[][] encode(float[] mono, Direction d, FoaFormat format) {
        return encoder(d, format).apply(new float[][] {mono});
    }

    /** The [4, 4] matrix converting a signal in {@code from} to {@code to} (reorder and rescale). */
    public static ChannelMatrix converter(FoaFormat from, FoaFormat to) {
        double[][] m = new double[CHANNELS][CHANNELS];
        for (Component c : Component.values()) {
            m[to.index(c)][from.index(c)] =
                    to.normalization().gain(c) / from.normalization().gain(c);
        }
        return new ChannelMatrix(m);
    }

    /**
     * Converts a signal between formats (e.g. {@link FoaFormat#AMBIX} to {@link FoaFormat#FUMA}).
     *
     * @param foa [4, N] in {@code from}
     * @return [4, N] in {@code to}
     */
    public static float[][] convert(float[][] foa, FoaFormat from, FoaFormat to) {
        checkFoa(foa);
        return converter(from, to).apply(foa);
    }

    static void checkFoa(float[][] foa) {
        if (foa.length != CHANNELS) {
            throw new IllegalArgumentException(
                    "first-order ambisonics has 4 channels but the signal has " + foa.length);
        }
    }
}
