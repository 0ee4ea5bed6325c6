package io.visage.core.video;

/**
 * ffmpeg's {@code fps} filter (libavfilter {@code vf_fps}, defaults {@code round=near},
 * {@code eof_action=round}, no {@code start_time}) as a pure rule over presentation timestamps.
 *
 * <p>Each input frame gets the output slot {@code s(p) = round(p · fps)} (round half away from
 * zero). Output slots run from {@code s(first pts)} to {@code round(end · fps) − 1}, where
 * {@code end} is the end of the last frame (its pts + duration). Slot n shows the last frame in
 * presentation order whose slot is ≤ n: a frame is repeated {@code s(next) − s(this)} times
 * (0 = dropped), the last frame until the end. For a 25 fps clip at 4 fps, slot n shows the frame
 * displayed just before (n + 0.5) / 4 s, e.g. frames 3, 9, 15, 21, 28, ... — checked against
 * ffmpeg 5.1. Note this is not "the frame nearest to n / 4 s".
 */
public final class FpsRule {
    /** Tolerance for timestamps that are exact ties in the container's integer time base. */
    private static final double TIE_EPS = 1e-9;

    private FpsRule() {}

    /** round(ptsSeconds · fps), half away from zero. */
    public static long slot(double ptsSeconds, double fps) {
        double x = ptsSeconds * fps;
        return x >= 0 ? (long) Math.floor(x + 0.5 + TIE_EPS) : -(long) Math.floor(-x + 0.5 - TIE_EPS);
    }

    /**
     * How many times each frame (in presentation order) is output.
     *
     * @param ptsSeconds presentation times, ascending
     * @param endSeconds end of the last frame
     * @return copies per frame; their sum is the output frame count
     */
    public static int[] copies(double[] ptsSeconds, double endSeconds, double fps) {
        int[] out = new int[ptsSeconds.length];
        for (int i = 0; i < ptsSeconds.length; i++) {
            out[i] = copies(ptsSeconds[i], i + 1 < ptsSeconds.length ? ptsSeconds[i + 1] : Double.NaN, endSeconds, fps);
        }
        return out;
    }

    /** Copies of one frame given the next frame's pts (NaN for the last frame) and the end time. */
    static int copies(double pts, double nextPts, double endSeconds, double fps) {
        long from = slot(pts, fps);
        long end = slot(endSeconds, fps);
        long to = Double.isNaN(nextPts) ? end : Math.min(slot(nextPts, fps), end);
        return (int) Math.max(0, to - from);
    }
}
