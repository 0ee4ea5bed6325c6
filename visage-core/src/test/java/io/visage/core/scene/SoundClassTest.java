package io.visage.core.scene;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SoundClassTest {
    private static final int RATE = 16000;
    private static final int BLOCK = 320;
    private static final int N = 5 * RATE;

    /** Which 320-sample blocks sound, from the class descriptions (0.2 s = 10 blocks). */
    private static boolean expectedOn(SoundClass c, int block) {
        return switch (c) {
            case RED_BALL -> block % 20 < 10;
            case BLUE_BOX, YELLOW_STAR -> true;
            case GREEN_TRIANGLE -> block % 20 < 15;
        };
    }

    private static float[] block(float[] x, int b) {
        return Arrays.copyOfRange(x, b * BLOCK, (b + 1) * BLOCK);
    }

    private static double peak(float[] x) {
        double p = 0;
        for (float v : x) {
            p = Math.max(p, Math.abs(v));
        }
        return p;
    }

    /** Amplitude of the sinusoid at {@code hz} in {@code x} (a whole number of its periods). */
    private static double amplitudeAt(float[] x, double hz, int rate) {
        double re = 0;
        double im = 0;
        for (int n = 0; n < x.length; n++) {
            re += x[n] * Math.cos(2 * Math.PI * hz * n / rate);
            im += x[n] * Math.sin(2 * Math.PI * hz * n / rate);
        }
        return 2 * Math.hypot(re, im) / x.length;
    }

    @Test
    void everySound_isPeakOne_startsAtPhaseZero_andSwitchesOnlyAtBlockBoundaries() {
        for (SoundClass c : SoundClass.values()) {
            float[] x = c.sound(RATE, N);
            assertEquals(N, x.length);
            assertEquals(0f, x[0], c.name());
            assertEquals(1.0, peak(x), 1e-6, c.name());
            for (int b = 0; b < N / BLOCK; b++) {
                float[] blk = block(x, b);
                if (expectedOn(c, b)) {
                    // a sounding block reaches the full peak: the tone is on for the whole block
                    assertEquals(1.0, peak(blk), 1e-6, c + " block " + b);
                } else {
                    assertEquals(0.0, peak(blk), 0.0, c + " block " + b);
                }
            }
        }
    }

    @Test
    void steadyParts_repeatExactlyEvery320Samples() {
        for (SoundClass c : SoundClass.values()) {
            float[] x = c.sound(RATE, N);
            int checked = 0;
            for (int b = 0; b + 1 < N / BLOCK; b++) {
                boolean sameTone = expectedOn(c, b) == expectedOn(c, b + 1)
                        && (c != SoundClass.YELLOW_STAR || b / 12 == (b + 1) / 12);
                if (sameTone) {
                    for (int m = 0; m < BLOCK; m++) {
                        int n = b * BLOCK + m;
                        assertEquals(x[n], x[n + BLOCK], 0f, c + " sample " + n);
                    }
                    checked++;
                }
            }
            assertTrue(checked > 150, c + ": only " + checked + " steady block pairs");
        }
    }

    @Test
    void tones_haveTheDescribedFrequencies() {
        float[] red = SoundClass.RED_BALL.sound(RATE, N);
        assertEquals(1.0, amplitudeAt(block(red, 0), 500, RATE), 1e-4);
        assertEquals(0.0, amplitudeAt(block(red, 0), 1000, RATE), 1e-4);

        float[] blue = block(SoundClass.BLUE_BOX.sound(RATE, N), 7);
        double a150 = amplitudeAt(blue, 150, RATE);
        assertEquals(0.5, amplitudeAt(blue, 300, RATE) / a150, 1e-4);
        assertEquals(0.25, amplitudeAt(blue, 450, RATE) / a150, 1e-4);
        assertEquals(0.0, amplitudeAt(blue, 600, RATE), 1e-4);

        float[] green = block(SoundClass.GREEN_TRIANGLE.sound(RATE, N), 3);
        double g250 = amplitudeAt(green, 250, RATE);
        for (int k = 3; k * 250 < 4000; k += 2) {
            assertEquals(1.0 / k, amplitudeAt(green, 250.0 * k, RATE) / g250, 1e-4, "harmonic " + k);
        }
        assertEquals(0.0, amplitudeAt(green, 500, RATE), 1e-4); // no even harmonics
        assertEquals(0.0, amplitudeAt(green, 4250, RATE), 1e-4); // band-limited below 4 kHz

        float[] yellow = SoundClass.YELLOW_STAR.sound(RATE, N);
        assertEquals(1.0, amplitudeAt(block(yellow, 11), 800, RATE), 1e-4); // 0.22..0.24 s
        assertEquals(1.0, amplitudeAt(block(yellow, 12), 1000, RATE), 1e-4); // 0.24..0.26 s
        assertEquals(1.0, amplitudeAt(block(yellow, 24), 800, RATE), 1e-4); // 0.48 s: back to 800 Hz
    }

    @Test
    void otherRates_keepTheTwentyMillisecondPeriod() {
        for (SoundClass c : SoundClass.values()) {
            float[] x = c.sound(48000, 48000);
            float[] y = c.sound(RATE, RATE);
            // the same block pattern at 960 samples per block
            for (int b = 0; b < 50; b++) {
                assertEquals(peak(block(y, b)) > 0, peakRange(x, b * 960, 960) > 0, c + " block " + b);
            }
            assertArrayEquals(Arrays.copyOfRange(x, 0, 960), Arrays.copyOfRange(x, 960, 1920), 0f, c.name());
        }
    }

    private static double peakRange(float[] x, int from, int len) {
        return peak(Arrays.copyOfRange(x, from, from + len));
    }
}
