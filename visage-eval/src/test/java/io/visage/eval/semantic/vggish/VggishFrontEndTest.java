package io.visage.eval.semantic.vggish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.eval.semantic.Fft;
import io.visage.nn.io.TensorSource;
import io.visage.nn.testing.FixtureTolerances;
import io.visage.nn.testing.TensorAssert;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static io.visage.eval.semantic.vggish.VggishFixture.key;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VggishFrontEndTest {
    private static final VggishFrontEnd FRONT = new VggishFrontEnd();

    static double[] flat(double[][] m) {
        return Arrays.stream(m).flatMapToDouble(Arrays::stream).toArray();
    }

    static float[] flat(float[][][] e) {
        int n = 0;
        for (float[][] x : e) {
            for (float[] r : x) {
                n += r.length;
            }
        }
        float[] out = new float[n];
        int at = 0;
        for (float[][] x : e) {
            for (float[] r : x) {
                System.arraycopy(r, 0, out, at, r.length);
                at += r.length;
            }
        }
        return out;
    }

    @Test
    void logMel_everyClip_matchesFixture() {
        FixtureTolerances tol = FixtureTolerances.forSet(VggishFixture.SET);
        try (TensorSource io = VggishFixture.io()) {
            for (int c : VggishFixture.clips(io)) {
                String k = key(c, "log_mel");
                double[][] mel = FRONT.logMel(io.floats(key(c, "audio")));
                long[] shape = io.shape(k);
                assertArrayEquals(shape, new long[] {mel.length, VggishFrontEnd.MEL_BANDS}, k + " shape");
                TensorAssert.assertClose(k, shape, io.doubles(k), flat(mel), tol.rtol(k), tol.atol(k));
            }
        }
    }

    @Test
    void examples_everyClip_matchFixture() {
        FixtureTolerances tol = FixtureTolerances.forSet(VggishFixture.SET);
        try (TensorSource io = VggishFixture.io()) {
            for (int c : VggishFixture.clips(io)) {
                String k = key(c, "examples");
                float[][][] ex = FRONT.examples(io.floats(key(c, "audio")));
                long[] shape = io.shape(k);
                assertArrayEquals(
                        shape,
                        new long[] {ex.length, 1, VggishFrontEnd.EXAMPLE_FRAMES, VggishFrontEnd.MEL_BANDS},
                        k + " shape");
                if (ex.length > 0) {
                    TensorAssert.assertClose(k, shape, io.floats(k), flat(ex), tol.rtol(k), tol.atol(k));
                }
            }
        }
    }

    @Test
    void frameAndExampleCounts_matchFixtureJson() throws IOException {
        JsonNode fx =
                new ObjectMapper().readTree(VggishFixture.file("fixture.json").toFile());
        JsonNode clips = fx.get("clips");
        assertTrue(clips != null && clips.size() > 0, "fixture.json lists no clips");
        for (JsonNode c : clips) {
            int frames = VggishFrontEnd.frames(c.get("samples").asInt());
            assertEquals(c.get("frames").asInt(), frames, "frames of " + c);
            assertEquals(c.get("examples").asInt(), VggishFrontEnd.examples(frames), "examples of " + c);
        }
    }

    @Test
    void shortAudio_hasNoExample_andOneExampleNeedsMinimumSamples() {
        Random rng = new Random(3);
        int min = VggishFrontEnd.minimumSamples();
        for (int n : new int[] {1, VggishFrontEnd.WINDOW_SAMPLES - 1, VggishFrontEnd.WINDOW_SAMPLES, min - 1}) {
            float[] a = noise(rng, n);
            assertEquals(VggishFrontEnd.frames(n), FRONT.logMel(a).length, "frames of " + n + " samples");
            assertEquals(0, FRONT.examples(a).length, "examples of " + n + " samples");
        }
        assertEquals(1, FRONT.examples(noise(rng, min)).length);
        assertEquals(VggishFrontEnd.EXAMPLE_FRAMES, FRONT.logMel(noise(rng, min)).length);
    }

    @Test
    void badAudio_throwsOneClearMessage() {
        var empty = assertThrows(IllegalArgumentException.class, () -> FRONT.logMel(new float[0]));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
        var none = assertThrows(IllegalArgumentException.class, () -> FRONT.logMel(null));
        assertTrue(none.getMessage().contains("null"), none.getMessage());
        float[] a = noise(new Random(4), 20000);
        a[1234] = Float.NaN;
        var nan = assertThrows(IllegalArgumentException.class, () -> FRONT.examples(a));
        assertTrue(nan.getMessage().contains("sample 1234") && nan.getMessage().contains("NaN"), nan.getMessage());
        a[1234] = Float.NEGATIVE_INFINITY;
        var inf = assertThrows(IllegalArgumentException.class, () -> FRONT.examples(a));
        assertTrue(inf.getMessage().contains("Infinity"), inf.getMessage());
    }

    @Test
    void melMatrix_dcRowZero_andEveryBandHasWeight() {
        double[][] m = VggishFrontEnd.melMatrix(
                VggishFrontEnd.MEL_BANDS,
                VggishFrontEnd.SPECTROGRAM_BINS,
                VggishFrontEnd.SAMPLE_RATE_HZ,
                VggishFrontEnd.MEL_MIN_HZ,
                VggishFrontEnd.MEL_MAX_HZ);
        assertEquals(VggishFrontEnd.SPECTROGRAM_BINS, m.length);
        for (double w : m[0]) {
            assertEquals(0.0, w);
        }
        for (int b = 0; b < VggishFrontEnd.MEL_BANDS; b++) {
            double sum = 0;
            for (double[] row : m) {
                assertTrue(row[b] >= 0 && row[b] <= 1, "weight in [0, 1]");
                sum += row[b];
            }
            assertTrue(sum > 0, "band " + b + " has no weight");
        }
    }

    @Test
    void realFft_matchesDirectDft() {
        Random rng = new Random(5);
        for (int n : new int[] {2, 8, VggishFrontEnd.FFT_LENGTH}) {
            Fft fft = new Fft(n);
            for (int len : new int[] {n, Math.max(1, n * 3 / 4)}) {
                double[] x = new double[len];
                for (int i = 0; i < len; i++) {
                    x[i] = rng.nextGaussian();
                }
                double[] got = new double[n / 2 + 1];
                fft.magnitude(x, got);
                double[] want = new double[n / 2 + 1];
                for (int k = 0; k <= n / 2; k++) {
                    double re = 0;
                    double im = 0;
                    for (int t = 0; t < len; t++) {
                        re += x[t] * Math.cos(2 * Math.PI * k * t / n);
                        im -= x[t] * Math.sin(2 * Math.PI * k * t / n);
                    }
                    want[k] = Math.hypot(re, im);
                }
                TensorAssert.assertClose("|rfft| n=" + n, new long[] {want.length}, want, got, 1e-12, 1e-12);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new Fft(400));
    }

    private static float[] noise(Random rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (0.1 * rng.nextGaussian());
        }
        return a;
    }
}
