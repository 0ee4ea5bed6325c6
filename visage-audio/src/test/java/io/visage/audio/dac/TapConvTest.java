package io.visage.audio.dac;

import io.visage.nn.ShapeMismatchException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.testing.TensorAssert;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

/** The time-major GEMM convolutions against the general {@link Ops} convolutions (the reference). */
class TapConvTest {

    /** cin, cout, kernel, stride, padding, dilation, length. */
    static Stream<Arguments> convGeometries() {
        return Stream.of(
                Arguments.of(3, 5, 7, 1, 3, 1, 20),
                Arguments.of(4, 4, 7, 1, 9, 3, 31),
                Arguments.of(2, 6, 7, 1, 27, 9, 12),
                Arguments.of(5, 3, 1, 1, 0, 1, 9),
                Arguments.of(1, 8, 7, 1, 3, 1, 40),
                Arguments.of(6, 2, 3, 1, 1, 1, 1),
                Arguments.of(3, 7, 5, 1, 0, 2, 30),
                Arguments.of(4, 8, 4, 2, 1, 1, 26),
                Arguments.of(3, 6, 16, 8, 4, 1, 64),
                Arguments.of(2, 5, 6, 3, 2, 1, 29),
                Arguments.of(3, 3, 8, 4, 2, 1, 37),
                Arguments.of(2, 4, 2, 2, 0, 1, 5),
                Arguments.of(5, 4, 9, 3, 0, 1, 14));
    }

    @ParameterizedTest
    @MethodSource("convGeometries")
    void conv_equalsGeneralConv1d(int cin, int cout, int k, int stride, int pad, int dil, int length) {
        long seed = 31L * cin + 7L * k + stride + 101L * dil + length;
        INDArray w = DacCodecTest.gaussian(seed, 0.5, cout, cin, k);
        INDArray b = DacCodecTest.gaussian(seed + 1, 0.5, cout);
        INDArray x = DacCodecTest.gaussian(seed + 2, 1.0, 1, cin, length);
        INDArray expected = Ops.inference()
                .conv1d(Tensor.constant(x), Tensor.constant(w), Tensor.constant(b), stride, pad, dil, 1)
                .value();
        TapConv conv = TapConv.conv(w, b, stride, pad, dil);
        INDArray xp = conv.newPaddedInput(length);
        xp.get(interval(conv.leftPad(), conv.leftPad() + length), all())
                .assign(x.slice(0).transpose());
        INDArray y = conv.conv(
                xp, length, org.nd4j.linalg.factory.Nd4j.create(x.dataType(), conv.outputLength(length), cout), false);
        TensorAssert.assertClose(
                "conv " + cin + "->" + cout + " k" + k + " s" + stride + " p" + pad + " d" + dil,
                expected.slice(0),
                y.transpose(),
                1e-5,
                1e-5);
    }

    @ParameterizedTest
    @MethodSource("convGeometries")
    void conv_accumulate_addsToDestination(int cin, int cout, int k, int stride, int pad, int dil, int length) {
        long seed = 3L * cin + k + 11L * stride + dil + 5L * length;
        INDArray w = DacCodecTest.gaussian(seed, 0.5, cout, cin, k);
        TapConv conv = TapConv.conv(w, null, stride, pad, dil);
        INDArray xp = conv.newPaddedInput(length);
        xp.get(interval(conv.leftPad(), conv.leftPad() + length), all())
                .assign(DacCodecTest.gaussian(seed + 1, 1.0, length, cin));
        int tout = conv.outputLength(length);
        INDArray skip = DacCodecTest.gaussian(seed + 2, 1.0, tout, cout);
        INDArray alone = conv.conv(xp, length, skip.ulike(), false);
        INDArray sum = conv.conv(xp, length, skip.dup('c'), true);
        TensorAssert.assertClose("skip + conv", skip.add(alone), sum, 1e-6, 1e-6);
    }

    /** cin, cout, kernel, stride, padding, outputPadding, length. */
    static Stream<Arguments> transposedGeometries() {
        return Stream.of(
                Arguments.of(6, 3, 16, 8, 4, 0, 9),
                Arguments.of(4, 2, 4, 2, 1, 0, 13),
                Arguments.of(3, 5, 6, 3, 2, 0, 7),
                Arguments.of(2, 2, 8, 4, 2, 1, 5),
                Arguments.of(5, 4, 3, 1, 1, 0, 11),
                Arguments.of(3, 3, 6, 2, 0, 0, 1),
                Arguments.of(2, 3, 10, 5, 3, 2, 4));
    }

    @ParameterizedTest
    @MethodSource("transposedGeometries")
    void transposed_equalsGeneralConvTranspose1d(
            int cin, int cout, int k, int stride, int pad, int outPad, int length) {
        long seed = 13L * cin + k + 17L * stride + pad + 19L * length;
        INDArray w = DacCodecTest.gaussian(seed, 0.5, cin, cout, k);
        INDArray b = DacCodecTest.gaussian(seed + 1, 0.5, cout);
        INDArray x = DacCodecTest.gaussian(seed + 2, 1.0, 1, cin, length);
        INDArray expected = Ops.inference()
                .convTranspose1d(Tensor.constant(x), Tensor.constant(w), Tensor.constant(b), stride, pad, outPad, 1, 1)
                .value();
        TapConv up = TapConv.transposed(w, b, stride, pad, outPad, 1);
        // the scratch buffer starts with garbage: the kernel must not depend on its content
        INDArray full = DacCodecTest.gaussian(seed + 3, 100.0, up.fullRows(length), cout);
        INDArray y = up.transposed(x.slice(0).transpose().dup('c'), full);
        TensorAssert.assertClose(
                "conv_transpose k" + k + " s" + stride + " p" + pad + " op" + outPad,
                expected.slice(0),
                y.transpose(),
                1e-5,
                1e-5);
    }

    @Test
    void paddedRows_coverSignalAndEveryTap_randomGeometries() {
        Random r = new Random(5);
        for (int i = 0; i < 200; i++) {
            int stride = 1 + r.nextInt(5);
            int dil = stride == 1 ? 1 + r.nextInt(4) : 1;
            int k = stride == 1 ? 1 + r.nextInt(8) : stride * (1 + r.nextInt(3));
            int pad = r.nextInt(k * dil);
            int length = dil * (k - 1) + 1 + r.nextInt(50);
            TapConv conv = TapConv.conv(DacCodecTest.gaussian(i, 1.0, 1, 1, k), null, stride, pad, dil);
            int rows = conv.paddedRows(length);
            int tout = conv.outputLength(length);
            String g = "k" + k + " s" + stride + " p" + pad + " d" + dil + " L" + length;
            assertTrue(rows % stride == 0, g + ": rows a multiple of the stride");
            assertTrue(rows >= pad + length, g + ": the signal fits");
            assertTrue(rows >= (long) (tout - 1) * stride + (long) dil * (k - 1) + 1, g + ": the last tap fits");
        }
    }

    @Test
    void conv_unsupportedGeometry_throwsNamingIt() {
        INDArray w = DacCodecTest.gaussian(1, 1.0, 2, 2, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TapConv.conv(w, null, 2, 1, 1));
        assertTrue(e.getMessage().contains("kernel 5") && e.getMessage().contains("stride 2"), e.getMessage());
        IllegalArgumentException t =
                assertThrows(IllegalArgumentException.class, () -> TapConv.transposed(w, null, 2, 1, 0, 1));
        assertTrue(t.getMessage().contains("kernel 5"), t.getMessage());
    }

    @Test
    void conv_wrongInputShape_throwsWithExpectedAndFound() {
        TapConv conv = TapConv.conv(DacCodecTest.gaussian(2, 1.0, 3, 4, 7), null, 1, 3, 1);
        INDArray wrong = DacCodecTest.gaussian(3, 1.0, 16, 5);
        ShapeMismatchException e = assertThrows(
                ShapeMismatchException.class, () -> conv.conv(wrong, 10, DacCodecTest.gaussian(4, 1.0, 10, 3), false));
        assertTrue(e.getMessage().contains("[16, 4]") && e.getMessage().contains("[16, 5]"), e.getMessage());
        ShapeMismatchException b = assertThrows(
                ShapeMismatchException.class,
                () -> TapConv.conv(DacCodecTest.gaussian(2, 1.0, 3, 4, 7), DacCodecTest.gaussian(5, 1.0, 4), 1, 3, 1));
        assertTrue(b.getMessage().contains("3 elements") && b.getMessage().contains("[4]"), b.getMessage());
    }
}
