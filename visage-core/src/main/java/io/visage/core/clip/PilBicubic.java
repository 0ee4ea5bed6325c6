package io.visage.core.clip;

import io.visage.core.video.RgbImage;
import io.visage.nn.ShapeMismatchException;

/**
 * Pillow's bicubic resampling of 8-bit images ({@code Image.resize(size, BICUBIC)}), reproduced
 * from its documented algorithm: a separable convolution with the cubic kernel a = −0.5, support
 * 2 stretched by the downscale factor, weights normalised per output pixel and quantised to
 * 22-bit fixed point, a horizontal pass to an 8-bit intermediate image, then a vertical pass;
 * each pass rounds half up and clamps to 0..255. Passes whose size does not change are skipped.
 */
public final class PilBicubic {
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double SUPPORT = 2.0;
    private static final double A = -0.5;

    private PilBicubic() {}

    /** Resizes to {@code width}×{@code height}. */
    public static RgbImage resize(RgbImage in, int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new ShapeMismatchException("resize target must be positive, got " + width + "x" + height);
        }
        RgbImage x = in;
        if (width != in.width()) {
            x = horizontal(x, width);
        }
        if (height != in.height()) {
            x = vertical(x, height);
        }
        return x;
    }

    static double cubic(double x) {
        x = Math.abs(x);
        if (x < 1) {
            return ((A + 2) * x - (A + 3)) * x * x + 1;
        }
        if (x < 2) {
            return (((x - 5) * x + 8) * x - 4) * A;
        }
        return 0;
    }

    /** Per output index: first input index, count, and fixed-point weights (ksize per entry). */
    record Coefficients(int[] start, int[] count, int[] weights, int ksize) {}

    static Coefficients coefficients(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = SUPPORT * filterScale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] start = new int[outSize];
        int[] count = new int[outSize];
        int[] weights = new int[outSize * ksize];
        double[] k = new double[ksize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double ss = 1.0 / filterScale;
            int xmin = (int) (center - support + 0.5); // C truncation toward zero
            if (xmin < 0) {
                xmin = 0;
            }
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) {
                xmax = inSize;
            }
            xmax -= xmin;
            double ww = 0;
            for (int x = 0; x < xmax; x++) {
                double w = cubic((x + xmin - center + 0.5) * ss);
                k[x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++) {
                double w = ww != 0 ? k[x] / ww : k[x];
                weights[xx * ksize + x] =
                        (int) (w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
            }
            start[xx] = xmin;
            count[xx] = xmax;
        }
        return new Coefficients(start, count, weights, ksize);
    }

    private static int clip8(long acc) {
        long v = acc >> PRECISION_BITS;
        return v < 0 ? 0 : v > 255 ? 255 : (int) v;
    }

    private static RgbImage horizontal(RgbImage in, int outWidth) {
        Coefficients c = coefficients(in.width(), outWidth);
        byte[] src = in.rgb();
        byte[] out = new byte[outWidth * in.height() * 3];
        int inW = in.width();
        for (int y = 0; y < in.height(); y++) {
            for (int xx = 0; xx < outWidth; xx++) {
                int xmin = c.start()[xx];
                int n = c.count()[xx];
                int wo = xx * c.ksize();
                for (int ch = 0; ch < 3; ch++) {
                    long acc = 1L << (PRECISION_BITS - 1);
                    for (int x = 0; x < n; x++) {
                        acc += (long) (src[(y * inW + xmin + x) * 3 + ch] & 0xff) * c.weights()[wo + x];
                    }
                    out[(y * outWidth + xx) * 3 + ch] = (byte) clip8(acc);
                }
            }
        }
        return new RgbImage(outWidth, in.height(), out);
    }

    private static RgbImage vertical(RgbImage in, int outHeight) {
        Coefficients c = coefficients(in.height(), outHeight);
        byte[] src = in.rgb();
        int w = in.width();
        byte[] out = new byte[w * outHeight * 3];
        for (int yy = 0; yy < outHeight; yy++) {
            int ymin = c.start()[yy];
            int n = c.count()[yy];
            int wo = yy * c.ksize();
            for (int x = 0; x < w; x++) {
                for (int ch = 0; ch < 3; ch++) {
                    long acc = 1L << (PRECISION_BITS - 1);
                    for (int y = 0; y < n; y++) {
                        acc += (long) (src[((ymin + y) * w + x) * 3 + ch] & 0xff) * c.weights()[wo + y];
                    }
                    out[(yy * w + x) * 3 + ch] = (byte) clip8(acc);
                }
            }
        }
        return new RgbImage(w, outHeight, out);
    }
}
