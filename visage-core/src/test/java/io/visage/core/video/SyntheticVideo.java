package io.visage.core.video;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.jcodec.api.SequenceEncoder;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;

/**
 * Writes small H.264 (JCodec encoder: Constrained Baseline, no B-frames) MP4 test clips, for
 * benchmarks and self-contained tests: seven vertical 75 % colour bars (grey, yellow, cyan,
 * green, magenta, red, blue) with a white square that moves one bar-width per second, so frame
 * content depends on time.
 */
public final class SyntheticVideo {
    /** The bar colours, RGB. */
    public static final int[][] BARS = {
        {191, 191, 191}, {191, 191, 0}, {0, 191, 191}, {0, 191, 0}, {191, 0, 191}, {191, 0, 0}, {0, 0, 191}
    };

    private SyntheticVideo() {}

    /**
     * @param width   even, ≥ 16
     * @param height  even, ≥ 16
     * @param fps     frames per second
     * @param frames  number of frames
     */
    public static void writeColourBars(Path file, int width, int height, int fps, int frames) {
        if (width < 16 || height < 16 || width % 2 != 0 || height % 2 != 0 || fps < 1 || frames < 1) {
            throw new IllegalArgumentException("synthetic video needs even sizes >= 16, fps >= 1, frames >= 1; got "
                    + width + "x" + height + " " + fps + " fps " + frames + " frames");
        }
        try {
            SequenceEncoder enc = SequenceEncoder.createSequenceEncoder(file.toFile(), fps);
            Picture pic = Picture.create(width, height, ColorSpace.RGB);
            byte[] data = pic.getPlaneData(0);
            int box = height / 6;
            for (int f = 0; f < frames; f++) {
                int boxX = (int) ((long) f * width / (7L * fps)) % (width - box);
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        int[] c = BARS[x * 7 / width];
                        boolean white = y >= height / 2 && y < height / 2 + box && x >= boxX && x < boxX + box;
                        int i = (y * width + x) * 3;
                        for (int k = 0; k < 3; k++) {
                            data[i + k] = (byte) ((white ? 235 : c[k]) - 128);
                        }
                    }
                }
                enc.encodeNativeFrame(pic);
            }
            enc.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write synthetic video: " + e.getMessage(), e);
        }
    }
}
