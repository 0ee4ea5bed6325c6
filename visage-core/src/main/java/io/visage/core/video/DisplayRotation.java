package io.visage.core.video;

import java.util.List;

/**
 * How a video's display matrix (the container's rotation metadata, e.g. a portrait phone clip
 * stored landscape) turns stored frames upright, as the ffmpeg command line does by default
 * ({@code -autorotate}): a rotation of θ = −(the matrix's counter-clockwise angle) degrees,
 * normalised to [0, 360), becomes
 * <ul>
 *   <li>≈ 90°: {@code transpose=clock} ({@code cclock_flip} when the matrix also mirrors),</li>
 *   <li>≈ 180°: {@code hflip} and/or {@code vflip} (by the signs of the matrix's diagonal),</li>
 *   <li>≈ 270°: {@code transpose=cclock} ({@code clock_flip} when mirrored),</li>
 *   <li>any other angle: {@code rotate} by θ,</li>
 *   <li>≈ 0°: nothing, or {@code vflip} for a vertically mirrored matrix.</li>
 * </ul>
 *
 * @param degrees  θ, clockwise, in [0, 360)
 * @param filters  the libavfilter filters (name=arguments) that apply it, in order
 * @param swapsAxes true when the upright frame is the stored frame's transpose (90°/270°)
 */
public record DisplayRotation(double degrees, List<String> filters, boolean swapsAxes) {
    /** No rotation. */
    public static final DisplayRotation NONE = new DisplayRotation(0, List.of(), false);

    public DisplayRotation {
        filters = List.copyOf(filters);
    }

    /**
     * The rotation of a 3×3 display matrix (16.16 fixed point, row-major, as stored in MP4/MOV
     * {@code tkhd} and FFmpeg's {@code AV_PKT_DATA_DISPLAYMATRIX}), null for none.
     *
     * @param matrix        the nine matrix entries, or null
     * @param counterClockwiseDegrees FFmpeg's {@code av_display_rotation_get} of that matrix
     */
    public static DisplayRotation of(int[] matrix, double counterClockwiseDegrees) {
        if (matrix == null || Double.isNaN(counterClockwiseDegrees)) {
            return NONE;
        }
        double theta = -Math.round(counterClockwiseDegrees);
        theta -= 360 * Math.floor(theta / 360 + 0.9 / 360);
        if (Math.abs(theta - 90) < 1) {
            return new DisplayRotation(90, List.of(matrix[3] > 0 ? "transpose=cclock_flip" : "transpose=clock"), true);
        }
        if (Math.abs(theta - 180) < 1) {
            List<String> f = new java.util.ArrayList<>();
            if (matrix[0] < 0) {
                f.add("hflip");
            }
            if (matrix[4] < 0) {
                f.add("vflip");
            }
            return new DisplayRotation(180, f, false);
        }
        if (Math.abs(theta - 270) < 1) {
            return new DisplayRotation(270, List.of(matrix[3] < 0 ? "transpose=clock_flip" : "transpose=cclock"), true);
        }
        if (Math.abs(theta) > 1) {
            return new DisplayRotation(theta, List.of("rotate=" + theta + "*PI/180"), false);
        }
        return matrix[4] < 0 ? new DisplayRotation(0, List.of("vflip"), false) : NONE;
    }

    /** The upright size of a stored {@code width}×{@code height} frame, {width, height}. */
    public int[] upright(int width, int height) {
        return swapsAxes ? new int[] {height, width} : new int[] {width, height};
    }
}
