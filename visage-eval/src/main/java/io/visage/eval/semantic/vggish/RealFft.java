package io.visage.eval.semantic.vggish;

/**
 * The magnitude of the discrete Fourier transform of a real signal, in float64: an iterative
 * radix-2 complex FFT over the zero-padded input, bins {@code 0 .. n/2}, as {@code
 * np.abs(np.fft.rfft(x, n))}. Immutable (precomputed twiddles and bit reversal) and thread-safe.
 */
final class RealFft {
    private final int n;
    private final int[] reversed;
    private final double[] cos;
    private final double[] sin;

    /** @param n transform length, a power of two ≥ 2 */
    RealFft(int n) {
        if (n < 2 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("FFT length must be a power of two >= 2 but was " + n);
        }
        this.n = n;
        int bits = Integer.numberOfTrailingZeros(n);
        reversed = new int[n];
        for (int i = 0; i < n; i++) {
            reversed[i] = Integer.reverse(i) >>> (32 - bits);
        }
        cos = new double[n / 2];
        sin = new double[n / 2];
        for (int k = 0; k < n / 2; k++) {
            double a = 2.0 * Math.PI * k / n;
            cos[k] = Math.cos(a);
            sin[k] = -Math.sin(a);
        }
    }

    /** Transform length. */
    int length() {
        return n;
    }

    /**
     * |DFT(x)| for bins 0 .. n/2, where x is {@code signal} zero-padded to n.
     *
     * @param signal at most n samples
     * @param out    n/2 + 1 magnitudes (written)
     */
    void magnitude(double[] signal, double[] out) {
        if (signal.length > n || out.length != n / 2 + 1) {
            throw new IllegalArgumentException("RealFft(" + n + "): signal of " + signal.length + " samples and "
                    + out.length + " output bins (need <= " + n + " and " + (n / 2 + 1) + ")");
        }
        double[] re = new double[n];
        double[] im = new double[n];
        for (int i = 0; i < signal.length; i++) {
            re[reversed[i]] = signal[i];
        }
        for (int size = 2; size <= n; size <<= 1) {
            int half = size >> 1;
            int step = n / size;
            for (int start = 0; start < n; start += size) {
                for (int k = 0; k < half; k++) {
                    double wr = cos[k * step];
                    double wi = sin[k * step];
                    int a = start + k;
                    int b = a + half;
                    double tr = re[b] * wr - im[b] * wi;
                    double ti = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                }
            }
        }
        for (int k = 0; k <= n / 2; k++) {
            out[k] = Math.hypot(re[k], im[k]);
        }
    }
}
