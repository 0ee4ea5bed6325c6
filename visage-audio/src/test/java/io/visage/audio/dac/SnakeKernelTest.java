package io.visage.audio.dac;

import io.visage.nn.ShapeMismatchException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.layers.Snake;
import io.visage.nn.testing.TensorAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

/** The fused time-major Snake against {@link Snake#forward} on {@link Ops} (the reference). */
class SnakeKernelTest {
    private static Parallelism par;

    @BeforeAll
    static void pool() {
        par = new Parallelism(2);
    }

    @AfterAll
    static void close() {
        par.close();
    }

    private static Snake snake(int channels, long seed) {
        INDArray alpha =
                Transforms.abs(DacCodecTest.gaussian(seed, 1.0, 1, channels, 1)).addi(0.05);
        return new Snake(Tensor.constant(alpha));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 16, 17, 40, 96})
    void apply_intoPaddedBuffer_equalsSnakeForwardAndLeavesPaddingAlone(int channels) {
        Snake s = snake(channels, channels);
        int t = 3000 + channels;
        INDArray x = DacCodecTest.gaussian(channels + 1, 2.0, 1, channels, t);
        INDArray expected =
                s.forward(Ops.inference(), Tensor.constant(x)).value().slice(0).transpose();
        INDArray xt = x.slice(0).transpose().dup('c');
        int pad = 5;
        INDArray dst = Nd4j.zeros(x.dataType(), t + 2 * pad, channels);
        SnakeKernel.of("test.snake", s).apply(par, xt, dst, pad);
        TensorAssert.assertClose("snake C=" + channels, expected, dst.get(interval(pad, pad + t), all()), 1e-5, 1e-6);
        assertEquals(0.0, dst.get(interval(0, pad), all()).amaxNumber().doubleValue(), "left padding");
        assertEquals(
                0.0, dst.get(interval(pad + t, t + 2 * pad), all()).amaxNumber().doubleValue(), "right padding");
    }

    @Test
    void apply_inPlace_equalsOutOfPlace() {
        Snake s = snake(24, 9);
        INDArray x = DacCodecTest.gaussian(10, 3.0, 777, 24);
        INDArray out = x.ulike();
        SnakeKernel k = SnakeKernel.of("test.snake", s);
        k.apply(par, x, out, 0);
        k.apply(par, x, x, 0);
        TensorAssert.assertClose("in place", out, x, 0, 0);
    }

    @Test
    void apply_wrongChannelsOrTooSmallDestination_throwsWithShapes() {
        SnakeKernel k = SnakeKernel.of("test.snake", snake(8, 1));
        ShapeMismatchException c =
                assertThrows(ShapeMismatchException.class, () -> k.apply(par, Nd4j.zeros(10, 7), Nd4j.zeros(10, 8), 0));
        assertTrue(c.getMessage().contains("[*, 8]") && c.getMessage().contains("[10, 7]"), c.getMessage());
        ShapeMismatchException d =
                assertThrows(ShapeMismatchException.class, () -> k.apply(par, Nd4j.zeros(10, 8), Nd4j.zeros(12, 8), 3));
        assertTrue(d.getMessage().contains("10 rows") && d.getMessage().contains("[12, 8]"), d.getMessage());
    }
}
