package io.visage.eval.semantic.passt;

import io.visage.eval.semantic.Fft;

/**
 * hear21passt's {@code AugmentMelSTFT} in eval mode (no frequency/time masking, no band
 * augmentation), as {@code get_basic_model} configures it: 32 kHz mono in, a normalised log-mel
 * spectrogram [128, T] out. Steps, for N input samples:
 * <ol>
 *   <li>pre-emphasis {@code y[n] = x[n+1] − 0.97·x[n]}: N − 1 samples;</li>
 *   <li>STFT as {@code torch.stft(center=True)}: y reflect-padded by {@code n_fft / 2} on both sides,
 *       T = 1 + (N − 1) / hop frames of {@code n_fft} = 1024 samples every 320, windowed by an
 *       800-point symmetric Hann window zero-padded to 1024 in the middle (112 zeros each side);</li>
 *   <li>power {@code re² + im²} of the 513 one-sided bins;</li>
 *   <li>Kaldi mel banks ({@code torchaudio.compliance.kaldi.get_mel_banks(128, 1024, 32000, 0,
 *       15000, ...)}, no warping): triangles equally spaced on {@code mel(f) = 1127 ln(1 + f/700)}
 *       between mel(0) and mel(15000), evaluated at the mel of each bin frequency k·32000/1024 for
 *       k = 0..511; the Nyquist bin 512 gets weight 0;</li>
 *   <li>{@code (ln(mel + 1e-5) + 4.5) / 5}.</li>
 * </ol>
 * Computed in double precision, returned as float32. Immutable and thread-safe (every call uses
 * its own buffers).
 */
public final class PasstFrontEnd {
    public static final int SAMPLE_RATE_HZ = 32000;
    public static final int N_MELS = 128;
    public static final int N_FFT = 1024;
    public static final int WIN_LENGTH = 800;
    public static final int HOP_LENGTH = 320;
    public static final double FMIN_HZ = 0.0;
    public static final double FMAX_HZ = 15000.0;
    /** Pre-emphasis filter {@code [−0.97, 1]}. */
    public static final double PREEMPHASIS = 0.97;
    /** Added to the mel energies before the log. */
    public static final double LOG_OFFSET = 1e-5;
    /** The "fast normalisation" {@code (x + 4.5) / 5}. */
    public static final double NORM_SHIFT = 4.5;

    public static final double NORM_SCALE = 5.0;

    /** One-sided bins of the power spectrum (513). */
    public static final int BINS = N_FFT / 2 + 1;

    private final Fft fft = new Fft(N_FFT);
    /** The Hann window of WIN_LENGTH centred in N_FFT, zeros outside. */
    private final double[] window = paddedWindow();
    /** [N_MELS][BINS] Kaldi triangles; column 512 is zero. */
    private final double[][] banks = melBanks(N_MELS, N_FFT, SAMPLE_RATE_HZ, FMIN_HZ, FMAX_HZ);
    /** Per mel row, the first and one past the last bin with a non-zero weight. */
    private final int[] firstBin = new int[N_MELS];

    private final int[] endBin = new int[N_MELS];

    public PasstFrontEnd() {
        for (int m = 0; m < N_MELS; m++) {
            int lo = 0;
            while (lo < BINS && banks[m][lo] == 0) {
                lo++;
            }
            int hi = BINS;
            while (hi > lo && banks[m][hi - 1] == 0) {
                hi--;
            }
            firstBin[m] = lo;
            endBin[m] = hi;
        }
    }

    /** T = 1 + (N − 1) / hop mel frames of an N-sample clip. */
    public static int frames(int samples) {
        return 1 + (samples - 1) / HOP_LENGTH;
    }

    /**
     * The fewest samples that give {@code frames} mel frames and can be reflect-padded (torch needs
     * more pre-emphasised samples than {@code n_fft / 2}).
     */
    public static int minSamplesFor(int frames) {
        return Math.max((frames - 1) * HOP_LENGTH + 1, N_FFT / 2 + 2);
    }

    /** The most samples that give at most {@code frames} mel frames. */
    public static int maxSamplesFor(int frames) {
        return frames * HOP_LENGTH;
    }

    /**
     * The normalised log-mel spectrogram.
     *
     * @param mono [N] samples at 32 kHz, N ≥ {@code n_fft / 2 + 2}, all finite
     * @return [N_MELS, T] row-major, T = {@link #frames}(N)
     * @throws IllegalArgumentException for an empty, too short or non-finite clip
     */
    public float[] melSpectrogram(float[] mono) {
        check(mono);
        int len = mono.length - 1;
        double[] y = new double[len];
        for (int i = 0; i < len; i++) {
            y[i] = mono[i + 1] - PREEMPHASIS * mono[i];
        }
        int t = frames(mono.length);
        int pad = N_FFT / 2;
        int winStart = (N_FFT - WIN_LENGTH) / 2;
        double[] re = new double[N_FFT];
        double[] im = new double[N_FFT];
        double[] power = new double[BINS];
        float[] out = new float[N_MELS * t];
        for (int f = 0; f < t; f++) {
            java.util.Arrays.fill(re, 0.0);
            java.util.Arrays.fill(im, 0.0);
            int origin = f * HOP_LENGTH - pad;
            for (int k = winStart; k < winStart + WIN_LENGTH; k++) {
                re[k] = y[reflect(origin + k, len)] * window[k];
            }
            fft.transform(re, im);
            for (int k = 0; k < BINS; k++) {
                power[k] = re[k] * re[k] + im[k] * im[k];
            }
            for (int m = 0; m < N_MELS; m++) {
                double[] w = banks[m];
                double e = 0;
                for (int k = firstBin[m]; k < endBin[m]; k++) {
                    e += w[k] * power[k];
                }
                out[m * t + f] = (float) ((Math.log(e + LOG_OFFSET) + NORM_SHIFT) / NORM_SCALE);
            }
        }
        return out;
    }

    /** The mel filter bank [N_MELS][BINS] (a copy), Nyquist column zero. */
    public double[][] melBanks() {
        double[][] c = new double[N_MELS][];
        for (int m = 0; m < N_MELS; m++) {
            c[m] = banks[m].clone();
        }
        return c;
    }

    private static void check(float[] mono) {
        if (mono == null || mono.length == 0) {
            throw new IllegalArgumentException("PaSST front end: the clip is empty");
        }
        for (int i = 0; i < mono.length; i++) {
            if (!Float.isFinite(mono[i])) {
                throw new IllegalArgumentException(
                        "PaSST front end: sample " + i + " of " + mono.length + " is " + mono[i]);
            }
        }
        if (mono.length < minSamplesFor(1)) {
            throw new IllegalArgumentException("PaSST front end: a clip of " + mono.length
                    + " samples is too short for the STFT's reflect padding (needs at least " + minSamplesFor(1)
                    + ")");
        }
    }

    /** torch's reflect padding index (no edge repeat) for a signal of {@code len} samples. */
    private static int reflect(int i, int len) {
        if (i < 0) {
            return -i;
        }
        return i >= len ? 2 * (len - 1) - i : i;
    }

    /** {@code torch.hann_window(800, periodic=False)} centred in 1024 zeros. */
    private static double[] paddedWindow() {
        double[] w = new double[N_FFT];
        int start = (N_FFT - WIN_LENGTH) / 2;
        for (int n = 0; n < WIN_LENGTH; n++) {
            w[start + n] = 0.5 - 0.5 * Math.cos(2 * Math.PI * n / (WIN_LENGTH - 1));
        }
        return w;
    }

    private static double melScale(double hz) {
        return 1127.0 * Math.log(1.0 + hz / 700.0);
    }

    /**
     * Kaldi's triangular mel banks without VTLN warping, one column per one-sided bin, the last
     * (Nyquist) column zero as the reference pads it.
     *
     * @return [bins][nFft / 2 + 1]
     */
    static double[][] melBanks(int bins, int nFft, double sampleRate, double lowHz, double highHz) {
        double binWidth = sampleRate / nFft;
        double melLow = melScale(lowHz);
        double melHigh = melScale(highHz);
        double delta = (melHigh - melLow) / (bins + 1);
        double[][] b = new double[bins][nFft / 2 + 1];
        for (int m = 0; m < bins; m++) {
            double left = melLow + m * delta;
            double center = melLow + (m + 1) * delta;
            double right = melLow + (m + 2) * delta;
            for (int k = 0; k < nFft / 2; k++) {
                double mel = melScale(binWidth * k);
                double up = (mel - left) / (center - left);
                double down = (right - mel) / (right - center);
                b[m][k] = Math.max(0.0, Math.min(up, down));
            }
        }
        return b;
    }
}
