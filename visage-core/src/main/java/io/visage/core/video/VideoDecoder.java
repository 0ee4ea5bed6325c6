package io.visage.core.video;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which library decodes video files.
 * <ul>
 *   <li>{@link #JCODEC}: pure Java, no natives; MP4/MOV with 8-bit 4:2:0 progressive H.264 only.
 *       Frames match the reference's ffmpeg extraction in selection, not bytes (about 30 dB PSNR,
 *       see the package notes).</li>
 *   <li>{@link #FFMPEG}: FFmpeg natives through JavaCPP; every container and codec of the FFmpeg
 *       build, frames byte-equal to the reference's ffmpeg extraction ({@link FfmpegFrameSource}).</li>
 *   <li>{@link #AUTO}: JCodec when it reads the file; FFmpeg when JCodec cannot open it or fails
 *       before its first frame (other containers and codecs, 10-bit, 4:4:4, interlaced).</li>
 * </ul>
 */
public enum VideoDecoder {
    AUTO,
    FFMPEG,
    JCODEC;

    /**
     * Opens {@code file} for frames at {@code fps}, scaled and cropped to {@code size}.
     *
     * @throws VideoFormatException naming the file when no allowed decoder can read it (for
     *                              {@link #FFMPEG}, also when the FFmpeg natives are absent)
     */
    public FrameSource open(Path file, double fps, int size) {
        return switch (this) {
            case JCODEC -> FrameSampler.open(file, fps, size);
            case FFMPEG -> FfmpegFrameSource.open(file, fps, size);
            case AUTO -> openAuto(file, fps, size);
        };
    }

    /** Reads all frames of {@code file} (convenience for short clips; {@link #open} streams). */
    public List<RgbImage> readAll(Path file, double fps, int size) {
        try (FrameSource s = open(file, fps, size)) {
            List<RgbImage> out = new ArrayList<>();
            for (RgbImage f = s.next(); f != null; f = s.next()) {
                out.add(f);
            }
            return out;
        }
    }

    private static FrameSource openAuto(Path file, double fps, int size) {
        VideoFormatException jcodecProblem;
        try {
            FrameSampler s = FrameSampler.open(file, fps, size);
            try {
                return new Peeked(s, s.next());
            } catch (VideoFormatException e) {
                s.close();
                jcodecProblem = e;
            }
        } catch (VideoFormatException e) {
            jcodecProblem = e;
        }
        if (!FfmpegFrameSource.available()) {
            throw new VideoFormatException(
                    file, "JCodec cannot read it and " + FfmpegFrameSource.unavailableReason(), jcodecProblem);
        }
        return FfmpegFrameSource.open(file, fps, size);
    }

    /** A source whose first frame was already read (to learn that its decoder works). */
    private static final class Peeked implements FrameSource {
        private final FrameSource inner;
        private RgbImage first;
        private boolean firstTaken;

        Peeked(FrameSource inner, RgbImage first) {
            this.inner = inner;
            this.first = first;
        }

        @Override
        public RgbImage next() {
            if (!firstTaken) {
                firstTaken = true;
                RgbImage f = first;
                first = null;
                return f;
            }
            return inner.next();
        }

        @Override
        public VideoDecoder decoder() {
            return inner.decoder();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
