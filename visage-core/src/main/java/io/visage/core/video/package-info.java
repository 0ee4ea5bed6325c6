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
 */
package io.visage.core.video;
