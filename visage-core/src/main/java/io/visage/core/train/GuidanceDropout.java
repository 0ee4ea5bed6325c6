package io.visage.core.train;

import io.visage.core.model.Visage;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import java.util.random.RandomGenerator;

/**
 * The reference's classifier-free-guidance dropout (SPEC §4.5), applied per forward call (per
 * batch, not per sample): with probability p the CLIP frames and energy maps of the whole batch
 * become the null embeddings; independently, with probability p the directions do. The nulls are
 * parameters, so they learn. Draws come from the caller's RNG (two per call, in that order, the
 * second only when a direction is given).
 *
 * @param probability p ({@code cfg_dropout_prob})
 */
public record GuidanceDropout(double probability) {
    public GuidanceDropout {
        if (!(probability >= 0 && probability < 1)) {
            throw new IllegalArgumentException("cfg dropout probability must be in [0, 1), got " + probability);
        }
    }

    /** Conditions after dropout. */
    public record Inputs(Tensor clip, Tensor energy, Tensor direction) {}

    /**
     * @param clip [B, F, d_clip]; @param energy [B, F, 49] or null; @param direction [B, 3] or null
     */
    public Inputs apply(Ops ops, Visage model, Tensor clip, Tensor energy, Tensor direction, RandomGenerator rng) {
        if (model.nullEmbedding() == null) {
            return new Inputs(clip, energy, direction);
        }
        long b = clip.size(0);
        long f = clip.size(1);
        if (rng.nextDouble() < probability) {
            clip = model.expandNull(ops, model.nullEmbedding(), b, f);
            if (model.energyNullEmbedding() != null) {
                energy = model.expandNull(ops, model.energyNullEmbedding(), b, f);
            }
        }
        if (direction != null && rng.nextDouble() < probability) {
            direction = model.expandNull(ops, model.dirNullEmbedding(), b);
        }
        return new Inputs(clip, energy, direction);
    }
}
