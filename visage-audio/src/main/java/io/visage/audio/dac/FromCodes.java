package io.visage.audio.dac;

import io.visage.nn.autodiff.Tensor;

/**
 * What {@code quantizer.from_codes} returns.
 *
 * @param z  the latent to decode, Σ_i out_proj_i(codebook_i[codes_i]) [B, latent_dim, T]
 * @param zp the raw codebook vectors of every level, concatenated [B, Σ d_i, T]
 */
public record FromCodes(Tensor z, Tensor zp) {}
