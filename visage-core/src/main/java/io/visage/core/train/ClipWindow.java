package io.visage.core.train;

import io.visage.core.pattern.CodePattern;
import io.visage.core.pattern.TokenGrid;
import io.visage.nn.ShapeMismatchException;
import java.util.Arrays;

/**
 * The reference's evaluation item ({@code PreprocessorAmbi.preprocess_eval}, SPEC §4.3): a clip
 * is cut to its first {@code seconds} seconds. Codes with more whole seconds than that are cut;
 * otherwise they are cut or right-padded with the pad id to exactly {@code seconds · dac_frame_rate}
 * frames (padded cells become label −100). CLIP features and energy maps are cut to
 * {@code seconds · clip_frame_rate} frames, never padded.
 *
 * @param seconds       seconds to use (5 in the reference)
 * @param dacFrameRate  codec frames per second (86)
 * @param clipFrameRate CLIP frames per second (4)
 */
public record ClipWindow(int seconds, int dacFrameRate, int clipFrameRate) {
    public ClipWindow {
        if (seconds < 1 || dacFrameRate < 1 || clipFrameRate < 1) {
            throw new IllegalArgumentException("ClipWindow needs positive seconds and rates, got " + seconds + ", "
                    + dacFrameRate + ", " + clipFrameRate);
        }
    }

    /** Codec frames of a window. */
    public int codeFrames() {
        return seconds * dacFrameRate;
    }

    /** CLIP frames of a window. */
    public int clipFrames() {
        return seconds * clipFrameRate;
    }

    /**
     * Cuts or right-pads codes to {@link #codeFrames()} frames.
     *
     * @param codes [K, T] codebook-major
     * @return [K, codeFrames()] codebook-major
     */
    public long[] codes(long[] codes, int codebooks, int frames, long padId) {
        if ((long) codebooks * frames != codes.length) {
            throw new ShapeMismatchException(
                    "codes must be [" + codebooks + ", T] with T = " + frames + ", got " + codes.length + " values");
        }
        int n = codeFrames();
        long[] out = new long[codebooks * n];
        Arrays.fill(out, padId);
        int keep = Math.min(n, frames);
        for (int c = 0; c < codebooks; c++) {
            System.arraycopy(codes, c * frames, out, c * n, keep);
        }
        return out;
    }

    /**
     * The first {@link #clipFrames()} rows of a per-frame feature [F, W] (fewer if F is shorter).
     *
     * @return [min(F, clipFrames()), W]
     */
    public float[] frames(float[] features, int rows, int width) {
        if ((long) rows * width != features.length) {
            throw new ShapeMismatchException(
                    "features must be [" + rows + ", " + width + "], got " + features.length + " values");
        }
        return Arrays.copyOf(features, Math.min(rows, clipFrames()) * width);
    }

    /** One training/evaluation item's decoder tensors. */
    public record Targets(TokenGrid decoderInputs, TokenGrid labels) {}

    /** Window, interleave, drop the last row for the inputs, replace pads by {@code ignoreIndex} for the labels. */
    public Targets targets(CodePattern pattern, long[] codes, int frames, long ignoreIndex) {
        long[] windowed = codes(codes, pattern.codebooks(), frames, pattern.padId());
        TokenGrid inter = pattern.interleave(windowed, codeFrames());
        return new Targets(pattern.decoderInputs(inter), pattern.labels(inter, ignoreIndex));
    }
}
