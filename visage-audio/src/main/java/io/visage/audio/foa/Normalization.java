package io.visage.audio.foa;

/**
 * Scaling of the first-order components. {@link #gain(Component)} is each component's gain relative
 * to SN3D, so a plane wave of amplitude 1 from unit direction u has {@code W = gain(W)} and
 * {@code X = gain(X)·u_x} (likewise Y, Z).
 */
public enum Normalization {
    /** Schmidt semi-normalised (ambiX): W = 1 for a unit plane wave, X/Y/Z = direction cosines. */
    SN3D(1.0, 1.0),
    /** Fully normalised: directional components scaled by √3 relative to SN3D. */
    N3D(1.0, Math.sqrt(3.0)),
    /** Furse-Malham maxN (first order): W scaled by 1/√2 (−3 dB), X/Y/Z as SN3D. */
    FUMA(1.0 / Math.sqrt(2.0), 1.0);

    private final double w;
    private final double xyz;

    Normalization(double w, double xyz) {
        this.w = w;
        this.xyz = xyz;
    }

    /** Gain of component {@code c} relative to SN3D. */
    public double gain(Component c) {
        return c == Component.W ? w : xyz;
    }
}
