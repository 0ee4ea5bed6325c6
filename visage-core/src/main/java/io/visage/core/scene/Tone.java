package io.visage.core.scene;

import java.util.Arrays;

/**
 * A steady tone: a sum of sines, each a multiple of 50 Hz and at phase 0 at t = 0, so one period of
 * the sum is exactly one 20 ms codec frame.
 */
final class Tone {
    private final int[] frequenciesHz;
    private final double[] amplitudes;

    /**
     * @param frequenciesHz partial frequencies, positive multiples of 50 Hz
     * @param amplitudes    linear amplitude of each partial (same length)
     */
    Tone(int[] frequenciesHz, double[] amplitudes) {
        if (frequenciesHz.length == 0 || frequenciesHz.length != amplitudes.length) {
            throw new IllegalArgumentException("a tone needs as many amplitudes as frequencies (at least one), got "
                    + frequenciesHz.length + " frequencies and " + amplitudes.length + " amplitudes");
        }
        for (int f : frequenciesHz) {
            if (f <= 0 || f % SceneConfig.CODEC_FRAMES_PER_SECOND != 0) {
                throw new IllegalArgumentException("tone frequencies must be positive multiples of 50 Hz but were "
                        + Arrays.toString(frequenciesHz));
            }
        }
        this.frequenciesHz = frequenciesHz.clone();
        this.amplitudes = amplitudes.clone();
    }

    /** A single sine of amplitude 1. */
    static Tone sine(int frequencyHz) {
        return new Tone(new int[] {frequencyHz}, new double[] {1});
    }

    /** A band-limited square wave: odd harmonics k·f below {@code limitHz}, amplitude 1/k. */
    static Tone square(int fundamentalHz, int limitHz) {
        int n = 0;
        for (int k = 1; (long) k * fundamentalHz < limitHz; k += 2) {
            n++;
        }
        int[] f = new int[n];
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            int k = 2 * i + 1;
            f[i] = k * fundamentalHz;
            a[i] = 1.0 / k;
        }
        return new Tone(f, a);
    }

    /** The highest partial in Hz. */
    int maxFrequencyHz() {
        return Arrays.stream(frequenciesHz).max().orElseThrow();
    }

    /**
     * One 20 ms period at {@code sampleRateHz} (a multiple of 50), scaled so its largest magnitude is
     * exactly 1. Sample m is Σ aᵢ·sin(2π·fᵢ·m / rate) before scaling; the phase is reduced modulo one
     * cycle in integers, so the values do not depend on rounding of large angles.
     *
     * @return [sampleRateHz / 50]
     */
    double[] period(int sampleRateHz) {
        if (2L * maxFrequencyHz() >= sampleRateHz) {
            throw new IllegalArgumentException("a tone with a partial at " + maxFrequencyHz()
                    + " Hz needs a sample rate above " + 2L * maxFrequencyHz() + " Hz but the rate is " + sampleRateHz);
        }
        int p = sampleRateHz / SceneConfig.CODEC_FRAMES_PER_SECOND;
        double[] x = new double[p];
        double peak = 0;
        for (int m = 0; m < p; m++) {
            double s = 0;
            for (int i = 0; i < frequenciesHz.length; i++) {
                long cycle = (long) frequenciesHz[i] * m % sampleRateHz;
                s += amplitudes[i] * Math.sin(2 * Math.PI * cycle / sampleRateHz);
            }
            x[m] = s;
            peak = Math.max(peak, Math.abs(s));
        }
        for (int m = 0; m < p; m++) {
            x[m] /= peak;
        }
        return x;
    }
}
