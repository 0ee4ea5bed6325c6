package io.visage.eval.semantic;

import io.visage.audio.resample.Resampler;
import java.util.Arrays;

/**
 * How audioldm_eval hands a clip to its networks ({@code WaveDataset.read_from_file}, then
 * {@code get_featuresdict} for PaSST): the first channel, minus its mean, resampled to the network's
 * rate with {@code torchaudio.functional.resample} defaults, zero-padded to at least
 * {@value #MIN_SAMPLES} samples; PaSST additionally pads or cuts to {@value #PASST_SAMPLES}.
 */
public final class EvaluationWaveform {
    /** {@code pad_short_audio(min_samples=32000)}, applied at the network's rate. */
    public static final int MIN_SAMPLES = 32_000;

    /** {@code get_featuresdict}: PaSST "can only work on 10 s audio" (at 32 kHz). */
    public static final int PASST_SAMPLES = 320_000;

    private EvaluationWaveform() {}

    /**
     * @param mono     the file's first channel at {@code fileRateHz}
     * @param targetHz the network's rate
     * @return the network input (a new array)
     */
    public static float[] prepare(float[] mono, int fileRateHz, int targetHz) {
        float[] x = removeMean(mono);
        if (fileRateHz != targetHz) {
            x = Resampler.torchaudio(fileRateHz, targetHz).resample(x);
        }
        return x.length >= MIN_SAMPLES ? x : Arrays.copyOf(x, MIN_SAMPLES);
    }

    /** {@link #prepare} followed by the pad/cut to {@value #PASST_SAMPLES} samples. */
    public static float[] prepareForPasst(float[] mono, int fileRateHz, int passtRateHz) {
        return Arrays.copyOf(prepare(mono, fileRateHz, passtRateHz), PASST_SAMPLES);
    }

    /** {@code audio - audio.mean()} in float32 (the mean accumulated in double). */
    static float[] removeMean(float[] x) {
        double s = 0;
        for (float v : x) {
            s += v;
        }
        float mean = x.length == 0 ? 0f : (float) (s / x.length);
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] - mean;
        }
        return out;
    }

    /** True when every sample equals the first (a silent or constant clip: nothing left after the mean). */
    public static boolean isSilent(float[] x) {
        for (float v : x) {
            if (v != x[0]) {
                return false;
            }
        }
        return true;
    }
}
