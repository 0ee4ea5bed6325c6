package io.visage.audio.resample;

import io.visage.audio.io.AudioBuffer;

/**
 * A polyphase resampler from {@code origRate} to {@code newRate}, reproducing torchaudio's sinc
 * resampler or julius' {@code resample_frac} (see the package documentation). Immutable and
 * thread-safe; build once per rate pair and reuse (as {@code transforms.Resample} caches its kernel).
 *
 * <p>With {@code o = origRate / g}, {@code n = newRate / g} ({@code g} their gcd) and
 * {@code K = 2·width + o} taps, output sample {@code j·n + i} is
 * {@code Σ_k kernel[i][k] · xpad[j·o + k]}, where {@code xpad} is the input padded by {@code width}
 * samples on the left and {@code width + o} on the right (zeros for torchaudio, the edge sample for
 * julius). The result is truncated to {@link #outputLength(long)}.
 */
public final class Resampler {
    /** How the input is extended beyond its ends. */
    public enum Padding {
        /** Zeros (torchaudio). */
        ZEROS,
        /** The first/last sample repeated (julius, {@code F.pad(mode='replicate')}). */
        REPLICATE
    }

    /** The rule for the number of output samples from an input of L samples. */
    public enum LengthRule {
        /** {@code ceil(n·L/o)} with the quotient a float64 (torchaudio, Python {@code math.ceil}). */
        CEIL,
        /**
         * {@code floor(float32(n·L/o))}: julius turns the float64 quotient into a float32 tensor before
         * {@code torch.floor}, so for some long inputs the rounding reaches the next integer and one more
         * (genuinely computed) sample is returned.
         */
        FLOOR_FLOAT32
    }

    private final int origRate;
    private final int newRate;
    private final int o;
    private final int n;
    private final int width;
    private final float[][] kernel;
    private final Padding padding;
    private final LengthRule lengthRule;

    private Resampler(int origRate, int newRate, int width, float[][] kernel, Padding padding, LengthRule lengthRule) {
        this.origRate = origRate;
        this.newRate = newRate;
        int g = gcd(origRate, newRate);
        this.o = origRate / g;
        this.n = newRate / g;
        this.width = width;
        this.kernel = kernel;
        this.padding = padding;
        this.lengthRule = lengthRule;
    }

    /**
     * {@code torchaudio.functional.resample(x, orig, new)} with its defaults (sinc_interp_hann,
     * lowpass_filter_width 6, rolloff 0.99) on float32 input: the kernel is evaluated in float32.
     */
    public static Resampler torchaudio(int origRate, int newRate) {
        return torchaudio(origRate, newRate, 6, 0.99, KernelPrecision.FLOAT32);
    }

    /**
     * {@code torchaudio.transforms.Resample(orig, new)} with its defaults: the same filter, its kernel
     * evaluated in float64 and stored as float32 (used for the 44.1 kHz → 16 kHz output of generation).
     */
    public static Resampler torchaudioTransform(int origRate, int newRate) {
        return torchaudio(origRate, newRate, 6, 0.99, KernelPrecision.FLOAT64);
    }

    /**
     * torchaudio's Hann-windowed sinc resampler with explicit parameters.
     *
     * @param lowpassFilterWidth zero crossings on each side, &gt; 0
     * @param rolloff cutoff as a fraction of the lower Nyquist frequency, in (0, 1]
     */
    public static Resampler torchaudio(
            int origRate, int newRate, int lowpassFilterWidth, double rolloff, KernelPrecision precision) {
        checkRates(origRate, newRate);
        if (lowpassFilterWidth <= 0 || !(rolloff > 0 && rolloff <= 1)) {
            throw new IllegalArgumentException(
                    "torchaudio resampler: need lowpass_filter_width > 0 and rolloff in (0, 1]" + " but got "
                            + lowpassFilterWidth + ", " + rolloff);
        }
        int g = gcd(origRate, newRate);
        int o = origRate / g;
        int n = newRate / g;
        double base = Math.min(o, n) * rolloff;
        int width = (int) Math.ceil(lowpassFilterWidth * o / base);
        float[][] k = new float[n][2 * width + o];
        double lpw = lowpassFilterWidth;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k[i].length; j++) {
                int idx = j - width;
                if (precision == KernelPrecision.FLOAT64) {
                    double t = (-i / (double) n + idx / (double) o) * base;
                    t = Math.max(-lpw, Math.min(lpw, t));
                    double w = Math.cos(t * Math.PI / lpw / 2);
                    w *= w;
                    t *= Math.PI;
                    double s = t == 0 ? 1.0 : Math.sin(t) / t;
                    k[i][j] = (float) (s * (w * (base / o)));
                } else {
                    float t = ((float) (-i) / (float) n + (float) idx / (float) o) * (float) base;
                    t = Math.max((float) -lpw, Math.min((float) lpw, t));
                    float w = (float) Math.cos((float) ((float) (t * (float) Math.PI) / (float) lpw) / 2f);
                    w = w * w;
                    t = t * (float) Math.PI;
                    float s = t == 0 ? 1f : (float) Math.sin(t) / t;
                    k[i][j] = s * (w * (float) (base / o));
                }
            }
        }
        return new Resampler(origRate, newRate, width, k, Padding.ZEROS, LengthRule.CEIL);
    }

    /**
     * {@code julius.resample_frac(x, old, new)} as audiotools' {@code AudioSignal.resample} calls it
     * (zeros 24, rolloff 0.945, default output length): the DAC tokenisation path 48 kHz → 44.1 kHz.
     */
    public static Resampler julius(int oldRate, int newRate) {
        return julius(oldRate, newRate, 24, 0.945);
    }

    /**
     * julius' {@code ResampleFrac} with explicit parameters; the kernel is evaluated in float32 as julius does.
     *
     * @param zeros zero crossings on each side, &gt; 0
     * @param rolloff cutoff as a fraction of the lower Nyquist frequency, in (0, 1]
     */
    public static Resampler julius(int oldRate, int newRate, int zeros, double rolloff) {
        checkRates(oldRate, newRate);
        if (zeros <= 0 || !(rolloff > 0 && rolloff <= 1)) {
            throw new IllegalArgumentException(
                    "julius resampler: need zeros > 0 and rolloff in (0, 1] but got " + zeros + ", " + rolloff);
        }
        int g = gcd(oldRate, newRate);
        int o = oldRate / g;
        int n = newRate / g;
        double sr = Math.min(n, o) * rolloff;
        int width = (int) Math.ceil(zeros * o / sr);
        float[][] k = new float[n][2 * width + o];
        float fz = zeros;
        float fsr = (float) sr;
        float pi = (float) Math.PI;
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int j = 0; j < k[i].length; j++) {
                float idx = j - width;
                float t = ((float) (-i / (double) n) + idx / o) * fsr;
                t = Math.max(-fz, Math.min(fz, t));
                t *= pi;
                float w = (float) Math.cos(t / fz / 2f);
                w = w * w;
                float s = t == 0 ? 1f : (float) Math.sin(t) / t;
                k[i][j] = s * w;
                sum += k[i][j];
            }
            float fsum = (float) sum;
            for (int j = 0; j < k[i].length; j++) {
                k[i][j] /= fsum;
            }
        }
        return new Resampler(oldRate, newRate, width, k, Padding.REPLICATE, LengthRule.FLOOR_FLOAT32);
    }

    /** Input rate in Hz. */
    public int origRate() {
        return origRate;
    }

    /** Output rate in Hz. */
    public int newRate() {
        return newRate;
    }

    /** The gcd-reduced input rate o (the convolution stride). */
    public int origReduced() {
        return o;
    }

    /** The gcd-reduced output rate n (the number of phases). */
    public int newReduced() {
        return n;
    }

    /** Kernel half-width in input samples. */
    public int width() {
        return width;
    }

    /** The padding mode. */
    public Padding padding() {
        return padding;
    }

    /** A copy of the kernel, shape [n, 2·width + o]. */
    public float[][] kernel() {
        float[][] c = new float[n][];
        for (int i = 0; i < n; i++) {
            c[i] = kernel[i].clone();
        }
        return c;
    }

    /**
     * Output samples for an input of {@code inputLength} samples, by this resampler's {@link LengthRule}
     * (never more than the convolution computes, {@code n·(floor(L/o) + 1)}); L when the rates are equal.
     */
    public long outputLength(long inputLength) {
        if (inputLength < 0) {
            throw new IllegalArgumentException("input length must be >= 0 but was " + inputLength);
        }
        if (origRate == newRate) {
            return inputLength;
        }
        double q = (double) (n * inputLength) / o;
        long len = lengthRule == LengthRule.CEIL ? (long) Math.ceil(q) : (long) Math.floor((float) q);
        return Math.min(len, n * (inputLength / o + 1));
    }

    /**
     * Resamples one signal.
     *
     * @param x [L] samples at {@link #origRate()}
     * @return [{@link #outputLength(long) outputLength(L)}] samples at {@link #newRate()}; a copy of x
     *     when the rates are equal
     */
    public float[] resample(float[] x) {
        if (origRate == newRate) {
            return x.clone();
        }
        int length = x.length;
        int outLen = Math.toIntExact(outputLength(length));
        float[] y = new float[outLen];
        if (outLen == 0) {
            return y;
        }
        int taps = 2 * width + o;
        float[] xp = new float[length + 2 * width + o];
        System.arraycopy(x, 0, xp, width, length);
        if (padding == Padding.REPLICATE && length > 0) {
            java.util.Arrays.fill(xp, 0, width, x[0]);
            java.util.Arrays.fill(xp, width + length, xp.length, x[length - 1]);
        }
        for (int out = 0; out < outLen; out++) {
            int frame = out / n;
            float[] k = kernel[out - frame * n];
            int start = frame * o;
            double acc = 0;
            for (int t = 0; t < taps; t++) {
                acc += k[t] * xp[start + t];
            }
            y[out] = (float) acc;
        }
        return y;
    }

    /**
     * Resamples every channel.
     *
     * @param x [C, L]
     * @return [C, outputLength(L)]
     */
    public float[][] resample(float[][] x) {
        float[][] y = new float[x.length][];
        for (int c = 0; c < x.length; c++) {
            y[c] = resample(x[c]);
        }
        return y;
    }

    /**
     * Resamples a buffer recorded at {@link #origRate()}.
     *
     * @throws IllegalArgumentException when the buffer's rate differs from {@link #origRate()}
     */
    public AudioBuffer resample(AudioBuffer audio) {
        if (audio.sampleRate() != origRate) {
            throw new IllegalArgumentException(
                    "resampler expects " + origRate + " Hz input but the audio is at " + audio.sampleRate() + " Hz");
        }
        return new AudioBuffer(newRate, resample(audio.channels()));
    }

    private static void checkRates(int a, int b) {
        if (a <= 0 || b <= 0) {
            throw new IllegalArgumentException("sample rates must be > 0 but got " + a + " -> " + b);
        }
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
