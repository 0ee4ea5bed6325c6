package io.visage.core.generate;

import io.visage.core.pattern.TokenGrid;
import io.visage.nn.ShapeMismatchException;

/**
 * Known first codec frames of the clips of a generation (a continuation prefix): time-major codes
 * {@code [B, P, K]}. {@link Generator#generate(Conditions, Guidance, Sampler, Prompt,
 * GenerationProgress)} teacher-forces them through the code pattern: at every step, a live head
 * whose cell belongs to a frame {@code f < P} is fed the prompt's code instead of being sampled
 * (its head is not evaluated and the sampler's RNG is not drawn); every other cell is sampled as
 * without a prompt. Immutable.
 */
public final class Prompt {
    private static final Prompt NONE = new Prompt(null);

    private final TokenGrid codes;

    private Prompt(TokenGrid codes) {
        this.codes = codes;
    }

    /** No known frames: generation as without a prompt. */
    public static Prompt none() {
        return NONE;
    }

    /**
     * The first {@code codes.rows()} codec frames of each clip.
     *
     * @param codes [B, P, K] time-major, P ≥ 1 (codebook c = channel·num_rvq + level)
     */
    public static Prompt of(TokenGrid codes) {
        if (codes == null || codes.rows() < 1) {
            throw new IllegalArgumentException(
                    "a prompt needs at least one codec frame" + (codes == null ? "" : ", got " + codes));
        }
        return new Prompt(codes);
    }

    /** Prompt frames P (0 for {@link #none()}). */
    public int frames() {
        return codes == null ? 0 : codes.rows();
    }

    /** The codes [B, P, K]; none for {@link #none()}. */
    public TokenGrid codes() {
        if (codes == null) {
            throw new IllegalStateException("the empty prompt has no codes");
        }
        return codes;
    }

    /** The code of codebook {@code k} of frame {@code f} (< P) of clip {@code b}. */
    long code(int b, int f, int k) {
        return codes.get(b, f, k);
    }

    /**
     * Checks the prompt against a generation of {@code batch} clips, {@code codebooks} codebooks,
     * {@code frames} codec frames and codes in [0, vocab).
     */
    void check(int batch, int codebooks, int frames, int vocab) {
        if (codes == null) {
            return;
        }
        if (codes.batch() != batch || codes.codebooks() != codebooks) {
            throw new ShapeMismatchException(
                    "prompt codes must be [" + batch + ", P, " + codebooks + "] for this generation, got " + codes);
        }
        if (codes.rows() > frames) {
            throw new IllegalArgumentException("a prompt of " + codes.rows() + " codec frames is longer than the "
                    + frames + " frames of the clip");
        }
        for (int b = 0; b < batch; b++) {
            for (int f = 0; f < codes.rows(); f++) {
                for (int k = 0; k < codebooks; k++) {
                    long v = codes.get(b, f, k);
                    if (v < 0 || v >= vocab) {
                        throw new IllegalArgumentException("prompt code [" + b + ", " + f + ", " + k + "] = " + v
                                + " is outside the vocabulary [0, " + vocab + ")");
                    }
                }
            }
        }
    }

    @Override
    public String toString() {
        return codes == null ? "Prompt.none" : "Prompt" + codes;
    }
}
