package io.visage.core.video;

import io.visage.nn.ShapeMismatchException;
import java.util.Arrays;

/**
 * An 8-bit RGB image, row-major interleaved (rgb24, as ffmpeg's {@code pix_fmt rgb24}): the byte
 * of channel c at (row y, column x) is {@code rgb[(y * width + x) * 3 + c]}, read unsigned.
 *
 * @param width  pixels per row, > 0
 * @param height rows, > 0
 * @param rgb    width·height·3 bytes (not copied)
 */
public record RgbImage(int width, int height, byte[] rgb) {
    public RgbImage {
        if (width <= 0 || height <= 0 || rgb == null || rgb.length != (long) width * height * 3) {
            throw new ShapeMismatchException("RGB image " + width + "x" + height + " needs " + (long) width * height * 3
                    + " bytes but has " + (rgb == null ? "none" : rgb.length));
        }
    }

    /** Channel {@code c} (0 = R) at column x, row y, 0..255. */
    public int get(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xff;
    }

    /** The sub-image [left, left+w) × [top, top+h), copied. */
    public RgbImage crop(int left, int top, int w, int h) {
        if (left < 0 || top < 0 || w <= 0 || h <= 0 || left + w > width || top + h > height) {
            throw new ShapeMismatchException("crop " + w + "x" + h + " at (" + left + ", " + top + ") lies outside the "
                    + width + "x" + height + " image");
        }
        byte[] out = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            System.arraycopy(rgb, ((top + y) * width + left) * 3, out, y * w * 3, w * 3);
        }
        return new RgbImage(w, h, out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RgbImage r && r.width == width && r.height == height && Arrays.equals(r.rgb, rgb);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(rgb);
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "x" + height + "]";
    }
}
