package io.visage.eval.semantic.passt;

import io.visage.nn.autodiff.Tensor;
import java.util.List;

/**
 * Every intermediate of one {@link Passt#trace} forward, named as the reference's modules (B clips,
 * T mel frames, F × T' patches, N = 2 + F·T' tokens, D width, C classes).
 *
 * @param mel        the front end's output [B, 128, T]
 * @param patchEmbed {@code patch_embed} output [B, D, F, T']
 * @param tokens     [cls; dist; patches] with their positional embeddings (the input of
 *                   {@code blocks}) [B, N, D]
 * @param blocks     the output of each {@code blocks.i}, [B, N, D] each
 * @param norm       the final {@code norm} [B, N, D]
 * @param features   {@code (norm[:, 0] + norm[:, 1]) / 2} [B, D]
 * @param logits     {@code head(features)} [B, C]
 */
public record PasstTrace(
        Tensor mel,
        Tensor patchEmbed,
        Tensor tokens,
        List<Tensor> blocks,
        Tensor norm,
        Tensor features,
        Tensor logits) {
    public PasstTrace {
        blocks = List.copyOf(blocks);
    }
}
