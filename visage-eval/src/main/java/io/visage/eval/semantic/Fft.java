package io.visage.eval.semantic;

/**
 * A radix-2 complex FFT of one power-of-two size, forward direction
 * {@code X[k] = Σ_n x[n] e^{−2πi·kn/N}} (no scaling), in double precision, shared by the front ends of
 * the evaluation networks. Holds only its tables (twiddles, bit reversal), so one instance serves any
 * number of threads.
 */
public final class Fft {
    private final int n;
    private final int[] bitReversed;
    private final double[] cos;
    private final double[] sin;

    /** @param n transform size, a power of two ≥ 2 */
    public Fft(int n) {
        if (n < 2 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("FFT size must be a power of two >= 2, got " + n);
        }
        this.n = n;
        int bits = Integer.numberOfTrailingZeros(n);
        bitReversed = new int[n];
        for (int i = 0; i < n; i++) {
            bitReversed[i] = Integer.reverse(i) >>> (32 - bits);
        }
        cos = new double[n / 2];
        sin = new double[n / 2];
        for (int k = 0; k < n / 2; k++) {
            double a = 2 * Math.PI * k / n;
            cos[k] = Math.cos(a);
            sin[k] = Math.sin(a);
        }
    }

    /** The transform size N. */
    public int size() {
        return n;
    }

    /** Transforms {@code re + i·im} ([N] each) in place. */
    public void transform(double[] re, double[] im) {
        if (re.length != n || im.length != n) {
            throw new IllegalArgumentException(
                    "FFT of size " + n + " given arrays of " + re.length + " and " + im.length);
        }
        for (int i = 0; i < n; i++) {
            int j = bitReversed[i];
            if (j > i) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        for (int len = 2; len <= n; len <<= 1) {
            int half = len >> 1;
            int step = n / len;
            for (int start = 0; start < n; start += len) {
                for (int j = 0; j < half; j++) {
                    double wr = cos[j * step];
                    double wi = -sin[j * step];
                    int a = start + j;
                    int b = a + half;
                    double tr = wr * re[b] - wi * im[b];
                    double ti = wr * im[b] + wi * re[b];
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                }
            }
        }
    }

    /**
     * {@code |DFT(x)|} for bins 0 .. N/2 of a real signal zero-padded to N, as
     * {@code np.abs(np.fft.rfft(x, N))}.
     *
     * @param signal at most N samples
     * @param out    N/2 + 1 magnitudes (written)
     */
    public void magnitude(double[] signal, double[] out) {
        if (signal.length > n || out.length != n / 2 + 1) {
            throw new IllegalArgumentException("FFT(" + n + "): signal of " + signal.length + " samples and "
                    + out.length + " output bins (need <= " + n + " and " + (n / 2 + 1) + ")");
        }
        double[] re = java.util.Arrays.copyOf(signal, n);
        double[] im = new double[n];
        transform(re, im);
        for (int k = 0; k <= n / 2; k++) {
            out[k] = Math.hypot(re[k], im[k]);
        }
    }
}
