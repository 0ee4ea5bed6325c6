package io.visage.core.pipeline;

import io.visage.core.model.VisageConfig;
import io.visage.core.pattern.CodePattern;
import io.visage.nn.ConfigException;
import io.visage.nn.ShapeMismatchException;
import java.util.ArrayList;
import java.util.List;

/**
 * How a video longer than one window is generated and joined: which CLIP frames each window's
 * encoder sees, which codec frames of the previous window prompt it, and where its decoded audio
 * goes in the output. Pure arithmetic on the config; immutable.
 *
 * <p><b>Windows.</b> W = {@code max_source_length} CLIP frames (20 = 5 s for the released model),
 * O = the overlap in CLIP frames (0 ≤ O < W, so the hop W − O is positive). Window 0 starts at
 * frame 0, window i at {@code start(i−1) + W − O}, each covers {@code [start, min(F, start + W))};
 * the last one is the first that reaches F (it may be shorter than W, and is always longer than O).
 * A window generates {@code T = int(n / clip_frame_rate · dac_frame_rate)} codec frames for its
 * n CLIP frames ({@link VisageConfig#targetFrames}) and decodes {@link VisageConfig#outputFrames}
 * of them (the reference's padding by repetition of the last frame).
 *
 * <p><b>Where audio goes, and the prompt (O > 0).</b> Codec frame j of a window is the audio
 * samples {@code [j·h, (j+1)·h)} from where that window's audio starts (h = hop, 512 at 44.1 kHz),
 * so the prompt is chosen on that sample grid, not by the nominal 86 fps (the true rate is
 * 44100/512 = 86.13 fps; one CLIP frame is 21.53 codec frames). Window 0 starts at sample 0.
 * Window i would start at the video's sample {@code v(i) = floor(start(i)·R / clip_frame_rate)}
 * (R the codec rate); it is put instead at the first codec frame boundary of window i−1 at or after
 * that sample: frame {@code a(i) = ceil((v(i) − offset(i−1)) / h)} of window i−1, so
 * {@code offset(i) = offset(i−1) + a(i)·h}. Window i is prompted with window i−1's generated frames
 * {@code [a(i), T(i−1))} (P = T(i−1) − a(i) frames, ≈ O/4 s · 86.13), which therefore decode at
 * exactly the output samples they had in window i−1. The rounding is upwards so the audio lags the
 * video by less than one codec frame ({@code 0 ≤ offset(i) − v(i) < h}, under 11.6 ms) and the lag
 * never accumulates from window to window.
 *
 * <p><b>Joining.</b> Window i−1 contributes its generated frames, up to
 * {@code offset(i−1) + T(i−1)·h}; the region where the prompt frames of window i lie on top of it is
 * either cross-faded ({@link Join#CROSSFADE}, the default) or cut at the codec frame boundary in
 * its middle ({@link Join#CUT}). The cross-fade is <em>linear</em> (gains 1 − w and w): both
 * signals decode the same codes at the same samples, so they are nearly identical (correlated), and
 * gains that sum to one keep their level; an equal-power fade (gains whose squares sum to one) is
 * for uncorrelated signals and would raise correlated ones by up to 3 dB in the middle. It spans the
 * whole prompt region, so the first frames of window i's decode (the codec's start-up transient)
 * and the last of window i−1 come in with small weights. Without overlap (O = 0) windows are
 * independent and each is cut at the next one's start {@code v(i)} (the previous behaviour).
 *
 * <p><b>Length.</b> The output has {@code v(last) + outputFrames(n_last)·h} samples at the codec
 * rate: F / clip_frame_rate seconds up to the last window's start plus the last window's decode with
 * the reference's padding, whatever the overlap; a clip of at most one window is exactly its decode.
 */
public final class WindowPlan {
    /** How the overlap of two consecutive windows' audio is joined. */
    public enum Join {
        /** linear cross-fade over the whole prompt region (default) */
        CROSSFADE,
        /** hard cut at the codec frame boundary in the middle of the prompt region */
        CUT
    }

    /**
     * One window.
     *
     * @param index           0-based
     * @param startFrame      first CLIP frame the encoder sees
     * @param endFrame        end (exclusive) of the CLIP frames the encoder sees
     * @param promptFrom      first codec frame of the previous window's codes used as the prompt (0 if none)
     * @param promptFrames    codec frames P taken from the previous window and forced (0 for window 0 and O = 0)
     * @param generatedFrames codec frames T the window generates (prompt included)
     * @param outputFrames    codec frames decoded (T plus the reference's padding)
     * @param audioOffset     output sample (codec rate) where the window's decoded audio starts
     * @param audioLength     samples of the window's decode that reach the output, from {@code audioOffset}
     *                        (including the part joined with the previous window)
     */
    public record Window(
            int index,
            int startFrame,
            int endFrame,
            int promptFrom,
            int promptFrames,
            int generatedFrames,
            int outputFrames,
            long audioOffset,
            long audioLength) {
        /** CLIP frames n. */
        public int frames() {
            return endFrame - startFrame;
        }

        /** Decoder steps of this window: {@link CodePattern#rows} of the ambisonics layout, 2T + 1, prompt steps included. */
        public long decoderSteps() {
            return 2L * generatedFrames + 1;
        }
    }

    private final int clipFrames;
    private final int overlapFrames;
    private final int hop;
    private final int sampleRateHz;
    private final List<Window> windows;
    private final long totalSamples;

    private WindowPlan(int clipFrames, int overlapFrames, int hop, int sampleRateHz, List<Window> windows) {
        this.clipFrames = clipFrames;
        this.overlapFrames = overlapFrames;
        this.hop = hop;
        this.sampleRateHz = sampleRateHz;
        this.windows = List.copyOf(windows);
        Window last = windows.get(windows.size() - 1);
        this.totalSamples = last.audioOffset() + last.audioLength();
    }

    /**
     * The overlap in CLIP frames.
     *
     * @throws ConfigException unless {@code overlapSeconds} is a whole number of CLIP frames
     *     (multiples of 1/4 s at 4 fps) shorter than one window
     */
    public static int overlapFrames(VisageConfig cfg, double overlapSeconds) {
        int fps = cfg.clipFrameRate();
        int window = cfg.maxSourceLength();
        if (!Double.isFinite(overlapSeconds) || overlapSeconds < 0) {
            throw new ConfigException("overlap must be a non-negative number of seconds, got " + overlapSeconds);
        }
        double frames = overlapSeconds * fps;
        long whole = Math.round(frames);
        if (Math.abs(frames - whole) > 1e-9) {
            throw new ConfigException("overlap " + overlapSeconds + " s is not a whole number of CLIP frames: use a"
                    + " multiple of 1/" + fps + " s (clip_frame_rate " + fps + "), e.g. " + (Math.floor(frames) / fps)
                    + " or " + (Math.ceil(frames) / fps));
        }
        if (whole >= window) {
            throw new ConfigException("overlap " + overlapSeconds + " s (" + whole + " CLIP frames) leaves no hop"
                    + " between windows of " + window + " frames (" + (double) window / fps
                    + " s, max_source_length): use less than " + (double) window / fps + " s");
        }
        return (int) whole;
    }

    /** The plan for {@code clipFrames} CLIP frames with an overlap in seconds (see {@link #overlapFrames}). */
    public static WindowPlan of(VisageConfig cfg, int clipFrames, double overlapSeconds) {
        return ofFrames(cfg, clipFrames, overlapFrames(cfg, overlapSeconds));
    }

    /** The plan for {@code clipFrames} CLIP frames with an overlap of {@code overlapFrames} CLIP frames. */
    public static WindowPlan ofFrames(VisageConfig cfg, int clipFrames, int overlapFrames) {
        int window = cfg.maxSourceLength();
        if (clipFrames < 1) {
            throw new IllegalArgumentException("a video needs at least one CLIP frame, got " + clipFrames);
        }
        if (overlapFrames < 0 || overlapFrames >= window) {
            throw new ConfigException("overlap of " + overlapFrames + " CLIP frames must be in [0, " + window
                    + ") (max_source_length " + window + ")");
        }
        int hop = cfg.dacDownsampleRate();
        int fps = cfg.clipFrameRate();
        long rate = cfg.dacSampleRate();
        List<int[]> spans = new ArrayList<>();
        for (int start = 0; ; start += window - overlapFrames) {
            int end = Math.min(clipFrames, start + window);
            spans.add(new int[] {start, end});
            if (end >= clipFrames) {
                break;
            }
        }
        List<Window> out = new ArrayList<>();
        long offset = 0;
        int previousT = 0;
        for (int i = 0; i < spans.size(); i++) {
            int start = spans.get(i)[0];
            int end = spans.get(i)[1];
            int t = cfg.targetFrames(end - start);
            int from = 0;
            int prompt = 0;
            if (i > 0) {
                long video = videoSample(start, rate, fps);
                if (overlapFrames == 0) {
                    offset = video;
                } else {
                    long a = Math.floorDiv(video - offset + hop - 1, hop); // ceil, video >= offset
                    from = Math.toIntExact(a);
                    prompt = previousT - from;
                    if (prompt < 1 || prompt >= t) {
                        throw new ConfigException("an overlap of " + overlapFrames + " CLIP frames gives window " + i
                                + " a prompt of " + prompt + " codec frames out of " + t
                                + "; it must carry at least one frame and leave one to generate");
                    }
                    offset += a * hop;
                }
            }
            out.add(new Window(i, start, end, from, prompt, t, cfg.outputFrames(end - start), offset, 0));
            previousT = t;
        }
        // how much of each decode reaches the output
        List<Window> sized = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            Window w = out.get(i);
            long length;
            if (i == out.size() - 1) {
                long end = videoSample(w.startFrame(), rate, fps) + (long) w.outputFrames() * hop;
                length = end - w.audioOffset();
            } else if (overlapFrames == 0) {
                length = out.get(i + 1).audioOffset() - w.audioOffset();
            } else {
                length = (long) w.generatedFrames() * hop;
            }
            sized.add(new Window(
                    w.index(),
                    w.startFrame(),
                    w.endFrame(),
                    w.promptFrom(),
                    w.promptFrames(),
                    w.generatedFrames(),
                    w.outputFrames(),
                    w.audioOffset(),
                    length));
        }
        return new WindowPlan(clipFrames, overlapFrames, hop, (int) rate, sized);
    }

    /** {@code floor(frame · R / fps)}: the codec-rate sample where CLIP frame {@code frame} starts. */
    private static long videoSample(int frame, long rate, int fps) {
        return Math.floorDiv(frame * rate, fps);
    }

    public List<Window> windows() {
        return windows;
    }

    /** CLIP frames F of the video. */
    public int clipFrames() {
        return clipFrames;
    }

    /** Overlap O in CLIP frames. */
    public int overlapFrames() {
        return overlapFrames;
    }

    /** Samples per codec frame h. */
    public int hop() {
        return hop;
    }

    /** The codec sample rate R of the offsets. */
    public int sampleRateHz() {
        return sampleRateHz;
    }

    /** Samples of the joined output at the codec rate. */
    public long totalSamples() {
        return totalSamples;
    }

    /** Decoder steps of all windows ({@link Window#decoderSteps()} summed). */
    public long decoderSteps() {
        long n = 0;
        for (Window w : windows) {
            n += w.decoderSteps();
        }
        return n;
    }

    /**
     * The output sample range {@code [from, to)} where window i (≥ 1) is joined with what comes
     * before it: the prompt region for O > 0 (empty for a cut at O = 0: from = to = its start).
     */
    public long[] joinRegion(int i) {
        Window w = windows.get(i);
        if (i == 0) {
            throw new IllegalArgumentException("window 0 is not joined to anything");
        }
        return new long[] {w.audioOffset(), w.audioOffset() + (long) w.promptFrames() * hop};
    }

    /**
     * Joins the windows' decoded audio.
     *
     * @param decoded per window, its decode [C][outputFrames·h] (or longer)
     * @return [C][{@link #totalSamples()}]
     */
    public float[][] join(List<float[][]> decoded, Join join) {
        if (decoded.size() != windows.size()) {
            throw new IllegalArgumentException(
                    "join needs the audio of " + windows.size() + " windows, got " + decoded.size());
        }
        int channels = decoded.get(0).length;
        int total = Math.toIntExact(totalSamples);
        if (windows.size() == 1) {
            return cut(decoded.get(0), total);
        }
        float[][] out = new float[channels][total];
        long filled = 0;
        for (int i = 0; i < windows.size(); i++) {
            Window w = windows.get(i);
            float[][] a = decoded.get(i);
            if (a.length != channels) {
                throw new ShapeMismatchException(
                        "window " + i + " decoded to " + a.length + " channels, window 0 to " + channels);
            }
            int off = Math.toIntExact(w.audioOffset());
            int len = Math.toIntExact(w.audioLength());
            int joined = (int) Math.max(0, Math.min(filled, off + len) - off);
            int from = join == Join.CUT ? (w.promptFrames() / 2) * hop : 0;
            for (int c = 0; c < channels; c++) {
                if (a[c].length < len) {
                    throw new ShapeMismatchException("window " + i + " channel " + c + " decoded to " + a[c].length
                            + " samples, the plan needs " + len + " (" + w.outputFrames() + " frames of " + hop + ")");
                }
                float[] o = out[c];
                if (join == Join.CROSSFADE) {
                    for (int s = 0; s < joined; s++) {
                        float g = (s + 0.5f) / joined;
                        o[off + s] = (1 - g) * o[off + s] + g * a[c][s];
                    }
                } else {
                    System.arraycopy(a[c], from, o, off + from, joined - from);
                }
                System.arraycopy(a[c], joined, o, off + joined, len - joined);
            }
            filled = off + len;
        }
        return out;
    }

    private static float[][] cut(float[][] a, int n) {
        float[][] out = new float[a.length][];
        for (int c = 0; c < a.length; c++) {
            if (a[c].length < n) {
                throw new ShapeMismatchException(
                        "channel " + c + " decoded to " + a[c].length + " samples, the plan needs " + n);
            }
            out[c] = a[c].length == n ? a[c] : java.util.Arrays.copyOf(a[c], n);
        }
        return out;
    }

    @Override
    public String toString() {
        return "WindowPlan[" + clipFrames + " CLIP frames, overlap " + overlapFrames + ", " + windows.size()
                + " windows, " + totalSamples + " samples]";
    }
}
