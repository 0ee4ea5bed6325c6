package io.visage.eval.semantic.vggish;

import io.visage.eval.semantic.Fft;

/**
 * torchvggish's input pipeline ({@code vggish_input.waveform_to_examples} over {@code
 * mel_features.log_mel_spectrogram}) for mono audio already at 16 kHz, in float64 like the
 * reference's numpy code:
 * <ol>
 *   <li>frames of {@value #WINDOW_SAMPLES} samples every {@value #HOP_SAMPLES}, without padding
 *       ({@code F = 1 + (N − 400) / 160}, none when N &lt; 400);</li>
 *   <li>each frame times a periodic Hann window {@code 0.5 − 0.5·cos(2πn/400)}, magnitude of its
 *       {@value #FFT_LENGTH}-point real FFT (257 bins);</li>
 *   <li>times the [257, 64] HTK mel matrix (125–7500 Hz, triangles in mel = 1127·ln(1 + f/700),
 *       DC row zeroed), then {@code ln(mel + 0.01)};</li>
 *   <li>examples: non-overlapping windows of {@value #EXAMPLE_FRAMES} frames ({@code E = F / 96}
 *       rounded down), cast to float32.</li>
 * </ol>
 * Immutable (precomputed window, mel matrix and FFT tables) and thread-safe. Where numpy fails
 * (fewer than 240 samples) this returns no frames.
 */
public final class VggishFrontEnd {
    /** The rate the front end expects (it does not resample). */
    public static final int SAMPLE_RATE_HZ = 16000;
    /** STFT window: 25 ms. */
    public static final int WINDOW_SAMPLES = 400;
    /** STFT hop: 10 ms. */
    public static final int HOP_SAMPLES = 160;
    /** FFT length: the next power of two above the window. */
    public static final int FFT_LENGTH = 512;
    /** Spectrogram bins: FFT_LENGTH / 2 + 1. */
    public static final int SPECTROGRAM_BINS = FFT_LENGTH / 2 + 1;
    /** Mel bands. */
    public static final int MEL_BANDS = 64;
    /** Lower edge of the lowest mel band. */
    public static final double MEL_MIN_HZ = 125.0;
    /** Upper edge of the highest mel band. */
    public static final double MEL_MAX_HZ = 7500.0;
    /** Added to the mel energies before the logarithm. */
    public static final double LOG_OFFSET = 0.01;
    /** Frames per example (0.96 s); examples do not overlap. */
    public static final int EXAMPLE_FRAMES = 96;

    private static final double MEL_BREAK_HZ = 700.0;
    private static final double MEL_HIGH_Q = 1127.0;

    private final double[] window;
    /** [SPECTROGRAM_BINS][MEL_BANDS]. */
    private final double[][] melMatrix;

    private final Fft fft;

    public VggishFrontEnd() {
        window = new double[WINDOW_SAMPLES];
        for (int i = 0; i < WINDOW_SAMPLES; i++) {
            window[i] = 0.5 - 0.5 * Math.cos(2.0 * Math.PI / WINDOW_SAMPLES * i);
        }
        melMatrix = melMatrix(MEL_BANDS, SPECTROGRAM_BINS, SAMPLE_RATE_HZ, MEL_MIN_HZ, MEL_MAX_HZ);
        fft = new Fft(FFT_LENGTH);
    }

    /** Frames of a clip of {@code samples} samples: {@code 1 + (samples − 400) / 160}, or 0 when shorter than a window. */
    public static int frames(int samples) {
        return samples < WINDOW_SAMPLES ? 0 : 1 + (samples - WINDOW_SAMPLES) / HOP_SAMPLES;
    }

    /** Examples of a log-mel spectrogram of {@code frames} frames: {@code frames / 96}, rounded down. */
    public static int examples(int frames) {
        return frames < EXAMPLE_FRAMES ? 0 : 1 + (frames - EXAMPLE_FRAMES) / EXAMPLE_FRAMES;
    }

    /** mel(f) = 1127 · ln(1 + f / 700) (HTK). */
    static double hertzToMel(double hz) {
        return MEL_HIGH_Q * Math.log(1.0 + hz / MEL_BREAK_HZ);
    }

    /** numpy's {@code linspace(start, stop, num)}: {@code start + i·step}, the last value exactly {@code stop}. */
    private static double[] linspace(double start, double stop, int num) {
        double[] y = new double[num];
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) {
            y[i] = i * step + start;
        }
        y[num - 1] = stop;
        return y;
    }

    /**
     * {@code mel_features.spectrogram_to_mel_matrix}: weight of bin k in band i is {@code max(0,
     * min(rising, falling))} of the triangle with edges {@code edges[i], edges[i + 1], edges[i + 2]}
     * on the mel scale; row 0 (DC) is zero.
     *
     * @return [bins][bands]
     */
    static double[][] melMatrix(int bands, int bins, int sampleRateHz, double lowerHz, double upperHz) {
        double[] binMel = linspace(0.0, sampleRateHz / 2.0, bins);
        for (int k = 0; k < bins; k++) {
            binMel[k] = hertzToMel(binMel[k]);
        }
        double[] edges = linspace(hertzToMel(lowerHz), hertzToMel(upperHz), bands + 2);
        double[][] m = new double[bins][bands];
        for (int i = 0; i < bands; i++) {
            double lower = edges[i];
            double center = edges[i + 1];
            double upper = edges[i + 2];
            for (int k = 1; k < bins; k++) {
                double rising = (binMel[k] - lower) / (center - lower);
                double falling = (upper - binMel[k]) / (upper - center);
                m[k][i] = Math.max(0.0, Math.min(rising, falling));
            }
        }
        return m;
    }

    /**
     * The log-mel spectrogram.
     *
     * @param mono [N] samples at 16 kHz, finite, N ≥ 1
     * @return [F][64], F = {@link #frames}(N)
     * @throws IllegalArgumentException for null, empty or non-finite audio
     */
    public double[][] logMel(float[] mono) {
        check(mono);
        int frames = frames(mono.length);
        double[][] out = new double[frames][MEL_BANDS];
        double[] frame = new double[WINDOW_SAMPLES];
        double[] mag = new double[SPECTROGRAM_BINS];
        for (int f = 0; f < frames; f++) {
            int start = f * HOP_SAMPLES;
            for (int i = 0; i < WINDOW_SAMPLES; i++) {
                frame[i] = mono[start + i] * window[i];
            }
            fft.magnitude(frame, mag);
            double[] row = out[f];
            for (int k = 1; k < SPECTROGRAM_BINS; k++) { // row 0 of the mel matrix is zero
                double m = mag[k];
                double[] weights = melMatrix[k];
                for (int b = 0; b < MEL_BANDS; b++) {
                    row[b] += m * weights[b];
                }
            }
            for (int b = 0; b < MEL_BANDS; b++) {
                row[b] = Math.log(row[b] + LOG_OFFSET);
            }
        }
        return out;
    }

    /**
     * Non-overlapping 96-frame windows of a log-mel spectrogram, as float32.
     *
     * @param logMel [F][64]
     * @return [E][96][64], E = {@link #examples}(F) (trailing frames are dropped)
     */
    public float[][][] examples(double[][] logMel) {
        int e = examples(logMel.length);
        float[][][] out = new float[e][EXAMPLE_FRAMES][MEL_BANDS];
        for (int x = 0; x < e; x++) {
            for (int t = 0; t < EXAMPLE_FRAMES; t++) {
                double[] row = logMel[x * EXAMPLE_FRAMES + t];
                if (row.length != MEL_BANDS) {
                    throw new IllegalArgumentException("vggish: log-mel frame " + (x * EXAMPLE_FRAMES + t) + " has "
                            + row.length + " bands, expected " + MEL_BANDS);
                }
                for (int b = 0; b < MEL_BANDS; b++) {
                    out[x][t][b] = (float) row[b];
                }
            }
        }
        return out;
    }

    /**
     * {@code waveform_to_examples} for 16-kHz mono: {@link #examples(double[][])} of {@link #logMel}.
     *
     * @param mono [N] samples at 16 kHz
     * @return [E][96][64]
     */
    public float[][][] examples(float[] mono) {
        return examples(logMel(mono));
    }

    private static void check(float[] mono) {
        if (mono == null) {
            throw new IllegalArgumentException("vggish: audio is null");
        }
        if (mono.length == 0) {
            throw new IllegalArgumentException("vggish: audio is empty (0 samples); one embedding needs "
                    + minimumSamples() + " samples at 16 kHz (" + EXAMPLE_FRAMES + " STFT frames)");
        }
        for (int i = 0; i < mono.length; i++) {
            if (!Float.isFinite(mono[i])) {
                throw new IllegalArgumentException("vggish: audio sample " + i + " of " + mono.length + " is " + mono[i]
                        + "; samples must be finite");
            }
        }
    }

    /** Samples needed for one example: 400 + 95 · 160 = 15,600. */
    public static int minimumSamples() {
        return WINDOW_SAMPLES + (EXAMPLE_FRAMES - 1) * HOP_SAMPLES;
    }
}
