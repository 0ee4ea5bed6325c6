package io.visage.audio.foa;

/**
 * Named first-order polar patterns {@code g(θ) = (1 − p) + p·cos θ}, θ the angle between the
 * microphone axis and the source; {@code p} from 0 (omni) to 1 (figure-of-eight).
 */
public enum PolarPattern {
    OMNI(0.0),
    SUBCARDIOID(0.3),
    CARDIOID(0.5),
    SUPERCARDIOID(0.634),
    HYPERCARDIOID(0.75),
    FIGURE_EIGHT(1.0);

    private final double p;

    PolarPattern(double p) {
        this.p = p;
    }

    /** The directivity p of this pattern. */
    public double p() {
        return p;
    }

    /** A pattern by name ({@code cardioid}, {@code figure-eight}, {@code figure8}, ...) or a number in [0, 1]. */
    public static double parse(String s) {
        String k = s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        if (k.equals("FIGURE8") || k.equals("FIG8") || k.equals("DIPOLE")) {
            return FIGURE_EIGHT.p;
        }
        for (PolarPattern pp : values()) {
            if (pp.name().equals(k)) {
                return pp.p;
            }
        }
        try {
            return VirtualMic.checkPattern(Double.parseDouble(s.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("unknown polar pattern '" + s + "': expected one of omni, subcardioid,"
                    + " cardioid, supercardioid, hypercardioid, figure8 or a number in [0, 1]");
        }
    }
}
