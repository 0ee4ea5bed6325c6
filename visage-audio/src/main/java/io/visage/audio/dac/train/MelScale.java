package io.visage.audio.dac.train;

import io.visage.nn.ConfigException;
import java.util.List;

/**
 * One resolution of {@link MelSpectrogramLoss}: a Hann window of {@code window} samples moved by
 * {@code hop} samples, its magnitudes summed into {@code nMels} Slaney mel bands.
 *
 * @param window samples per frame (the FFT size); an even multiple of {@code hop}
 * @param hop    samples between frames
 * @param nMels  mel bands
 */
public record MelScale(int window, int hop, int nMels) {
    /**
     * The scales used unless told otherwise, chosen for 16 kHz audio: windows 2048 / 512 / 128
     * samples (128 / 32 / 8 ms) with hop = window / 4 and 80 / 40 / 20 mels. This is DAC's own
     * window-to-mels pairing halved (DAC pairs 2048 with 320, 512 with 80, 128 with 20 at 44.1 kHz
     * and uses seven windows from 32 to 2048): at 16 kHz the long window's FFT bins are 7.8 Hz apart
     * and 80 mels keep every low filter several bins wide, while three octave-spaced windows cover
     * the time/frequency trade-off at a third of the cost of seven (the 2048 window dominates it
     * anyway).
     */
    public static final List<MelScale> DEFAULT_16K =
            List.of(new MelScale(2048, 512, 80), new MelScale(512, 128, 40), new MelScale(128, 32, 20));

    public MelScale {
        if (window < 2 || hop < 1 || nMels < 1 || window % hop != 0 || (window / hop) % 2 != 0) {
            throw new ConfigException("mel scale: window " + window + ", hop " + hop + ", " + nMels
                    + " mels: sizes must be positive and the window an even multiple of the hop");
        }
    }

    /** Window length in hops (even). */
    int hopsPerWindow() {
        return window / hop;
    }

    /** FFT bins 0 .. window/2. */
    int bins() {
        return window / 2 + 1;
    }
}
