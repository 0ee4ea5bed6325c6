package io.visage.core.video;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jcodec.api.FrameGrab;
import org.jcodec.api.PictureWithMetadata;
import org.jcodec.common.io.FileChannelWrapper;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;

/**
 * Streams the frames the reference's ffmpeg chain would produce: {@code fps} sampling by
 * presentation time ({@link FpsRule}), bicubic scaling of the short side to {@code size}
 * ({@link BicubicScaler}, done per YUV plane only over the crop window), the centre crop of
 * {@link FrameGeometry}, then BT.601 limited-range YUV → RGB (ffmpeg's default for untagged
 * H.264), rounded to 8 bits.
 *
 * <p>JCodec returns pictures in decode order (B-frames), possibly in reused buffers, so each is
 * copied into a reorder buffer of at most {@value #REORDER_FRAMES} frames (H.264's maximum DPB
 * depth) and released in presentation order; memory stays bounded however long the video is.
 * Sequential decoding only (no seeking). Not thread-safe; close it.
 */
public final class FrameSampler implements FrameSource {
    /** Reorder-buffer depth (decoded frames held before the earliest is final). */
    public static final int REORDER_FRAMES = 16;

    private final Path file;
    private final FileChannelWrapper channel;
    private final FrameGrab grab;
    private final double fps;
    private final int size;
    private final int totalFrames;
    private final TreeMap<Double, Decoded> reorder = new TreeMap<>();
    private final ArrayDeque<RgbImage> ready = new ArrayDeque<>();
    private FrameGeometry geometry;
    private BicubicScaler.Axis[] axes;
    private double end = Double.NEGATIVE_INFINITY;
    private int decoded;
    private boolean eof;

    private record Decoded(double pts, double duration, int width, int height, byte[] y, byte[] u, byte[] v) {}

    private FrameSampler(Path file, FileChannelWrapper channel, FrameGrab grab, double fps, int size, int totalFrames) {
        this.file = file;
        this.channel = channel;
        this.grab = grab;
        this.fps = fps;
        this.size = size;
        this.totalFrames = totalFrames;
    }

    /**
     * Opens an MP4/MOV file.
     *
     * @param fps  output frame rate (ViSAGe: 4)
     * @param size output side (ViSAGe: 224)
     * @throws VideoFormatException naming the file when it is missing, not MP4/MOV, has no
     *                              video track or an unsupported codec
     */
    public static FrameSampler open(Path file, double fps, int size) {
        if (!(fps > 0) || size <= 0) {
            throw new IllegalArgumentException("fps and size must be positive, got fps " + fps + ", size " + size);
        }
        if (!Files.isRegularFile(file)) {
            throw new VideoFormatException(file, "no such video file");
        }
        FileChannelWrapper ch = null;
        try {
            ch = NIOUtils.readableChannel(file.toFile());
            FrameGrab g = FrameGrab.createFrameGrab(ch);
            if (g.getVideoTrack() == null) {
                throw new VideoFormatException(file, "the file has no video track");
            }
            int total = g.getVideoTrack().getMeta() == null
                    ? -1
                    : g.getVideoTrack().getMeta().getTotalFrames();
            return new FrameSampler(file, ch, g, fps, size, total);
        } catch (VideoFormatException e) {
            NIOUtils.closeQuietly(ch);
            throw e;
        } catch (Exception | Error e) {
            NIOUtils.closeQuietly(ch);
            if (e instanceof Error err && !(err instanceof AssertionError || err instanceof StackOverflowError)) {
                throw err;
            }
            throw new VideoFormatException(file, classifyOpenFailure(e), e);
        }
    }

    private static String classifyOpenFailure(Throwable e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("Could not detect the format")) {
            return "not an MP4/MOV file (JCodec reads only ISO BMFF containers; MKV, WebM and AVI are not supported)";
        }
        if (m.contains("Codec is not supported") || m.contains("codec")) {
            return "the video codec is not supported (only H.264 is decoded; MPEG-4 Part 2, HEVC, VP9 and AV1 are not)";
        }
        if (e instanceof NullPointerException) {
            return "the file has no usable video track or its MP4 structure is incomplete (truncated?)";
        }
        return "cannot open the video (damaged or unsupported file)";
    }

    /** Reads all sampled frames (convenience for short clips). */
    public static List<RgbImage> readAll(Path file, double fps, int size) {
        return VideoDecoder.JCODEC.readAll(file, fps, size);
    }

    @Override
    public VideoDecoder decoder() {
        return VideoDecoder.JCODEC;
    }

    /** The scale/crop geometry, known after the first frame is decoded (null before). */
    public FrameGeometry geometry() {
        return geometry;
    }

    /**
     * The next output frame, size×size RGB, or null after the last. Repeated frames (when the
     * source rate is below {@code fps}) are the same object.
     *
     * @throws VideoFormatException naming the file when decoding fails or the file is truncated
     */
    @Override
    public RgbImage next() {
        while (ready.isEmpty()) {
            if (!eof && reorder.size() <= REORDER_FRAMES) {
                pull();
                continue;
            }
            if (reorder.isEmpty()) {
                return null;
            }
            Map.Entry<Double, Decoded> first = reorder.pollFirstEntry();
            Double nextKey = reorder.isEmpty() ? null : reorder.firstKey();
            int copies = nextKey == null
                    ? FpsRule.copies(first.getKey(), Double.NaN, end, fps)
                    : FpsRule.copies(first.getKey(), nextKey, Double.POSITIVE_INFINITY, fps);
            if (copies > 0) {
                RgbImage img = convert(first.getValue());
                for (int i = 0; i < copies; i++) {
                    ready.add(img);
                }
            }
        }
        return ready.poll();
    }

    private void pull() {
        PictureWithMetadata pm;
        try {
            pm = grab.getNativeFrameWithMetadata();
        } catch (IOException | RuntimeException e) {
            throw new VideoFormatException(file, decodeProblem(e) + " at decoded frame " + decoded, e);
        }
        if (pm == null || pm.getPicture() == null) {
            eof = true;
            if (decoded == 0) {
                throw new VideoFormatException(file, "no decodable video frames (empty or truncated video track)");
            }
            if (totalFrames > 0 && decoded < totalFrames) {
                throw new VideoFormatException(
                        file, "truncated: decoded " + decoded + " of " + totalFrames + " frames");
            }
            return;
        }
        Picture p = pm.getPicture();
        ColorSpace cs = p.getColor();
        if (p.isHiBD() || (cs != ColorSpace.YUV420 && cs != ColorSpace.YUV420J)) {
            throw new VideoFormatException(
                    file,
                    "unsupported picture format " + cs + (p.isHiBD() ? " (high bit depth)" : "")
                            + "; only 8-bit 4:2:0 video is supported");
        }
        decoded++;
        double pts = pm.getTimestamp();
        double dur = pm.getDuration();
        end = Math.max(end, pts + (dur > 0 ? dur : 0));
        int w = p.getCroppedWidth();
        int h = p.getCroppedHeight();
        byte[] y = copyPlane(p, 0, p.getStartX(), p.getStartY(), w, h);
        byte[] u = copyPlane(p, 1, p.getStartX() / 2, p.getStartY() / 2, (w + 1) / 2, (h + 1) / 2);
        byte[] v = copyPlane(p, 2, p.getStartX() / 2, p.getStartY() / 2, (w + 1) / 2, (h + 1) / 2);
        reorder.put(pts, new Decoded(pts, dur, w, h, y, u, v));
    }

    private static String decodeProblem(Exception e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("Unsupported h264 feature") || m.contains("interlace")) {
            return "the H.264 stream uses a feature JCodec cannot decode (High 4:4:4/4:2:2, 10-bit or interlaced)";
        }
        return "decoding failed (damaged or truncated data, or an unsupported H.264 feature)";
    }

    private static byte[] copyPlane(Picture p, int plane, int x0, int y0, int w, int h) {
        byte[] src = p.getPlaneData(plane);
        int stride = p.getPlaneWidth(plane);
        byte[] out = new byte[w * h];
        for (int r = 0; r < h; r++) {
            System.arraycopy(src, (y0 + r) * stride + x0, out, r * w, w);
        }
        return out;
    }

    private RgbImage convert(Decoded d) {
        if (geometry == null || geometry.sourceWidth() != d.width() || geometry.sourceHeight() != d.height()) {
            geometry = FrameGeometry.of(d.width(), d.height(), size);
            int cw = (d.width() + 1) / 2;
            int ch = (d.height() + 1) / 2;
            axes = new BicubicScaler.Axis[] {
                BicubicScaler.axis(d.width(), d.width(), geometry.scaledWidth(), geometry.cropX(), size),
                BicubicScaler.axis(d.height(), d.height(), geometry.scaledHeight(), geometry.cropY(), size),
                BicubicScaler.axis(cw, d.width() / 2.0, geometry.scaledWidth(), geometry.cropX(), size),
                BicubicScaler.axis(ch, d.height() / 2.0, geometry.scaledHeight(), geometry.cropY(), size)
            };
        }
        int cw = (d.width() + 1) / 2;
        int ch = (d.height() + 1) / 2;
        float[] y = BicubicScaler.resample(d.y(), d.width(), 128, 0, 0, d.height(), axes[0], axes[1]);
        float[] u = BicubicScaler.resample(d.u(), cw, 128, 0, 0, ch, axes[2], axes[3]);
        float[] v = BicubicScaler.resample(d.v(), cw, 128, 0, 0, ch, axes[2], axes[3]);
        return YuvToRgb.bt601Limited(y, u, v, size, size);
    }

    @Override
    public void close() {
        NIOUtils.closeQuietly(channel);
    }
}
