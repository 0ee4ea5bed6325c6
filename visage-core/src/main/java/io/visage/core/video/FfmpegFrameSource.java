package io.visage.core.video;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avfilter.AVFilterInOut;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_frame;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_add_frame_flags;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersrc_close;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_get_by_name;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_config;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_create_filter;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_free;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_parse_ptr;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_inout_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_inout_free;
import static org.bytedeco.ffmpeg.global.avformat.av_find_best_stream;
import static org.bytedeco.ffmpeg.global.avformat.av_guess_frame_rate;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_stream_get_side_data;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_QUIET;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_display_rotation_get;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_get_pix_fmt_name;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;
import static org.bytedeco.ffmpeg.global.avutil.av_strdup;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

/**
 * Frames through FFmpeg (libavformat, libavcodec, libavfilter via JavaCPP's
 * {@code org.bytedeco:ffmpeg}): any container and codec of the FFmpeg build (MP4/MOV, MKV/WebM,
 * AVI; H.264 of any profile, bit depth and chroma format, interlaced or not; HEVC, VP8/VP9, AV1,
 * MPEG-4 Part 2, ProRes, ...). Frames go through {@link ExtractionFilter}, the reference's filter
 * chain set up as the ffmpeg command line sets it up (stream timestamps shifted by the file's start
 * time, the display rotation first, {@code flags=bicubic} scalers, rgb24 by a {@code format} filter,
 * the stream closed at the end of its last frame), so the frames are the command line's bytes.
 * Only the best video stream is decoded; audio and other streams are skipped.
 *
 * <p>Stricter than the command line, which conceals errors and goes on: a packet the decoder
 * rejects, a container read error and a file shorter than its own index (truncated) each end the
 * stream with a {@link VideoFormatException} naming the file. Resolution changes within a stream are
 * rejected. The FFmpeg log is silenced (its messages would go to stderr); problems surface as
 * exceptions.
 *
 * <p>Needs the FFmpeg natives for the platform on the class path
 * ({@code org.bytedeco:ffmpeg:5.0-1.5.7:linux-x86_64}); {@link #available()} tells. Not
 * thread-safe; close it (native memory).
 */
public final class FfmpegFrameSource implements FrameSource {
    private static final int EAGAIN = -11;
    private static final int AV_BUFFERSRC_FLAG_PUSH = 4;
    private static final int AV_DISPOSITION_ATTACHED_PIC = 0x0400;

    private final Path file;
    private final double fps;
    private final int size;
    private AVFormatContext format;
    private AVCodecContext codec;
    private AVPacket packet;
    private AVFrame decoded;
    private AVFrame filtered;
    private AVFilterGraph graph;
    private AVFilterContext source;
    private AVFilterContext sink;
    private final int stream;
    private final AVRational timeBase;
    private final long tsOffset;
    private final DisplayRotation rotation;
    private final long indexedPackets;
    private final long streamDuration;
    private ExtractionFilter filter;
    private int graphWidth;
    private int graphHeight;
    private int graphFormat;
    private long packets;
    private long decodedFrames;
    private long outputFrames;
    private long endPts = Long.MIN_VALUE;
    private boolean demuxEnd;
    private boolean decoderEnd;
    private boolean sourceClosed;
    private boolean finished;

    private static final class Natives {
        static final Throwable PROBLEM = load();

        private static Throwable load() {
            try {
                Loader.load(avutil.class);
                Loader.load(avcodec.class);
                Loader.load(avformat.class);
                Loader.load(org.bytedeco.ffmpeg.global.avfilter.class);
                av_log_set_level(AV_LOG_QUIET);
                return null;
            } catch (Throwable t) { // UnsatisfiedLinkError, NoClassDefFoundError: natives missing
                return t;
            }
        }
    }

    /** Whether the FFmpeg natives load on this platform (false when the natives jar is absent). */
    public static boolean available() {
        return Natives.PROBLEM == null;
    }

    /** Why the natives do not load, or null when they do. */
    public static String unavailableReason() {
        Throwable t = Natives.PROBLEM;
        return t == null
                ? null
                : "the FFmpeg natives cannot be loaded (" + t + "); put org.bytedeco:ffmpeg:5.0-1.5.7:"
                        + Loader.getPlatform() + " on the class path";
    }

    private FfmpegFrameSource(Path file, double fps, int size, AVFormatContext format, int stream) {
        this.file = file;
        this.fps = fps;
        this.size = size;
        this.format = format;
        this.stream = stream;
        AVStream st = format.streams(stream);
        this.timeBase = av_make_q(st.time_base().num(), st.time_base().den());
        long start = format.start_time();
        this.tsOffset = start == AV_NOPTS_VALUE ? 0 : av_rescale_q(-start, av_make_q(1, 1_000_000), timeBase);
        this.rotation = rotationOf(st);
        this.indexedPackets = st.nb_frames();
        this.streamDuration = st.duration();
    }

    /**
     * Opens a video file.
     *
     * @param fps  output frame rate (ViSAGe: 4)
     * @param size output side (ViSAGe: 224)
     * @throws VideoFormatException naming the file when it is missing, unreadable, has no video
     *                              stream or no decoder for its codec
     *                              (also when the FFmpeg natives cannot be loaded)
     */
    public static FfmpegFrameSource open(Path file, double fps, int size) {
        if (!(fps > 0) || size <= 0) {
            throw new IllegalArgumentException("fps and size must be positive, got fps " + fps + ", size " + size);
        }
        if (!Files.isRegularFile(file)) {
            throw new VideoFormatException(file, "no such video file");
        }
        if (!available()) {
            throw new VideoFormatException(file, unavailableReason());
        }
        AVFormatContext fmt = new AVFormatContext(null);
        int ret = avformat_open_input(fmt, file.toString(), null, null);
        if (ret < 0) {
            throw new VideoFormatException(
                    file,
                    "not a readable video file"
                            + (ret == AVERROR_EOF() ? ": it ends inside its headers (empty or truncated)" : "")
                            + " (" + error(ret) + ")");
        }
        FfmpegFrameSource s = null;
        try {
            ret = avformat_find_stream_info(fmt, (PointerPointer<?>) null);
            if (ret < 0) {
                throw new VideoFormatException(file, "cannot read the streams (" + error(ret) + "; damaged file?)");
            }
            int idx = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, (AVCodec) null, 0);
            if (idx < 0 || (fmt.streams(idx).disposition() & AV_DISPOSITION_ATTACHED_PIC) != 0) {
                throw new VideoFormatException(file, "the file has no video stream (audio only?)");
            }
            s = new FfmpegFrameSource(file, fps, size, fmt, idx);
            s.openDecoder();
            return s;
        } catch (RuntimeException e) {
            if (s != null) {
                s.close();
            } else {
                avformat_close_input(fmt);
            }
            throw e;
        }
    }

    private void openDecoder() {
        AVCodecParameters par = format.streams(stream).codecpar();
        AVCodec dec = avcodec_find_decoder(par.codec_id());
        if (dec == null) {
            throw new VideoFormatException(
                    file,
                    "no decoder for the video codec '"
                            + avcodec_get_name(par.codec_id()).getString() + "' in this FFmpeg build");
        }
        codec = avcodec_alloc_context3(dec);
        check(avcodec_parameters_to_context(codec, par), "cannot set up the decoder");
        codec.pkt_timebase(timeBase);
        codec.thread_count(0);
        check(avcodec_open2(codec, dec, (PointerPointer<?>) null), "cannot open the decoder");
        packet = av_packet_alloc();
        decoded = av_frame_alloc();
        filtered = av_frame_alloc();
    }

    private static DisplayRotation rotationOf(AVStream st) {
        BytePointer side = av_stream_get_side_data(st, avcodec.AV_PKT_DATA_DISPLAYMATRIX, (SizeTPointer) null);
        if (side == null || side.isNull()) {
            return DisplayRotation.NONE;
        }
        IntPointer m = new IntPointer(side);
        int[] matrix = new int[9];
        m.get(matrix);
        return DisplayRotation.of(matrix, av_display_rotation_get(m));
    }

    @Override
    public VideoDecoder decoder() {
        return VideoDecoder.FFMPEG;
    }

    /** The display rotation applied to the stored frames. */
    public DisplayRotation rotation() {
        return rotation;
    }

    /** The filter chain, known after the first frame is decoded (null before). */
    public ExtractionFilter filter() {
        return filter;
    }

    @Override
    public RgbImage next() {
        if (finished) {
            return null;
        }
        if (format == null) {
            throw new IllegalStateException(file + ": frame source is closed");
        }
        while (true) {
            if (graph != null) {
                int ret = av_buffersink_get_frame(sink, filtered);
                if (ret >= 0) {
                    RgbImage img = copy(filtered);
                    av_frame_unref(filtered);
                    outputFrames++;
                    return img;
                }
                if (ret == AVERROR_EOF()) {
                    finished = true;
                    if (outputFrames == 0) {
                        throw new VideoFormatException(file, "the video is shorter than one frame at " + fps + " fps");
                    }
                    return null;
                }
                if (ret != EAGAIN) {
                    throw new VideoFormatException(file, "frame filtering failed (" + error(ret) + ")");
                }
            }
            if (decoderEnd) {
                if (graph == null) {
                    finished = true;
                    throw new VideoFormatException(file, "no decodable video frames (empty or truncated video stream)");
                }
                if (sourceClosed) {
                    throw new IllegalStateException(file + ": the filter graph did not finish after end of stream");
                }
                check(av_buffersrc_close(source, endPts, AV_BUFFERSRC_FLAG_PUSH), "cannot close the filter graph");
                sourceClosed = true;
                continue;
            }
            int ret = avcodec_receive_frame(codec, decoded);
            if (ret >= 0) {
                push();
            } else if (ret == AVERROR_EOF()) {
                decoderEnd = true;
            } else if (ret == EAGAIN) {
                feed();
            } else {
                throw new VideoFormatException(
                        file,
                        "damaged video data: the decoder failed after packet " + packets + " (" + error(ret) + ")");
            }
        }
    }

    /** Sends the next packet of the video stream to the decoder (or the flush packet at the end). */
    private void feed() {
        if (demuxEnd) {
            throw new IllegalStateException(file + ": decoder wants input after the flush packet");
        }
        while (true) {
            int ret = av_read_frame(format, packet);
            if (ret == AVERROR_EOF()) {
                demuxEnd = true;
                if (indexedPackets > 0 && packets < indexedPackets) {
                    throw new VideoFormatException(
                            file,
                            "truncated: the file holds " + packets + " of the " + indexedPackets
                                    + " video packets its index lists");
                }
                check(avcodec_send_packet(codec, null), "cannot flush the decoder");
                return;
            }
            if (ret < 0) {
                throw new VideoFormatException(
                        file, "damaged container data after " + packets + " video packets (" + error(ret) + ")");
            }
            try {
                if (packet.stream_index() != stream) {
                    continue;
                }
                packets++;
                if (packet.pts() != AV_NOPTS_VALUE) {
                    packet.pts(packet.pts() + tsOffset);
                }
                if (packet.dts() != AV_NOPTS_VALUE) {
                    packet.dts(packet.dts() + tsOffset);
                }
                int sent = avcodec_send_packet(codec, packet);
                if (sent < 0 && sent != EAGAIN) {
                    throw new VideoFormatException(
                            file,
                            "damaged video data: the decoder rejected packet " + packets + " (" + error(sent) + ")");
                }
                return;
            } finally {
                av_packet_unref(packet);
            }
        }
    }

    /** Hands the decoded frame to the filter graph, building the graph for the first frame. */
    private void push() {
        decodedFrames++;
        long pts = decoded.best_effort_timestamp();
        decoded.pts(pts);
        if (graph == null) {
            buildGraph();
        } else if (decoded.width() != graphWidth
                || decoded.height() != graphHeight
                || decoded.format() != graphFormat) {
            throw new VideoFormatException(
                    file,
                    "the frame size or format changes within the stream (" + graphWidth
                            + "x" + graphHeight + " to " + decoded.width() + "x" + decoded.height()
                            + " at frame " + decodedFrames + "), which is not supported");
        }
        if (pts != AV_NOPTS_VALUE) {
            long duration = decoded.pkt_duration() > 0 ? decoded.pkt_duration() : frameTicks();
            endPts = Math.max(endPts, pts + duration);
        }
        int ret = av_buffersrc_add_frame_flags(source, decoded, AV_BUFFERSRC_FLAG_PUSH);
        av_frame_unref(decoded);
        if (ret < 0) {
            throw new VideoFormatException(
                    file, "frame filtering failed at frame " + decodedFrames + " (" + error(ret) + ")");
        }
    }

    /** One frame's duration in stream ticks from the guessed frame rate (for streams without durations). */
    private long frameTicks() {
        AVRational fr = av_guess_frame_rate(format, format.streams(stream), null);
        if (fr.num() <= 0 || fr.den() <= 0) {
            return 0;
        }
        return Math.max(0, av_rescale_q(1, av_make_q(fr.den(), fr.num()), timeBase));
    }

    private void buildGraph() {
        graphWidth = decoded.width();
        graphHeight = decoded.height();
        graphFormat = decoded.format();
        int[] upright = rotation.upright(graphWidth, graphHeight);
        filter = new ExtractionFilter(rotation, FrameGeometry.of(upright[0], upright[1], size), fps);
        AVRational sar = decoded.sample_aspect_ratio();
        int sarNum = sar.den() == 0 ? 0 : sar.num();
        int sarDen = sar.den() == 0 ? 1 : sar.den();
        StringBuilder args = new StringBuilder()
                .append("video_size=")
                .append(graphWidth)
                .append('x')
                .append(graphHeight)
                .append(":pix_fmt=")
                .append(graphFormat)
                .append(":time_base=")
                .append(timeBase.num())
                .append('/')
                .append(timeBase.den())
                .append(":pixel_aspect=")
                .append(sarNum)
                .append('/')
                .append(sarDen);
        AVRational fr = av_guess_frame_rate(format, format.streams(stream), null);
        if (fr.num() != 0 && fr.den() != 0) {
            args.append(":frame_rate=").append(fr.num()).append('/').append(fr.den());
        }
        graph = avfilter_graph_alloc();
        if (graph == null) {
            throw new OutOfMemoryError("avfilter_graph_alloc");
        }
        graph.scale_sws_opts(av_strdup(new BytePointer(ExtractionFilter.SWS_OPTIONS)));
        PointerPointer<AVFilterContext> ctx = new PointerPointer<>(1);
        try {
            check(
                    avfilter_graph_create_filter(
                            ctx,
                            avfilter_get_by_name("buffer"),
                            new BytePointer("in"),
                            new BytePointer(args.toString()),
                            null,
                            graph),
                    "cannot create the buffer source (" + args + ")");
            source = ctx.get(AVFilterContext.class, 0);
            check(
                    avfilter_graph_create_filter(
                            ctx, avfilter_get_by_name("buffersink"), new BytePointer("out"), null, null, graph),
                    "cannot create the buffer sink");
            sink = ctx.get(AVFilterContext.class, 0);
        } finally {
            ctx.close();
        }
        AVFilterInOut outputs = avfilter_inout_alloc();
        AVFilterInOut inputs = avfilter_inout_alloc();
        try {
            outputs.name(av_strdup(new BytePointer("in")))
                    .filter_ctx(source)
                    .pad_idx(0)
                    .next(null);
            inputs.name(av_strdup(new BytePointer("out")))
                    .filter_ctx(sink)
                    .pad_idx(0)
                    .next(null);
            String desc = filter.description();
            check(
                    avfilter_graph_parse_ptr(graph, desc, inputs, outputs, null),
                    "cannot parse the filter chain " + desc);
            check(
                    avfilter_graph_config(graph, null),
                    "cannot configure the filter chain " + desc + " for " + graphWidth + "x" + graphHeight + " "
                            + pixelFormatName(graphFormat));
        } finally {
            avfilter_inout_free(inputs);
            avfilter_inout_free(outputs);
        }
    }

    private RgbImage copy(AVFrame f) {
        int w = f.width();
        int h = f.height();
        if (w != size || h != size) {
            throw new IllegalStateException(file + ": the filter chain gave " + w + "x" + h + ", expected " + size);
        }
        byte[] rgb = new byte[w * h * 3];
        BytePointer data = f.data(0);
        long stride = f.linesize(0);
        for (int y = 0; y < h; y++) {
            data.position(y * stride).get(rgb, y * w * 3, w * 3);
        }
        data.position(0);
        return new RgbImage(w, h, rgb);
    }

    private static String pixelFormatName(int fmt) {
        BytePointer p = av_get_pix_fmt_name(fmt);
        return p == null || p.isNull() ? "pixel format " + fmt : p.getString();
    }

    private void check(int ret, String what) {
        if (ret < 0) {
            throw new VideoFormatException(file, what + " (" + error(ret) + ")");
        }
    }

    private static String error(int code) {
        byte[] buf = new byte[256];
        if (av_strerror(code, buf, buf.length) < 0) {
            return "FFmpeg error " + code;
        }
        int n = 0;
        while (n < buf.length && buf[n] != 0) {
            n++;
        }
        return new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (graph != null) {
            avfilter_graph_free(graph);
            graph = null;
        }
        if (filtered != null) {
            av_frame_free(filtered);
            filtered = null;
        }
        if (decoded != null) {
            av_frame_free(decoded);
            decoded = null;
        }
        if (packet != null) {
            av_packet_free(packet);
            packet = null;
        }
        if (codec != null) {
            avcodec_free_context(codec);
            codec = null;
        }
        if (format != null) {
            avformat_close_input(format);
            format = null;
        }
    }
}
