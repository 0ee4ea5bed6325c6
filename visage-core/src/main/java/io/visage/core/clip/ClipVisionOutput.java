package io.visage.core.clip;

import io.visage.nn.autodiff.Tensor;

/**
 * What the CLIP image tower returns.
 *
 * @param pooled {@code encode_image}: ln_post(class token) @ proj, [B, O], not L2-normalised
 * @param tokens transformer output for all tokens before {@code ln_post}, [B, N, D] (token 0 =
 *               class token); the energy-map input
 */
public record ClipVisionOutput(Tensor pooled, Tensor tokens) {}
