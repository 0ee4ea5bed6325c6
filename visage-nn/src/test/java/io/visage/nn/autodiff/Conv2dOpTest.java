package io.visage.nn.autodiff;

import io.visage.nn.ShapeMismatchException;
import io.visage.nn.testing.GradCheck;
import io.visage.nn.testing.TensorAssert;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import static io.visage.nn.testing.GradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Ops#conv2d} against the nested-loop definition, with and without batch chunking, and its gradients. */
class Conv2dOpTest {

    /** y[b,o,y,x] = bias[o] + Σ_{c,i,j} w[o,c,i,j] · x[b, c, y·sH + i − pH, x·sW + j − pW] (zero outside). */
    static double[] naiveConv2d(
            double[] x,
            int b,
            int cin,
            int h,
            int w,
            double[] wt,
            int cout,
            int kh,
            int kw,
            double[] bias,
            int sh,
            int sw,
            int ph,
            int pw,
            int ho,
            int wo) {
        double[] y = new double[b * cout * ho * wo];
        for (int n = 0; n < b; n++) {
            for (int o = 0; o < cout; o++) {
                for (int oy = 0; oy < ho; oy++) {
                    for (int ox = 0; ox < wo; ox++) {
                        double acc = bias == null ? 0 : bias[o];
                        for (int c = 0; c < cin; c++) {
                            for (int i = 0; i < kh; i++) {
                                for (int j = 0; j < kw; j++) {
                                    int iy = oy * sh + i - ph;
                                    int ix = ox * sw + j - pw;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                        acc += wt[((o * cin + c) * kh + i) * kw + j]
                                                * x[((n * cin + c) * h + iy) * w + ix];
                                    }
                                }
                            }
                        }
                        y[((n * cout + o) * ho + oy) * wo + ox] = acc;
                    }
                }
            }
        }
        return y;
    }

    @ParameterizedTest(name = "B={0} cin={1} cout={2} H={3} W={4} k={5}x{6} s={7},{8} p={9},{10} budget={11}")
    @CsvSource({
        "2,3,5,9,7,3,3,1,1,1,1,100000000",
        "3,2,4,10,8,3,3,1,1,1,1,1",
        "2,4,3,11,6,2,3,2,1,0,1,100000000",
        "2,1,6,8,9,3,2,2,3,1,0,50",
        "1,3,2,5,5,5,5,1,1,2,2,100000000",
        "4,2,3,6,4,1,1,1,1,0,0,30",
        "2,3,4,9,10,3,3,2,2,1,1,100000000",
        "1,2,3,7,9,3,3,3,2,2,2,40"
    })
    void forward_matchesNestedLoops(
            int b, int cin, int cout, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, long budget) {
        Random rng = new Random(b * 131 + h * 7 + w);
        INDArray x = randn(rng, b, cin, h, w);
        INDArray wt = randn(rng, cout, cin, kh, kw);
        INDArray bias = randn(rng, cout);
        Conv2dGeometry g = Conv2dGeometry.of(x.shape(), wt.shape(), sh, sw, ph, pw);
        INDArray y = Conv2dOp.forward(x, wt, bias, g, budget);
        int ho = (h + 2 * ph - kh) / sh + 1;
        int wo = (w + 2 * pw - kw) / sw + 1;
        assertArrayEquals(new long[] {b, cout, ho, wo}, y.shape());
        double[] expected = naiveConv2d(
                x.data().asDouble(),
                b,
                cin,
                h,
                w,
                wt.data().asDouble(),
                cout,
                kh,
                kw,
                bias.data().asDouble(),
                sh,
                sw,
                ph,
                pw,
                ho,
                wo);
        TensorAssert.assertClose(
                "conv2d", y.shape(), expected, y.dup('c').data().asDouble(), 1e-12, 1e-12);
    }

    @Test
    void forward_float32_matchesFloat64() {
        Random rng = new Random(4);
        INDArray x = randn(rng, 3, 4, 12, 10);
        INDArray wt = randn(rng, 6, 4, 3, 3);
        INDArray bias = randn(rng, 6);
        Conv2dGeometry g = Conv2dGeometry.of(x.shape(), wt.shape(), 1, 1, 1, 1);
        INDArray y64 = Conv2dOp.forward(x, wt, bias, g, 1L << 20);
        INDArray y32 = Conv2dOp.forward(
                x.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT),
                wt.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT),
                bias.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT),
                g,
                700);
        TensorAssert.assertClose("conv2d f32", y64, y32.castTo(y64.dataType()), 1e-5, 1e-5);
    }

    @Test
    void chunkedBackward_equalsUnchunked() {
        Random rng = new Random(5);
        INDArray x = randn(rng, 3, 2, 7, 6);
        INDArray wt = randn(rng, 4, 2, 3, 2);
        Conv2dGeometry g = Conv2dGeometry.of(x.shape(), wt.shape(), 2, 1, 1, 0);
        INDArray gy = randn(rng, 3, 4, g.hout(), g.wout());
        INDArray[] whole = Conv2dOp.backward(x, wt, gy, g, true, true, true, 1L << 30);
        INDArray[] chunked = Conv2dOp.backward(x, wt, gy, g, true, true, true, 1);
        for (int i = 0; i < 3; i++) {
            TensorAssert.assertClose("grad " + i, whole[i], chunked[i], 1e-12, 1e-12);
        }
    }

    @ParameterizedTest(name = "k={0}x{1} s={2},{3} p={4},{5}")
    @CsvSource({"3,3,1,1,1,1", "2,3,2,1,0,1", "3,2,2,3,1,0", "3,3,2,2,2,1"})
    void gradients_matchFiniteDifferences(int kh, int kw, int sh, int sw, int ph, int pw) {
        Random rng = new Random(kh * 10 + sh);
        Tensor x = Tensor.parameter(randn(rng, 2, 3, 7, 8));
        Tensor w = Tensor.parameter(randn(rng, 4, 3, kh, kw));
        Tensor b = Tensor.parameter(randn(rng, 4));
        Map<String, Tensor> leaves = new LinkedHashMap<>();
        leaves.put("x", x);
        leaves.put("weight", w);
        leaves.put("bias", b);
        GradCheck.check("conv2d", leaves, ops -> ops.conv2d(x, w, b, sh, sw, ph, pw), 24, 40 + kh);
    }

    @Test
    void badGeometry_throwsWithShapes() {
        Ops ops = Ops.inference();
        Random rng = new Random(6);
        Tensor x = Tensor.constant(randn(rng, 1, 3, 5, 5));
        var e = assertThrows(
                ShapeMismatchException.class,
                () -> ops.conv2d(x, Tensor.constant(randn(rng, 2, 4, 3, 3)), null, 1, 1, 1, 1));
        assertTrue(e.getMessage().contains("[2, 4, 3, 3]") && e.getMessage().contains("[1, 3, 5, 5]"), e.getMessage());
        var r = assertThrows(
                ShapeMismatchException.class,
                () -> ops.conv2d(
                        Tensor.constant(randn(rng, 3, 5, 5)),
                        Tensor.constant(randn(rng, 2, 3, 3, 3)),
                        null,
                        1,
                        1,
                        0,
                        0));
        assertTrue(r.getMessage().contains("[B, C, H, W]"), r.getMessage());
        var small = assertThrows(
                IllegalArgumentException.class,
                () -> ops.conv2d(x, Tensor.constant(randn(rng, 2, 3, 7, 7)), null, 1, 1, 0, 0));
        assertTrue(small.getMessage().contains("smaller than the kernel"), small.getMessage());
        var bias = assertThrows(
                ShapeMismatchException.class,
                () -> ops.conv2d(
                        x, Tensor.constant(randn(rng, 2, 3, 3, 3)), Tensor.constant(randn(rng, 3)), 1, 1, 0, 0));
        assertTrue(bias.getMessage().contains("bias must be [2]"), bias.getMessage());
    }
}
