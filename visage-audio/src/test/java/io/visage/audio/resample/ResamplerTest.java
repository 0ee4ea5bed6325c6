package io.visage.audio.resample;

import io.visage.audio.io.AudioBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResamplerTest {
    @ParameterizedTest
    @CsvSource({"48000,44100", "44100,48000", "48000,16000", "16000,32000", "44100,16000"})
    void julius_keepsAConstantSignalConstant(int from, int to) {
        Resampler r = Resampler.julius(from, to);
        float[] x = new float[3001];
        java.util.Arrays.fill(x, 0.375f);

        float[] y = r.resample(x);

        assertEquals(r.outputLength(x.length), y.length);
        for (int i = 0; i < y.length; i++) {
            assertEquals(0.375f, y[i], 1e-6f, "sample " + i);
        }
    }

    @ParameterizedTest
    @CsvSource({"48000,16000", "44100,16000", "16000,32000", "22050,16000"})
    void torchaudio_keepsAToneWellBelowNyquist(int from, int to) {
        Resampler r = Resampler.torchaudio(from, to);
        double f = 440;
        float[] x = new float[from / 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(2 * Math.PI * f * i / from);
        }

        float[] y = r.resample(x);

        int margin = y.length / 5; // zero padding affects the edges only
        for (int i = margin; i < y.length - margin; i++) {
            assertEquals(Math.sin(2 * Math.PI * f * i / to), y[i], 2e-3, "sample " + i);
        }
    }

    @Test
    void equalRates_returnACopyOfTheInput() {
        float[] x = {1, 2, 3};
        for (Resampler r : new Resampler[] {Resampler.torchaudio(16000, 16000), Resampler.julius(16000, 16000)}) {
            float[] y = r.resample(x);
            assertArrayEquals(x, y);
            assertNotSame(x, y);
            assertEquals(7, r.outputLength(7));
        }
    }

    @Test
    void kernel_hasNPhasesOfTwoWidthPlusOTaps_andJuliusPhasesSumToOne() {
        Resampler r = Resampler.julius(48000, 44100);
        float[][] k = r.kernel();

        assertEquals(r.newReduced(), k.length);
        for (float[] phase : k) {
            assertEquals(2 * r.width() + r.origReduced(), phase.length);
            double s = 0;
            for (float v : phase) {
                s += v;
            }
            assertEquals(1.0, s, 1e-5);
        }
    }

    @Test
    void audioBuffer_isResampledPerChannel() {
        Random rnd = new Random(3);
        float[][] x = new float[3][1234];
        for (float[] row : x) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) rnd.nextGaussian();
            }
        }
        Resampler r = Resampler.torchaudioTransform(44100, 16000);

        AudioBuffer y = r.resample(new AudioBuffer(44100, x));

        assertEquals(16000, y.sampleRate());
        for (int c = 0; c < 3; c++) {
            assertArrayEquals(r.resample(x[c]), y.channel(c));
        }
    }

    @Test
    void badArguments_areRejectedWithTheValues() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Resampler.torchaudio(0, 16000))
                .getMessage()
                .contains("0 -> 16000"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Resampler.julius(48000, 44100, 24, 1.5))
                .getMessage()
                .contains("1.5"));
        Resampler r = Resampler.julius(48000, 44100);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> r.resample(new AudioBuffer(44100, new float[1][10])));
        assertTrue(e.getMessage().contains("48000") && e.getMessage().contains("44100"), e.getMessage());
    }
}
