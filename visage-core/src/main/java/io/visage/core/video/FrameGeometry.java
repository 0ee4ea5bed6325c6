package io.visage.core.video;

import io.visage.nn.ConfigException;

/**
 * The reference's scale-and-crop geometry (SPEC §5.1, {@code data/infer_clip.py}): the short side
 * becomes {@code size}, the long side {@code size · long / short} (integer division), then a
 * {@code size}×{@code size} crop at ((W' − size) / 2, (H' − size) / 2), integer division.
 *
 * @param sourceWidth  W
 * @param sourceHeight H
 * @param scaledWidth  W'
 * @param scaledHeight H'
 * @param cropX        left of the crop in the scaled image
 * @param cropY        top of the crop in the scaled image
 * @param size         output side
 */
public record FrameGeometry(
        int sourceWidth, int sourceHeight, int scaledWidth, int scaledHeight, int cropX, int cropY, int size) {

    /** The geometry for a W×H source. */
    public static FrameGeometry of(int width, int height, int size) {
        if (width <= 0 || height <= 0 || size <= 0) {
            throw new ConfigException(
                    "frame geometry needs positive sizes, got " + width + "x" + height + " -> " + size);
        }
        int sw = width < height ? size : (int) ((long) size * width / height);
        int sh = width >= height ? size : (int) ((long) size * height / width);
        return new FrameGeometry(width, height, sw, sh, (sw - size) / 2, (sh - size) / 2, size);
    }
}
