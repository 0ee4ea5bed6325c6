package io.visage.core.generate;

import io.visage.core.pattern.TokenGrid;

/**
 * The result of a generation.
 *
 * @param codes time-major codes [B, T_out, K] after de-interleaving and padding by repetition of
 *              the last frame (codebook c = channel·num_rvq + level)
 * @param rows  the generated interleaved rows [B, steps, K] (pad where a codebook was not predicted)
 */
public record Generation(TokenGrid codes, TokenGrid rows) {}
