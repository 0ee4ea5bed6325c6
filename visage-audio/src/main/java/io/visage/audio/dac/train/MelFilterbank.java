package io.visage.audio.dac.train;

import io.visage.nn.ConfigException;

/**
 * Triangular mel filters on the Slaney mel scale with Slaney area normalisation, the filters
 * {@code librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax)} makes with its defaults
 * ({@code htk=False, norm="slaney"}), which audiotools (DAC's {@code MelSpectrogramLoss}) uses.
 *
 * <p>Slaney scale: mel = f / (200/3) below 1 kHz, 15 + ln(f / 1000) / (ln 6.4 / 27) above (linear
 * to 1 kHz, logarithmic after). {@code nMels + 2} points equally spaced in mel between fmin and fmax
 * give the edges; filter i rises from point i to point i+1 and falls to point i+2, evaluated at the
 * FFT bin frequencies k · sr / nFft, and is scaled by 2 / (f_{i+2} − f_i) (equal area).
 */
public final class MelFilterbank {
    private static final double F_SP = 200.0 / 3.0;
    private static final double MIN_LOG_HZ = 1000.0;
    private static final double MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
    private static final double LOG_STEP = Math.log(6.4) / 27.0;

    private MelFilterbank() {}

    /** Hz → Slaney mel. */
    public static double hzToMel(double hz) {
        return hz < MIN_LOG_HZ ? hz / F_SP : MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP;
    }

    /** Slaney mel → Hz. */
    public static double melToHz(double mel) {
        return mel < MIN_LOG_MEL ? mel * F_SP : MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL));
    }

    /**
     * The filter matrix.
     *
     * @param sampleRateHz sample rate of the signal
     * @param nFft         FFT size (the window length); bins 0 .. nFft/2
     * @param nMels        number of filters
     * @param fminHz       lowest edge, ≥ 0
     * @param fmaxHz       highest edge, ≤ sampleRate / 2
     * @return [nMels][nFft/2 + 1] weights
     * @throws ConfigException when the sizes are out of range or a filter falls between two FFT bins
     *     (all its weights zero: too many mels for the FFT size)
     */
    public static double[][] slaney(int sampleRateHz, int nFft, int nMels, double fminHz, double fmaxHz) {
        if (sampleRateHz < 1
                || nFft < 2
                || nMels < 1
                || !(fminHz >= 0 && fminHz < fmaxHz)
                || fmaxHz > sampleRateHz / 2.0) {
            throw new ConfigException("mel filterbank: sample rate " + sampleRateHz + " Hz, n_fft " + nFft + ", "
                    + nMels + " mels, fmin " + fminHz + " Hz, fmax " + fmaxHz
                    + " Hz out of range (0 <= fmin < fmax <= sample rate / 2)");
        }
        int bins = nFft / 2 + 1;
        double lo = hzToMel(fminHz);
        double hi = hzToMel(fmaxHz);
        double[] edges = new double[nMels + 2];
        for (int i = 0; i < edges.length; i++) {
            edges[i] = melToHz(lo + (hi - lo) * i / (nMels + 1));
        }
        double[][] w = new double[nMels][bins];
        for (int m = 0; m < nMels; m++) {
            double left = edges[m];
            double centre = edges[m + 1];
            double right = edges[m + 2];
            double norm = 2.0 / (right - left);
            boolean any = false;
            for (int k = 0; k < bins; k++) {
                double f = (double) k * sampleRateHz / nFft;
                double rise = (f - left) / (centre - left);
                double fall = (right - f) / (right - centre);
                double v = Math.max(0.0, Math.min(rise, fall));
                w[m][k] = v * norm;
                any |= v > 0;
            }
            if (!any) {
                throw new ConfigException("mel filterbank: filter " + m + " of " + nMels + " (" + round(left) + ".."
                        + round(right) + " Hz) holds no FFT bin of n_fft " + nFft + " at " + sampleRateHz
                        + " Hz (bins every " + round((double) sampleRateHz / nFft) + " Hz): use fewer mels or a"
                        + " longer window");
            }
        }
        return w;
    }

    private static String round(double v) {
        return String.format(java.util.Locale.ROOT, "%.1f", v);
    }
}
