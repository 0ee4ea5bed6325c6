package io.visage.audio.dac.train;

import io.visage.nn.ConfigException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.testing.GradCheck;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MelSpectrogramLossTest {
    private static final List<MelScale> SMALL = List.of(new MelScale(64, 16, 10), new MelScale(32, 8, 5));

    /** log10(max(mel, 1e-5)) from a direct double-precision DFT of every centred, zero-padded frame. */
    private static double[][] naiveLogMel(double[] x, int sr, MelScale s) {
        int w = s.window();
        int h = s.hop();
        int frames = (x.length + h - 1) / h + 1;
        double[][] fb = MelFilterbank.slaney(sr, w, s.nMels(), 0, sr / 2.0);
        double[][] out = new double[frames][s.nMels()];
        for (int t = 0; t < frames; t++) {
            double[] mag = new double[w / 2 + 1];
            for (int k = 0; k <= w / 2; k++) {
                double re = 0;
                double im = 0;
                for (int n = 0; n < w; n++) {
                    int i = t * h - w / 2 + n;
                    double v = i >= 0 && i < x.length ? x[i] : 0.0;
                    double win = 0.5 - 0.5 * Math.cos(2 * Math.PI * n / w);
                    re += win * v * Math.cos(2 * Math.PI * k * n / w);
                    im -= win * v * Math.sin(2 * Math.PI * k * n / w);
                }
                mag[k] = Math.sqrt(re * re + im * im + MelSpectrogramLoss.MAGNITUDE_EPS);
            }
            for (int m = 0; m < s.nMels(); m++) {
                double acc = 0;
                for (int k = 0; k < mag.length; k++) {
                    acc += fb[m][k] * mag[k];
                }
                out[t][m] = Math.log10(Math.max(acc, MelSpectrogramLoss.CLAMP_EPS));
            }
        }
        return out;
    }

    private static double[] signal(long seed, int n) {
        Random r = new Random(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 0.5 * r.nextGaussian();
        }
        return x;
    }

    @Test
    void logMel_equalsANaiveDft_inDoubleAndFloat() {
        int sr = 16000;
        MelSpectrogramLoss loss = new MelSpectrogramLoss(sr, SMALL);
        int n = 150; // not a multiple of either hop: the right padding is exercised
        double[][] x = {signal(1, n), signal(2, n)};
        INDArray audio = org.nd4j.linalg.factory.Nd4j.create(x).reshape(2, 1, n);
        for (int s = 0; s < SMALL.size(); s++) {
            Tensor d = loss.logMel(Ops.inference(), Tensor.constant(audio), s);
            Tensor f = loss.logMel(Ops.inference(), Tensor.constant(audio.castTo(DataType.FLOAT)), s);
            assertEquals(loss.frames(s, n), d.size(1));
            for (int b = 0; b < 2; b++) {
                double[][] ref = naiveLogMel(x[b], sr, SMALL.get(s));
                assertEquals(ref.length, d.size(1), "frames of scale " + s);
                for (int t = 0; t < ref.length; t++) {
                    for (int m = 0; m < ref[t].length; m++) {
                        assertEquals(
                                ref[t][m],
                                d.value().getDouble(b, t, m),
                                1e-9,
                                "double, scale " + s + " item " + b + " frame " + t + " mel " + m);
                        assertEquals(
                                ref[t][m],
                                f.value().getDouble(b, t, m),
                                2e-4,
                                "float, scale " + s + " item " + b + " frame " + t + " mel " + m);
                    }
                }
            }
        }
    }

    @Test
    void loss_isZeroForEqualSignals_andTheSumOverScalesOfTheMeanAbsoluteLogMelDifference() {
        MelSpectrogramLoss loss = new MelSpectrogramLoss(16000, SMALL);
        int n = 96;
        double[] xa = signal(3, n);
        double[] xb = signal(4, n);
        INDArray a = org.nd4j.linalg.factory.Nd4j.create(xa).reshape(1, 1, n);
        INDArray b = org.nd4j.linalg.factory.Nd4j.create(xb).reshape(1, 1, n);
        assertEquals(
                0.0,
                loss.loss(Ops.inference(), Tensor.constant(a), Tensor.constant(a))
                        .item(),
                0.0);
        double expected = 0;
        for (MelScale s : SMALL) {
            double[][] ra = naiveLogMel(xa, 16000, s);
            double[][] rb = naiveLogMel(xb, 16000, s);
            double sum = 0;
            for (int t = 0; t < ra.length; t++) {
                for (int m = 0; m < ra[t].length; m++) {
                    sum += Math.abs(ra[t][m] - rb[t][m]);
                }
            }
            expected += sum / (ra.length * ra[0].length);
        }
        assertEquals(
                expected,
                loss.loss(Ops.inference(), Tensor.constant(a), Tensor.constant(b))
                        .item(),
                1e-9);
    }

    @Test
    void gradient_matchesFiniteDifferences_inDouble() {
        MelSpectrogramLoss loss = new MelSpectrogramLoss(1000, List.of(new MelScale(16, 4, 4), new MelScale(8, 2, 2)));
        Random r = new Random(5);
        Tensor estimate = Tensor.parameter(GradCheck.randn(r, 2, 1, 22));
        Tensor reference = Tensor.constant(GradCheck.randn(r, 2, 1, 22));
        GradCheck.check("mel loss", Map.of("estimate", estimate), ops -> loss.loss(ops, estimate, reference), 44, 7);
    }

    @Test
    void filterbank_slaneyScale_unitAreaFilters_andEmptyFiltersRejected() {
        assertEquals(15.0, MelFilterbank.hzToMel(1000), 1e-12);
        assertEquals(15 + Math.log(2) * 27 / Math.log(6.4), MelFilterbank.hzToMel(2000), 1e-12);
        for (double hz : new double[] {0, 440, 999, 1000, 3000, 8000}) {
            assertEquals(hz, MelFilterbank.melToHz(MelFilterbank.hzToMel(hz)), 1e-9);
        }
        double[][] fb = MelFilterbank.slaney(16000, 2048, 80, 0, 8000);
        assertEquals(80, fb.length);
        assertEquals(1025, fb[0].length);
        double df = 16000.0 / 2048;
        for (int m = 0; m < fb.length; m++) {
            double area = 0;
            for (double v : fb[m]) {
                assertTrue(v >= 0);
                area += v * df;
            }
            assertEquals(1.0, area, 0.15, "filter " + m + " has unit area (Slaney normalisation)");
        }
        ConfigException e = assertThrows(ConfigException.class, () -> MelFilterbank.slaney(16000, 32, 40, 0, 8000));
        assertTrue(e.getMessage().contains("holds no FFT bin"), e.getMessage());
        assertThrows(ConfigException.class, () -> new MelScale(100, 30, 4));
        assertThrows(ConfigException.class, () -> new MelScale(96, 32, 4)); // 3 hops per window: odd
        assertThrows(ConfigException.class, () -> new MelSpectrogramLoss(16000, List.of(new MelScale(32, 8, 40))));
        new MelSpectrogramLoss(16000, MelScale.DEFAULT_16K); // the default scales fit 16 kHz
    }
}
