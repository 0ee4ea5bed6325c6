package io.visage.core.generate;

import io.visage.nn.ShapeMismatchException;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a clip is conditioned on, for a batch of B clips of F CLIP frames each.
 *
 * @param clip      CLIP ViT-B/32 image embeddings [B, F, d_clip] (float32)
 * @param energy    patchwise energy maps [B, F, 49], or null (term skipped; mono models: always null)
 * @param direction camera direction unit vectors [B, 3], or null (term skipped; mono: always null)
 */
public record Conditions(INDArray clip, INDArray energy, INDArray direction) {
    public Conditions {
        if (clip == null || clip.rank() != 3) {
            throw new ShapeMismatchException("clip features must be [B, F, d_clip], found "
                    + (clip == null ? "null" : Arrays.toString(clip.shape())));
        }
        long b = clip.size(0);
        long f = clip.size(1);
        if (energy != null && (energy.rank() != 3 || energy.size(0) != b || energy.size(1) != f)) {
            throw new ShapeMismatchException("energy maps must be [" + b + ", " + f
                    + ", 49] like the clip features, found " + Arrays.toString(energy.shape()));
        }
        if (direction != null && (direction.rank() != 2 || direction.size(0) != b)) {
            throw new ShapeMismatchException(
                    "direction must be [" + b + ", 3], found " + Arrays.toString(direction.shape()));
        }
    }

    public int batch() {
        return (int) clip.size(0);
    }

    /** CLIP frames F. */
    public int frames() {
        return (int) clip.size(1);
    }
}
