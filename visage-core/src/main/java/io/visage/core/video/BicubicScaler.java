package io.visage.core.video;

/**
 * Separable bicubic resampling of one 8-bit plane onto a window of the scaled image, with
 * ffmpeg swscale's default bicubic kernel (Mitchell–Netravali family with B = 0, C = 0.6, i.e.
 * the Keys cubic with a = −0.6), pixel-centre alignment ({@code src = (dst + 0.5)·in/out − 0.5}),
 * the kernel stretched by the factor when downscaling, edge pixels repeated and weights
 * normalised. Intermediate values stay in float (swscale uses 14/15-bit fixed point; the
 * difference is measured in the package notes, not bit-exact).
 */
public final class BicubicScaler {
    private static final double A = -0.6;

    /** Taps of one output axis: {@code taps} source indices and weights per output index. */
    record Axis(int taps, int[] index, float[] weight) {}

    private BicubicScaler() {}

    static double kernel(double x) {
        x = Math.abs(x);
        if (x < 1) {
            return ((A + 2) * x - (A + 3)) * x * x + 1;
        }
        if (x < 2) {
            return (((x - 5) * x + 8) * x - 4) * A;
        }
        return 0;
    }

    /**
     * Taps for output indices {@code [start, start + count)} of an axis scaled from
     * {@code inSize} to {@code outSize} (in source units, {@code inExtent} pixels span the axis).
     */
    static Axis axis(int inSize, double inExtent, int outSize, int start, int count) {
        double scale = inExtent / outSize;
        double stretch = Math.max(scale, 1.0);
        double support = 2 * stretch;
        int taps = (int) Math.ceil(2 * support) + 1;
        int[] index = new int[count * taps];
        float[] weight = new float[count * taps];
        double[] w = new double[taps];
        for (int o = 0; o < count; o++) {
            double center = (start + o + 0.5) * scale - 0.5;
            int first = (int) Math.floor(center - support) + 1;
            double sum = 0;
            for (int t = 0; t < taps; t++) {
                w[t] = kernel((first + t - center) / stretch);
                sum += w[t];
            }
            for (int t = 0; t < taps; t++) {
                index[o * taps + t] = Math.min(inSize - 1, Math.max(0, first + t));
                weight[o * taps + t] = (float) (w[t] / sum);
            }
        }
        return new Axis(taps, index, weight);
    }

    /**
     * Resamples a plane (unsigned bytes, or JCodec's signed bytes with {@code offset} 128) to the
     * window, returning floats in 0..255 (not rounded).
     *
     * @param src     plane data, row stride {@code stride}
     * @param offset  value added to each byte read as signed (128 for JCodec pictures, 0 otherwise)
     * @param x0      left of the source region within the plane
     * @param y0      top of the source region
     * @param h       horizontal taps (from {@link #axis})
     * @param v       vertical taps
     * @param srcRows rows of the source region
     */
    static float[] resample(byte[] src, int stride, int offset, int x0, int y0, int srcRows, Axis h, Axis v) {
        int outW = h.index().length / h.taps();
        int outH = v.index().length / v.taps();
        float[] tmp = new float[srcRows * outW];
        for (int y = 0; y < srcRows; y++) {
            int row = (y0 + y) * stride + x0;
            for (int o = 0; o < outW; o++) {
                float acc = 0;
                int base = o * h.taps();
                for (int t = 0; t < h.taps(); t++) {
                    acc += (src[row + h.index()[base + t]] + offset) * h.weight()[base + t];
                }
                tmp[y * outW + o] = acc;
            }
        }
        float[] out = new float[outW * outH];
        for (int o = 0; o < outH; o++) {
            int base = o * v.taps();
            for (int x = 0; x < outW; x++) {
                float acc = 0;
                for (int t = 0; t < v.taps(); t++) {
                    acc += tmp[v.index()[base + t] * outW + x] * v.weight()[base + t];
                }
                out[o * outW + x] = acc;
            }
        }
        return out;
    }
}
