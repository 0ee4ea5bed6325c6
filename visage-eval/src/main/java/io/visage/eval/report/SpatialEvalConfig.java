package io.visage.eval.report;

import io.visage.eval.spatial.SphereGrid;
import io.visage.eval.spatial.SphericalHarmonicDecoder;

/**
 * Constants of the spatial evaluation.
 *
 * @param clipSeconds    every clip is truncated or zero-padded to this many seconds (5)
 * @param fineWindowsPerSecond windows per second of the "5fps" maps (5: windows of {@code sr / 5} samples)
 * @param decoder        decoding weights ({@link SphericalHarmonicDecoder#REFERENCE_SQRT2} for parity)
 * @param grid           direction grid ({@link SphereGrid#REFERENCE})
 */
public record SpatialEvalConfig(
        int clipSeconds, int fineWindowsPerSecond, SphericalHarmonicDecoder decoder, SphereGrid grid) {
    /** The reference evaluation: 5 s clips, 1 s and 0.2 s windows, the sqrt(2) matrix, 2-degree grid. */
    public static final SpatialEvalConfig REFERENCE =
            new SpatialEvalConfig(5, 5, SphericalHarmonicDecoder.REFERENCE_SQRT2, SphereGrid.REFERENCE);

    public SpatialEvalConfig {
        if (clipSeconds <= 0 || fineWindowsPerSecond <= 0) {
            throw new IllegalArgumentException("clipSeconds and fineWindowsPerSecond must be positive, were "
                    + clipSeconds + " and " + fineWindowsPerSecond);
        }
        if (decoder == null || grid == null) {
            throw new IllegalArgumentException("decoder and grid are required");
        }
    }

    /** The same evaluation with other decoding weights (e.g. {@link SphericalHarmonicDecoder#SN3D}). */
    public SpatialEvalConfig withDecoder(SphericalHarmonicDecoder d) {
        return new SpatialEvalConfig(clipSeconds, fineWindowsPerSecond, d, grid);
    }

    /** Samples per clip at a sample rate. */
    public int clipSamples(int sampleRateHz) {
        return clipSeconds * sampleRateHz;
    }

    /**
     * Samples per fine window ({@code sr // 5} in the reference).
     *
     * @throws IllegalArgumentException when the windows do not tile the clip (the reference's
     *     {@code view} would fail)
     */
    public int fineWindowSamples(int sampleRateHz) {
        int w = sampleRateHz / fineWindowsPerSecond;
        if (w == 0 || clipSamples(sampleRateHz) % w != 0) {
            throw new IllegalArgumentException("sample rate " + sampleRateHz + " Hz: " + clipSeconds + " s cannot be"
                    + " split into windows of " + sampleRateHz + " / " + fineWindowsPerSecond + " samples");
        }
        return w;
    }
}
