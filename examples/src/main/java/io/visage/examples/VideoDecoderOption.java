package io.visage.examples;

import io.visage.core.video.VideoDecoder;
import picocli.CommandLine.Option;

/** The {@code --video-decoder} option of every command that reads video files. */
public final class VideoDecoderOption {
    @Option(
            names = "--video-decoder",
            defaultValue = "auto",
            paramLabel = "auto|ffmpeg|jcodec",
            converter = Converter.class,
            description = {
                "video decoder (default ${DEFAULT-VALUE}): jcodec = pure Java, MP4/MOV with 8-bit 4:2:0 H.264 only;",
                "ffmpeg = FFmpeg natives, any container/codec (MKV, WebM, AVI; HEVC, VP8/9, AV1, MPEG-4, ProRes,",
                "10-bit, 4:4:4, interlaced), frames byte-equal to the reference's ffmpeg extraction;",
                "auto = JCodec, FFmpeg when JCodec cannot read the file"
            })
    VideoDecoder decoder = VideoDecoder.AUTO;

    /** The chosen decoder. */
    public VideoDecoder get() {
        return decoder;
    }

    /** Case-insensitive names. */
    static final class Converter implements picocli.CommandLine.ITypeConverter<VideoDecoder> {
        @Override
        public VideoDecoder convert(String value) {
            for (VideoDecoder d : VideoDecoder.values()) {
                if (d.name().equalsIgnoreCase(value)) {
                    return d;
                }
            }
            throw new picocli.CommandLine.TypeConversionException(
                    "'" + value + "' is not a video decoder; choose auto, ffmpeg or jcodec");
        }
    }
}
