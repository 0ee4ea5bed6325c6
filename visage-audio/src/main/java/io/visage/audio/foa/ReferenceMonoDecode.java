package io.visage.audio.foa;

/**
 * The ViSAGe reference's mono "decode toward the camera" (SPEC §7.5, §8.2), kept bit-for-bit in float32
 * as the scripts compute it on ambiX signals, for parity of FAD_dec / KLD_dec.
 *
 * <p>Camera angles from the dataset indices (e = elevation index 0..89, a = azimuth index 0..179):
 * {@code θ = (89 − 2e)°}, {@code φ = (2a − 179)°} ({@link #cameraDirection}); note this is the azimuth
 * convention of the mono-decoding scripts, a Y-mirror of the one implied by the rotation augmentation
 * and the NFoV projection (SPEC §12 question 5).
 */
public final class ReferenceMonoDecode {
    /** The two formulas of the reference. */
    public enum Variant {
        /**
         * {@code W + cos θ cos φ·X + cos θ sin φ·Y + sin θ·Z} (prepare_test.py, the ground-truth side);
         * equals twice a cardioid aimed at (φ, θ).
         */
        CORRECT,
        /**
         * evaluate_semantic.py's generated side, whose operator precedence turns the X and Y terms into
         * {@code (((cos θ cos φ·X) / cos θ)·sin φ)·Y} = {@code cos φ sin φ·X⊙Y} (element-wise product of the
         * X and Y signals): {@code W + cos φ sin φ·X⊙Y + sin θ·Z}.
         */
        OPERATOR_PRECEDENCE_BUG
    }

    private ReferenceMonoDecode() {}

    /** The camera direction of dataset indices (elevation index e, azimuth index a) as the mono scripts read it. */
    public static Direction cameraDirection(int elevationIndex, int azimuthIndex) {
        return Direction.ofDegrees(2.0 * azimuthIndex - 179, 89 - 2.0 * elevationIndex);
    }

    /**
     * Decodes ambiX to mono toward {@code camera}.
     *
     * @param ambix [4, N] in ACN order W, Y, Z, X (ambiX)
     * @return [N]
     */
    public static float[] decode(float[][] ambix, Direction camera, Variant variant) {
        Foa.checkFoa(ambix);
        float[] w = ambix[0];
        float[] y = ambix[1];
        float[] z = ambix[2];
        float[] x = ambix[3];
        double ce = Math.cos(camera.elevation());
        double se = Math.sin(camera.elevation());
        double ca = Math.cos(camera.azimuth());
        double sa = Math.sin(camera.azimuth());
        float cx = (float) (ce * ca);
        float cy = (float) (ce * sa);
        float cz = (float) se;
        float fce = (float) ce;
        float fsa = (float) sa;
        float[] out = new float[w.length];
        boolean correct = variant == Variant.CORRECT;
        for (int t = 0; t < out.length; t++) {
            out[t] = correct
                    ? ((w[t] + cx * x[t]) + cy * y[t]) + cz * z[t]
                    : (w[t] + ((cx * x[t]) / fce) * fsa * y[t]) + cz * z[t];
        }
        return out;
    }
}
