/**
 * Video frame sampling with JCodec, reproducing the reference's ffmpeg chain
 * {@code fps=4 → scale (short side 224) → crop 224×224 → rgb24} while streaming (a bounded
 * reorder buffer, never the whole video in memory).
 *
 * <p>Supported: MP4/MOV (ISO BMFF) with H.264 4:2:0 8-bit progressive video in Baseline, Main
 * and High profiles (CAVLC and CABAC, B-frames). Not supported, each reported by
 * {@link VideoFormatException} naming the file: other containers (MKV, WebM, AVI: JCodec cannot
 * detect them), other codecs (MPEG-4 Part 2, HEVC, VP9, AV1), H.264 High 4:4:4 / 4:2:2 / 10-bit
 * and interlaced streams (JCodec's decoder lacks them), files without a video track, truncated
 * files.
 *
 * <p>Parity with ffmpeg 5.1 ({@code fps=4,scale=398:224,crop=224:224:87:0}, rgb24) on the committed
 * 640×360 High-profile test clip: the same 20 source frames are chosen; pixels differ by 30.4 dB
 * PSNR (max 107 levels) because swscale shares each chroma sample between two output pixels and
 * uses fixed-point taps, while this code interpolates chroma per pixel in float. The differences
 * concentrate at sharp chroma edges (the colour-bar borders); flat regions agree within a few levels.
 */
package io.visage.core.video;
