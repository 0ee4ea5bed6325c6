package io.visage.examples.bench;

import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The boundary measures of {@code bench windows} on signals with known steps. */
class WindowsBenchTest {
    private static final int RATE = 16000;

    private static float[] tone(int n, double hz, double amplitudeBefore, double amplitudeAfter, int at) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) ((i < at ? amplitudeBefore : amplitudeAfter) * Math.sin(2 * Math.PI * hz * i / RATE));
        }
        return x;
    }

    @Test
    void levelStepAtACut_isMeasuredThereAndNowhereElse() {
        float[] x = tone(2 * RATE, 1000, 1.0, 0.5, RATE);
        WindowsBench.Metrics m = WindowsBench.measure(x, RATE, List.of(new long[] {RATE, RATE}));
        assertEquals(1, m.levelAtBoundary().pairs());
        assertEquals(38, m.levelWithin().pairs()); // 40 blocks, 39 pairs
        assertEquals(20 * Math.log10(2), m.levelAtBoundary().max(), 1e-3);
        assertTrue(m.levelWithin().max() < 1e-3, m.levelWithin().toString());
    }

    @Test
    void spectralChange_showsInTheLogSpectralDistance_notTheLevel() {
        float[] a = tone(RATE, 1000, 1, 1, RATE);
        float[] b = tone(RATE, 3000, 1, 1, RATE);
        float[] x = new float[2 * RATE];
        System.arraycopy(a, 0, x, 0, RATE);
        System.arraycopy(b, 0, x, RATE, RATE);
        WindowsBench.Metrics m = WindowsBench.measure(x, RATE, List.of(new long[] {RATE, RATE}));
        assertTrue(m.lsdAtBoundary().max() > 10, m.lsdAtBoundary().toString());
        assertTrue(m.lsdWithin().max() < 0.1, m.lsdWithin().toString());
        assertTrue(m.levelAtBoundary().max() < 0.01, m.levelAtBoundary().toString());
    }

    @Test
    void stationaryNoise_hasASmallSpectralDistanceBetweenBlocks_thanksToWelchAveraging() {
        java.util.Random rng = new java.util.Random(4);
        float[] x = new float[4 * RATE];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        WindowsBench.Metrics m = WindowsBench.measure(x, RATE, List.of());
        // a single 800-point periodogram scatters by ~5.6 dB per bin (LSD ~7.9 dB between blocks)
        assertTrue(m.lsdWithin().mean() < 4.5, m.lsdWithin().toString());
        assertTrue(m.levelWithin().mean() < 0.5, m.levelWithin().toString());
        assertEquals(0, m.lsdAtBoundary().pairs());
    }

    @Test
    void aJoinZone_marksEveryPairTouchingIt() {
        float[] x = tone(2 * RATE, 500, 1, 1, 0);
        int block = (int) (WindowsBench.BLOCK_SECONDS * RATE);
        // [10.5, 14) blocks: pairs (9,10) .. (13,14) touch it
        WindowsBench.Metrics m =
                WindowsBench.measure(x, RATE, List.of(new long[] {10 * block + block / 2, 14 * block}));
        assertEquals(5, m.levelAtBoundary().pairs());
        assertEquals(34, m.levelWithin().pairs());
    }
}
