package io.visage.nn.autodiff;

import io.visage.nn.testing.TensorAssert;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import static io.visage.nn.testing.GradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Convolutions against direct nested-loop definitions (PyTorch semantics), with and without time chunking. */
class ConvTest {

    /** y[b,o,t] = bias[o] + Σ_{c in group, k} w[o, c', k] · x[b, c, t·s + k·d − p]. */
    static double[] naiveConv(
            double[] x,
            int b,
            int cin,
            int t,
            double[] w,
            int cout,
            int k,
            double[] bias,
            int s,
            int p,
            int d,
            int groups,
            int tout) {
        double[] y = new double[b * cout * tout];
        int cig = cin / groups;
        int cog = cout / groups;
        for (int n = 0; n < b; n++) {
            for (int o = 0; o < cout; o++) {
                int grp = o / cog;
                for (int j = 0; j < tout; j++) {
                    double acc = bias == null ? 0 : bias[o];
                    for (int ci = 0; ci < cig; ci++) {
                        int c = grp * cig + ci;
                        for (int kk = 0; kk < k; kk++) {
                            int pos = j * s + kk * d - p;
                            if (pos >= 0 && pos < t) {
                                acc += w[(o * cig + ci) * k + kk] * x[(n * cin + c) * t + pos];
                            }
                        }
                    }
                    y[(n * cout + o) * tout + j] = acc;
                }
            }
        }
        return y;
    }

    /** y[b,o,i·s + k·d − p] += w[c, o', k] · x[b, c, i], cropped to tout. */
    static double[] naiveConvTranspose(
            double[] x,
            int b,
            int cin,
            int t,
            double[] w,
            int cout,
            int k,
            double[] bias,
            int s,
            int p,
            int d,
            int groups,
            int tout) {
        double[] y = new double[b * cout * tout];
        int cig = cin / groups;
        int cog = cout / groups;
        for (int n = 0; n < b; n++) {
            for (int o = 0; o < cout; o++) {
                for (int j = 0; j < tout; j++) {
                    y[(n * cout + o) * tout + j] = bias == null ? 0 : bias[o];
                }
            }
            for (int c = 0; c < cin; c++) {
                int grp = c / cig;
                for (int oi = 0; oi < cog; oi++) {
                    int o = grp * cog + oi;
                    for (int i = 0; i < t; i++) {
                        for (int kk = 0; kk < k; kk++) {
                            int pos = i * s + kk * d - p;
                            if (pos >= 0 && pos < tout) {
                                y[(n * cout + o) * tout + pos] += w[(c * cog + oi) * k + kk] * x[(n * cin + c) * t + i];
                            }
                        }
                    }
                }
            }
        }
        return y;
    }

    @ParameterizedTest(name = "cin={0} cout={1} T={2} k={3} s={4} p={5} d={6} g={7} budget={8}")
    @CsvSource({
        "3,5,17,7,1,3,1,1,1000000",
        "4,6,23,4,2,1,1,2,1000000",
        "2,4,40,7,1,9,3,1,1000000",
        "6,6,31,3,3,0,2,3,1000000",
        "4,8,64,16,8,4,1,1,1000000",
        "3,5,17,7,1,3,1,1,21",
        "4,6,23,4,2,1,1,2,8"
    })
    void conv1d_matchesNestedLoops(int cin, int cout, int t, int k, int s, int p, int d, int g, long budget) {
        Random rng = new Random(cin * 31 + t);
        int b = 2;
        INDArray x = randn(rng, b, cin, t);
        INDArray w = randn(rng, cout, cin / g, k);
        INDArray bias = randn(rng, cout);
        Conv1dGeometry geo = Conv1dGeometry.conv(x.shape(), w.shape(), s, p, d, g);
        INDArray y = Conv.forward(x, w, bias, geo, budget);
        double[] expected = naiveConv(
                x.data().asDouble(),
                b,
                cin,
                t,
                w.data().asDouble(),
                cout,
                k,
                bias.data().asDouble(),
                s,
                p,
                d,
                g,
                geo.tout());
        assertArrayEquals(new long[] {b, cout, (t + 2L * p - (long) d * (k - 1) - 1) / s + 1}, y.shape());
        TensorAssert.assertClose(
                "conv1d", y.shape(), expected, y.dup('c').data().asDouble(), 1e-12, 1e-12);
    }

    @ParameterizedTest(name = "cin={0} cout={1} T={2} k={3} s={4} p={5} op={6} d={7} g={8} budget={9}")
    @CsvSource({
        "4,3,9,16,8,4,0,1,1,1000000",
        "4,6,5,4,2,1,1,1,2,1000000",
        "3,5,7,3,1,1,0,2,1,1000000",
        "6,4,10,8,4,2,0,1,2,1000000",
        "4,3,9,16,8,4,0,1,1,50",
        "4,6,5,4,2,1,1,1,2,13"
    })
    void convTranspose1d_matchesNestedLoops(
            int cin, int cout, int t, int k, int s, int p, int op, int d, int g, long budget) {
        Random rng = new Random(cin * 17 + t);
        int b = 2;
        INDArray x = randn(rng, b, cin, t);
        INDArray w = randn(rng, cin, cout / g, k);
        INDArray bias = randn(rng, cout);
        Conv1dGeometry geo = Conv1dGeometry.transposed(x.shape(), w.shape(), s, p, op, d, g);
        INDArray y = Conv.transposedForward(x, w, bias, geo, budget);
        long tout = (long) (t - 1) * s - 2L * p + (long) d * (k - 1) + op + 1;
        assertArrayEquals(new long[] {b, cout, tout}, y.shape());
        double[] expected = naiveConvTranspose(
                x.data().asDouble(),
                b,
                cin,
                t,
                w.data().asDouble(),
                cout,
                k,
                bias.data().asDouble(),
                s,
                p,
                d,
                g,
                (int) tout);
        TensorAssert.assertClose(
                "conv_transpose1d", y.shape(), expected, y.dup('c').data().asDouble(), 1e-12, 1e-12);
    }

    @Test
    void chunkedBackward_equalsUnchunked() {
        Random rng = new Random(5);
        INDArray x = randn(rng, 2, 4, 30);
        INDArray w = randn(rng, 6, 2, 5);
        INDArray gy;
        Conv1dGeometry geo = Conv1dGeometry.conv(x.shape(), w.shape(), 2, 2, 1, 2);
        gy = randn(rng, 2, 6, geo.tout());
        INDArray[] whole = Conv.backward(x, w, gy, geo, true, true, true, 1L << 30);
        INDArray[] chunked = Conv.backward(x, w, gy, geo, true, true, true, 11);
        for (int i = 0; i < 3; i++) {
            TensorAssert.assertClose("grad " + i, whole[i], chunked[i], 1e-12, 1e-12);
        }
        INDArray wt = randn(rng, 4, 3, 4);
        Conv1dGeometry tg = Conv1dGeometry.transposed(x.shape(), wt.shape(), 2, 1, 0, 1, 1);
        INDArray gt = randn(rng, 2, 3, tg.tout());
        INDArray[] tw = Conv.transposedBackward(x, wt, gt, tg, true, true, true, 1L << 30);
        INDArray[] tc = Conv.transposedBackward(x, wt, gt, tg, true, true, true, 7);
        for (int i = 0; i < 3; i++) {
            TensorAssert.assertClose("transposed grad " + i, tw[i], tc[i], 1e-12, 1e-12);
        }
    }

    @Test
    void badGeometry_throwsWithShapes() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> Conv1dGeometry.conv(new long[] {1, 3, 10}, new long[] {4, 2, 3}, 1, 0, 1, 1));
        assertTrue(e.getMessage().contains("[4, 2, 3]") && e.getMessage().contains("[1, 3, 10]"), e.getMessage());
        var t = assertThrows(
                IllegalArgumentException.class,
                () -> Conv1dGeometry.conv(new long[] {1, 3, 2}, new long[] {4, 3, 7}, 1, 0, 1, 1));
        assertTrue(t.getMessage().contains("too short"), t.getMessage());
        var o = assertThrows(
                IllegalArgumentException.class,
                () -> Conv1dGeometry.transposed(new long[] {1, 3, 5}, new long[] {3, 2, 4}, 2, 1, 2, 1, 1));
        assertTrue(o.getMessage().contains("output_padding"), o.getMessage());
    }
}
