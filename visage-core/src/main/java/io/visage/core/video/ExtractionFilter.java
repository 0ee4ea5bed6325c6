package io.visage.core.video;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The reference's frame extraction as a libavfilter chain ({@code data/infer_clip.py}, SPEC §5.1):
 * {@code fps=fps=F → scale=W':H' → crop=S:S:x:y → rgb24}, after the rotation filters the ffmpeg
 * command line inserts for rotated videos. The reference runs, through ffmpeg-python,
 * <pre>
 * ffmpeg -i VIDEO -filter_complex "[0]fps=fps=4[s0];[s0]scale=W':H'[s1];[s1]crop=224:224:x:y[s2]" \
 *        -map "[s2]" -f rawvideo -pix_fmt rgb24 pipe:
 * </pre>
 * and the command line converts to rgb24 with a {@code format} filter at the output and
 * {@code flags=bicubic} for every scaler of the graph; {@link #SWS_OPTIONS} and
 * {@link #description()} set up the same graph, so the frames are the same bytes.
 *
 * <p>One deliberate difference: the reference sizes the scale from ffprobe's stored width and
 * height, before rotation, which squashes rotated (portrait phone) clips; here the geometry is
 * computed from the upright size.
 *
 * @param rotation the display rotation applied first
 * @param geometry scale and crop, from the upright size
 * @param fps      output frame rate
 */
public record ExtractionFilter(DisplayRotation rotation, FrameGeometry geometry, double fps) {
    /** Scaler options of every scale filter, as the ffmpeg command line's default {@code -sws_flags}. */
    public static final String SWS_OPTIONS = "flags=bicubic";

    public ExtractionFilter {
        if (!(fps > 0) || Double.isInfinite(fps)) {
            throw new IllegalArgumentException("fps must be positive, got " + fps);
        }
    }

    /** The filters between the buffer source and the sink, comma-separated. */
    public String description() {
        List<String> f = new ArrayList<>(rotation.filters());
        f.add("fps=fps=" + number(fps));
        f.add("scale=" + geometry.scaledWidth() + ":" + geometry.scaledHeight());
        f.add("crop=" + geometry.size() + ":" + geometry.size() + ":" + geometry.cropX() + ":" + geometry.cropY());
        f.add("format=rgb24");
        return String.join(",", f);
    }

    /** The equivalent ffmpeg command line (what the test data's README runs to make golden frames). */
    public String commandLine(String input, String output) {
        return "ffmpeg -i " + input + " -filter_complex \"[0]fps=fps=" + number(fps) + "[s0];[s0]scale="
                + geometry.scaledWidth() + ":" + geometry.scaledHeight() + "[s1];[s1]crop=" + geometry.size() + ":"
                + geometry.size() + ":" + geometry.cropX() + ":" + geometry.cropY()
                + "[s2]\" -map \"[s2]\" -f rawvideo -pix_fmt rgb24 " + output;
    }

    private static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }
}
