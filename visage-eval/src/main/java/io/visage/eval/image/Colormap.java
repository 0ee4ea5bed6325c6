package io.visage.eval.image;

/** The "jet" colour ramp (dark blue - blue - cyan - yellow - red - dark red), written from its definition. */
public final class Colormap {
    private Colormap() {}

    /**
     * @param t value in [0, 1] (clamped)
     * @return packed RGB
     */
    public static int jet(double t) {
        double v = Math.max(0.0, Math.min(1.0, t));
        double r = ramp(1.5 - Math.abs(4 * v - 3));
        double g = ramp(1.5 - Math.abs(4 * v - 2));
        double b = ramp(1.5 - Math.abs(4 * v - 1));
        return (int) Math.round(r * 255) << 16 | (int) Math.round(g * 255) << 8 | (int) Math.round(b * 255);
    }

    private static double ramp(double x) {
        return Math.max(0.0, Math.min(1.0, x));
    }
}
