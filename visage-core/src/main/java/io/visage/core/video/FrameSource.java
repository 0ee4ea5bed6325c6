package io.visage.core.video;

/**
 * A stream of the frames the model sees: sampled at the clip frame rate, scaled and centre-cropped
 * to the CLIP resolution, rgb24. Sequential, not thread-safe; close it.
 */
public interface FrameSource extends AutoCloseable {
    /**
     * The next frame, or null after the last.
     *
     * @throws VideoFormatException naming the file when decoding fails or the file is truncated
     */
    RgbImage next();

    /** The decoder that produces the frames ({@link VideoDecoder#JCODEC} or {@link VideoDecoder#FFMPEG}). */
    VideoDecoder decoder();

    @Override
    void close();
}
