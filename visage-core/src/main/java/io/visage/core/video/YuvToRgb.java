package io.visage.core.video;

/** YUV → RGB conversion of float planes to rgb24. */
public final class YuvToRgb {
    private YuvToRgb() {}

    /**
     * ITU-R BT.601, limited range (Y 16..235, chroma 16..240), ffmpeg's default for untagged SD/HD
     * H.264 decoded to rgb24; rounded to nearest and clamped to 0..255.
     *
     * @param y, u, v planes of width·height values in 0..255
     */
    public static RgbImage bt601Limited(float[] y, float[] u, float[] v, int width, int height) {
        byte[] out = new byte[width * height * 3];
        for (int i = 0; i < width * height; i++) {
            double yy = 1.164383 * (y[i] - 16);
            double cb = u[i] - 128;
            double cr = v[i] - 128;
            out[3 * i] = clamp(yy + 1.596027 * cr);
            out[3 * i + 1] = clamp(yy - 0.391762 * cb - 0.812968 * cr);
            out[3 * i + 2] = clamp(yy + 2.017232 * cb);
        }
        return new RgbImage(width, height, out);
    }

    private static byte clamp(double x) {
        long r = Math.round(x);
        return (byte) (r < 0 ? 0 : r > 255 ? 255 : r);
    }
}
