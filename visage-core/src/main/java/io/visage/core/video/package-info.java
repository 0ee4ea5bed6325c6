/**
 * Video frames as the model sees them: the reference's ffmpeg chain
 * {@code fps=4 → scale (short side 224) → crop 224×224 → rgb24}, streamed (never the whole
 * video in memory), behind {@link io.visage.core.video.FrameSource} and chosen by
 * {@link io.visage.core.video.VideoDecoder}.
 *
 * <p><b>FFmpeg</b> ({@link io.visage.core.video.FfmpegFrameSource}, natives from
 * {@code org.bytedeco:ffmpeg}): every container and codec of the FFmpeg 6.0 build (MP4/MOV, MKV,
 * WebM, AVI; H.264 of any profile, bit depth and chroma, interlaced; HEVC, VP8/VP9, AV1 through
 * libaom, MPEG-4 Part 2, ProRes), display rotation applied. It runs the reference's filter chain
 * itself ({@link io.visage.core.video.ExtractionFilter}), so frames are byte-equal to the ffmpeg
 * command line's (tested on committed clips of eleven codec/container kinds).
 *
 * <p><b>JCodec</b> ({@link io.visage.core.video.FrameSampler}, pure Java): MP4/MOV (ISO BMFF)
 * with H.264 4:2:0 8-bit progressive video in Baseline, Main and High profiles (CAVLC and CABAC,
 * B-frames). Not supported, each reported by {@link io.visage.core.video.VideoFormatException}
 * naming the file: other containers, other codecs, H.264 High 4:4:4 / 4:2:2 / 10-bit and
 * interlaced streams, files without a video track, truncated files. It chooses the same source
 * frames as ffmpeg ({@link io.visage.core.video.FpsRule}); pixels differ by 30.4 dB PSNR (max 107
 * levels) on the committed 640×360 clip because swscale shares each chroma sample between two
 * output pixels and uses fixed-point taps, while this code interpolates chroma per pixel in float.
 * The differences concentrate at sharp chroma edges; flat regions agree within a few levels.
 */
package io.visage.core.video;
