package io.visage.audio.dac;

import io.visage.nn.autodiff.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What {@code DAC.encode} returns. Axes: B batch, D latent_dim, n quantizer levels used, T frames.
 *
 * @param z              quantised latent Σ_i out_proj_i(codebook_i[code_i]) [B, D, T]
 * @param codes          codebook indices [B, n, T], int64
 * @param latents        each level's projection in_proj_i(residual_i), concatenated [B, Σ d_i, T]
 * @param commitmentLoss Σ_i mean((z_e,i − z_q,i)²), gradient to the encoder (scalar); with quantizer
 *                       dropout each level's term counts only the items that use the level
 *                       (Σ over those items / (B·d·T), the reference's {@code (loss_i · mask).mean()})
 * @param codebookLoss   the same value, gradient to the codebooks (scalar)
 */
public record DacEncoding(Tensor z, INDArray codes, Tensor latents, Tensor commitmentLoss, Tensor codebookLoss) {}
