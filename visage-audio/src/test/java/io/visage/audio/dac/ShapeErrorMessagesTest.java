package io.visage.audio.dac;

import io.visage.nn.ShapeMismatchException;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.layers.Snake;
import io.visage.nn.testing.Fixtures;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every shape error of the codec, its plan and its kernels is a {@link ShapeMismatchException} whose
 * message names where (operation or module path), what (the tensor), what was expected and what was
 * found. Sizes come from the dac-tiny config.
 */
class ShapeErrorMessagesTest {
    private static DacCodec codec;
    private static TimeMajorNetwork network;
    private static Parallelism par;

    @BeforeAll
    static void load() {
        codec = DacCodec.load(Fixtures.file("dac-tiny", "weights.dac.pth"));
        network = TimeMajorNetwork.of(codec.decoderPlan());
        par = new Parallelism(1);
    }

    @AfterAll
    static void close() {
        codec.close();
        network.close();
        par.close();
    }

    private static String shape(long... s) {
        return Arrays.toString(s);
    }

    /** Label, what throws, then the four parts the message must contain: where, what, expected, found. */
    static Stream<Arguments> errors() {
        DacConfig c = DacConfig.fromJson(Fixtures.file("dac-tiny", "config.json"));
        int d = c.latentDim();
        int hop = c.hopLength();
        long n = 3L * hop + 1;
        TapConv conv = TapConv.conv(DacCodecTest.gaussian(2, 1.0, 3, 4, 7), null, 1, 3, 1);
        TapConv up = TapConv.transposed(DacCodecTest.gaussian(3, 1.0, 6, 2, 4), null, 2, 1, 0, 1);
        SnakeKernel snake = SnakeKernel.of(
                "decoder.model.1.block.0", new Snake(Tensor.constant(Nd4j.ones(DataType.FLOAT, 1, 8, 1))));
        DacLayerPlan.Stage first = codec.decoderPlan().stages().get(0);
        return Stream.of(
                Arguments.of(
                        "decode: latent channels",
                        (Executable) () -> codec.decode(Nd4j.zeros(DataType.FLOAT, 1, d + 1, 3)),
                        List.of("DAC.decode", "z", "[*, " + d + ", *]", shape(1, d + 1, 3))),
                Arguments.of(
                        "encode: stereo item",
                        (Executable) () -> codec.encode(Nd4j.zeros(DataType.FLOAT, 1, 2, hop)),
                        List.of("DAC.encode", "audio", "[*, 1, *]", shape(1, 2, hop))),
                Arguments.of(
                        "encode: length not a hop multiple",
                        (Executable) () -> codec.encode(Nd4j.zeros(DataType.FLOAT, 1, 1, n)),
                        List.of("DAC.encode", "audio length", "multiple of the hop length " + hop, shape(1, 1, n))),
                Arguments.of(
                        "preprocess: rank",
                        (Executable) () -> codec.preprocess(Nd4j.zeros(DataType.FLOAT, 1, 10), c.sampleRateHz()),
                        List.of("DAC.preprocess", "audio", "[*, 1, *]", shape(1, 10))),
                Arguments.of(
                        "from_codes: too many levels",
                        (Executable) () -> codec.fromCodes(Nd4j.zeros(DataType.LONG, 1, c.nCodebooks() + 1, 4)),
                        List.of(
                                "quantizer.from_codes",
                                "codes",
                                "<= " + c.nCodebooks(),
                                shape(1, c.nCodebooks() + 1, 4))),
                Arguments.of(
                        "FOA decode: rows not channels x levels",
                        (Executable) () -> FoaCodes.decodeFoa(codec, Nd4j.zeros(DataType.LONG, 5, 4), 8),
                        List.of("FoaCodes.decode", "codes", "C = 4", shape(5, 4))),
                Arguments.of(
                        "decoder fast path: input channels",
                        (Executable) () -> network.forward(Nd4j.zeros(DataType.FLOAT, 1, d + 1, 3), par),
                        List.of(network.plan().name(), "input", "[*, " + d + ", *]", shape(1, d + 1, 3))),
                Arguments.of(
                        "plan: too few frames for a stage",
                        (Executable) () -> first.outputLength(0),
                        List.of(first.path(), "input of 0 samples", "expected at least", "0 samples")),
                Arguments.of(
                        "TapConv: padded input",
                        (Executable) () -> conv.conv(
                                DacCodecTest.gaussian(3, 1.0, 16, 5), 10, DacCodecTest.gaussian(4, 1.0, 10, 3), false),
                        List.of("TapConv.conv1d", "padded input", "[16, 4]", shape(16, 5))),
                Arguments.of(
                        "TapConv: destination",
                        (Executable) () -> conv.conv(
                                DacCodecTest.gaussian(3, 1.0, 16, 4), 10, DacCodecTest.gaussian(4, 1.0, 9, 3), false),
                        List.of("TapConv.conv1d", "destination", "[10, 3]", shape(9, 3))),
                Arguments.of(
                        "TapConv: bias",
                        (Executable) () -> TapConv.conv(
                                DacCodecTest.gaussian(2, 1.0, 3, 4, 7), DacCodecTest.gaussian(5, 1.0, 4), 1, 3, 1),
                        List.of("TapConv.conv1d", "bias", "3 elements", shape(4))),
                Arguments.of(
                        "TapConv: weight",
                        (Executable) () -> TapConv.of(
                                "encoder.block.0",
                                new ConvGeometry(false, 4, 3, 7, 1, 3, 0, 1, 1),
                                DacCodecTest.gaussian(2, 1.0, 3, 5, 7),
                                null),
                        List.of("encoder.block.0", "weight", "[3, 4, 7]", shape(3, 5, 7))),
                Arguments.of(
                        "TapConv: transposed input",
                        (Executable) () -> up.transposed(
                                DacCodecTest.gaussian(6, 1.0, 5, 4), DacCodecTest.gaussian(7, 1.0, 12, 2)),
                        List.of("TapConv.conv_transpose1d", "input", "[*, 6]", shape(5, 4))),
                Arguments.of(
                        "TapConv: transposed full output",
                        (Executable) () ->
                                up.transposed(DacCodecTest.gaussian(6, 1.0, 5, 6), DacCodecTest.gaussian(7, 1.0, 9, 2)),
                        List.of("TapConv.conv_transpose1d", "full output", "[" + up.fullRows(5) + ", 2]", shape(9, 2))),
                Arguments.of(
                        "Snake: channels",
                        (Executable) () -> snake.apply(par, Nd4j.zeros(10, 7), Nd4j.zeros(10, 8), 0),
                        List.of("decoder.model.1.block.0", "source", "[*, 8]", shape(10, 7))),
                Arguments.of(
                        "Snake: destination too small",
                        (Executable) () -> snake.apply(par, Nd4j.zeros(10, 8), Nd4j.zeros(12, 8), 3),
                        List.of("decoder.model.1.block.0", "destination", "at least 13 rows", shape(12, 8))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void shapeError_namesWhereWhatExpectedAndFound(String label, Executable call, List<String> parts) {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, call, label);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), label + ": message lacks '" + p + "': " + e.getMessage());
        }
        assertTrue(e.getMessage().startsWith(parts.get(0)), label + ": message starts with where: " + e.getMessage());
    }
}
