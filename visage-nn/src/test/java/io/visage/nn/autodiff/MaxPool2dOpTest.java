package io.visage.nn.autodiff;

import io.visage.nn.ShapeMismatchException;
import io.visage.nn.testing.GradCheck;
import io.visage.nn.testing.TensorAssert;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static io.visage.nn.testing.GradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Ops#maxPool2d} against a direct definition, its tie and NaN rules, and its gradient. */
class MaxPool2dOpTest {

    /** y[p, oy, ox] = max over the k×k window at (oy·s, ox·s) of plane p. */
    private static double[] naivePool(double[] x, int planes, int h, int w, int k, int s) {
        int ho = (h - k) / s + 1;
        int wo = (w - k) / s + 1;
        double[] y = new double[planes * ho * wo];
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < ho; oy++) {
                for (int ox = 0; ox < wo; ox++) {
                    double m = Double.NEGATIVE_INFINITY;
                    for (int i = 0; i < k; i++) {
                        for (int j = 0; j < k; j++) {
                            m = Math.max(m, x[(p * h + oy * s + i) * w + ox * s + j]);
                        }
                    }
                    y[(p * ho + oy) * wo + ox] = m;
                }
            }
        }
        return y;
    }

    @ParameterizedTest(name = "H={0} W={1} k={2} s={3}")
    @CsvSource({"8,6,2,2", "9,7,2,2", "7,9,3,2", "6,6,3,3", "5,4,2,1"})
    void forward_matchesDefinition_inBothDtypes(int h, int w, int k, int s) {
        Random rng = new Random(h * 10 + w);
        INDArray x = randn(rng, 2, 3, h, w);
        double[] expected = naivePool(x.data().asDouble(), 6, h, w, k, s);
        Ops ops = Ops.inference();
        INDArray y = ops.maxPool2d(Tensor.constant(x), k, s).value();
        assertArrayEquals(new long[] {2, 3, (h - k) / s + 1, (w - k) / s + 1}, y.shape());
        TensorAssert.assertClose("max_pool2d f64", y.shape(), expected, y.data().asDouble(), 0, 0);
        INDArray yf =
                ops.maxPool2d(Tensor.constant(x.castTo(DataType.FLOAT)), k, s).value();
        assertEquals(DataType.FLOAT, yf.dataType());
        TensorAssert.assertClose(
                "max_pool2d f32",
                y.shape(),
                expected,
                yf.castTo(DataType.DOUBLE).data().asDouble(),
                1e-7,
                0);
    }

    @Test
    void gradient_goesToTheFirstMaximum_andNanPropagates() {
        // one 2x2 window of equal values, one with a NaN
        INDArray x = Nd4j.create(new double[] {1, 1, 5, Double.NaN, 1, 1, 0, 2}, new long[] {1, 1, 2, 4}, 'c');
        Tensor t = Tensor.parameter(x);
        Tape tape = new Tape();
        Ops ops = Ops.recording(tape);
        Tensor y = ops.maxPool2d(t, 2);
        assertEquals(1.0, y.value().getDouble(0));
        assertTrue(Double.isNaN(y.value().getDouble(1)));
        INDArray g = tape.backward(ops.sum(ops.mul(y, ops.constant(Nd4j.ones(DataType.DOUBLE, 1, 1, 1, 2)))))
                .get(t);
        assertArrayEquals(
                new double[] {1, 0, 0, 1, 0, 0, 0, 0}, g.dup('c').data().asDouble());
    }

    @Test
    void gradients_matchFiniteDifferences_withOverlappingWindows() {
        Random rng = new Random(8);
        Tensor x = Tensor.parameter(randn(rng, 2, 2, 7, 6));
        GradCheck.check("max_pool2d k2", Map.of("x", x), ops -> ops.maxPool2d(x, 2), 40, 1);
        GradCheck.check("max_pool2d k3 s2", Map.of("x", x), ops -> ops.maxPool2d(x, 3, 2), 40, 2);
    }

    @Test
    void badInput_throwsWithShape() {
        Ops ops = Ops.inference();
        var rank = assertThrows(
                ShapeMismatchException.class, () -> ops.maxPool2d(Tensor.constant(Nd4j.zeros(3, 4, 4)), 2));
        assertTrue(rank.getMessage().contains("[3, 4, 4]"), rank.getMessage());
        var small = assertThrows(
                ShapeMismatchException.class, () -> ops.maxPool2d(Tensor.constant(Nd4j.zeros(1, 1, 1, 4)), 2));
        assertTrue(small.getMessage().contains("smaller than the kernel"), small.getMessage());
    }
}
