package io.visage.eval.semantic.passt;

import io.visage.eval.semantic.Fft;
import io.visage.nn.io.TensorSource;
import io.visage.nn.testing.FixtureTolerances;
import io.visage.nn.testing.TensorAssert;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasstFrontEndTest {
    @Test
    void melSpectrogram_everyFixtureClip_matchesReference() {
        PasstFrontEnd fe = new PasstFrontEnd();
        FixtureTolerances tol = PasstFixture.tolerances();
        try (TensorSource io = PasstFixture.io()) {
            assertFalse(PasstFixture.clips(io).isEmpty(), "no clip.K.audio in the fixture");
            for (int k : PasstFixture.clips(io)) {
                String name = "clip." + k + ".mel";
                float[] audio = PasstFixture.audio(io, k);
                long[] shape = io.shape(name);
                assertEquals(PasstFrontEnd.frames(audio.length), shape[2], name + " frames");
                TensorAssert.assertClose(
                        name, shape, io.floats(name), fe.melSpectrogram(audio), tol.rtol(name), tol.atol(name));
            }
        }
    }

    @Test
    void fft_randomSignal_matchesNaiveDft() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int n : new int[] {2, 8, 64, PasstFrontEnd.N_FFT}) {
            double[] re = new double[n];
            double[] im = new double[n];
            for (int i = 0; i < n; i++) {
                re[i] = rnd.nextDouble(-1, 1);
                im[i] = rnd.nextDouble(-1, 1);
            }
            double[] wantRe = new double[n];
            double[] wantIm = new double[n];
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < n; j++) {
                    double a = -2 * Math.PI * ((long) k * j % n) / n;
                    wantRe[k] += re[j] * Math.cos(a) - im[j] * Math.sin(a);
                    wantIm[k] += re[j] * Math.sin(a) + im[j] * Math.cos(a);
                }
            }
            new Fft(n).transform(re, im);
            TensorAssert.assertClose("re n=" + n, new long[] {n}, wantRe, re, 0, 1e-9 * n);
            TensorAssert.assertClose("im n=" + n, new long[] {n}, wantIm, im, 0, 1e-9 * n);
        }
    }

    @Test
    void melBanks_triangles_nyquistColumnZeroAndEveryBinCovered() {
        double[][] b = new PasstFrontEnd().melBanks();
        assertEquals(PasstFrontEnd.N_MELS, b.length);
        for (int m = 0; m < b.length; m++) {
            assertEquals(PasstFrontEnd.BINS, b[m].length);
            assertEquals(0.0, b[m][PasstFrontEnd.BINS - 1], "Nyquist column of mel " + m);
            double max = 0;
            for (double v : b[m]) {
                assertTrue(v >= 0 && v <= 1, "weight out of [0, 1] in mel " + m);
                max = Math.max(max, v);
            }
            assertTrue(max > 0, "mel " + m + " has no weight at all");
        }
    }

    @Test
    void melSpectrogram_badInput_throwsClearly() {
        PasstFrontEnd fe = new PasstFrontEnd();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> fe.melSpectrogram(new float[0]))
                .getMessage()
                .contains("empty"));
        float[] nan = new float[PasstFrontEnd.minSamplesFor(1)];
        nan[3] = Float.NaN;
        String m = assertThrows(IllegalArgumentException.class, () -> fe.melSpectrogram(nan))
                .getMessage();
        assertTrue(m.contains("sample 3") && m.contains("NaN"), m);
        float[] shortClip = new float[PasstFrontEnd.minSamplesFor(1) - 1];
        m = assertThrows(IllegalArgumentException.class, () -> fe.melSpectrogram(shortClip))
                .getMessage();
        assertTrue(m.contains("too short") && m.contains(Integer.toString(PasstFrontEnd.minSamplesFor(1))), m);
    }
}
