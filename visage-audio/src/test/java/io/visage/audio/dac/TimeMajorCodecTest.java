package io.visage.audio.dac;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.module.Params;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The codec's time-major fast path against the general layer code ({@link Dac#encoderOutput}/{@link Dac#decode}
 * on {@link Ops}, live weight norm) for random small configs: odd and even rates, several batch
 * sizes and lengths. Random full-size initialisations amplify float32 rounding a lot (the decoder
 * saturates its tanh), so both float32 paths are measured against the same general path run in
 * float64, and the fast path must be as accurate as the general one (within 4× its error, plus a
 * floor of 1e-6).
 */
class TimeMajorCodecTest {
    private static Parallelism par;

    @BeforeAll
    static void pool() {
        par = new Parallelism(2);
    }

    @AfterAll
    static void close() {
        par.close();
    }

    static Stream<Arguments> configs() {
        return Stream.of(
                Arguments.of(
                        DacConfig.builder()
                                .encoderDim(4)
                                .encoderRates(2, 4)
                                .decoderDim(32)
                                .decoderRates(4, 2)
                                .codebookSize(32)
                                .codebooks(3, 4)
                                .sampleRateHz(8000)
                                .build(),
                        3L,
                        2),
                Arguments.of(
                        DacConfig.builder()
                                .encoderDim(2)
                                .encoderRates(3, 2)
                                .decoderDim(12)
                                .decoderRates(3, 2)
                                .codebookSize(16)
                                .codebooks(2, 2)
                                .sampleRateHz(6000)
                                .build(),
                        4L,
                        1),
                Arguments.of(
                        DacConfig.builder()
                                .encoderDim(3)
                                .encoderRates(5)
                                .decoderDim(10)
                                .decoderRates(5)
                                .codebookSize(8)
                                .codebooks(1, 3)
                                .sampleRateHz(1000)
                                .build(),
                        5L,
                        3),
                Arguments.of(
                        DacConfig.builder()
                                .encoderDim(2)
                                .encoderRates(2, 2, 2)
                                .latentDim(8)
                                .decoderDim(24)
                                .decoderRates(2, 2, 2)
                                .codebookSize(16)
                                .codebooks(2, 2)
                                .sampleRateHz(800)
                                .build(),
                        6L,
                        2));
    }

    /** The same weights in float64. */
    private static Dac inDouble(Dac dac) {
        Map<String, Tensor> sd = dac.stateDict();
        Params p = (key, init, shape) -> Tensor.parameter(sd.get(key).value().castTo(DataType.DOUBLE));
        return Dac.create(p, dac.config());
    }

    @ParameterizedTest
    @MethodSource("configs")
    void encoderOutputAndDecode_asAccurateAsGeneralLayerPath(DacConfig config, long seed, int batch) {
        Dac dac = Dac.random(config, seed);
        Dac exact = inDouble(dac);
        assertTrue(TimeMajorCodec.supports(dac), "DAC geometries are supported");
        DacCodec codec = DacCodec.of(dac, par);
        Ops ops = Ops.inference();

        INDArray audio = DacCodecTest.gaussian(seed, 0.3, batch, 1, (6L + seed) * config.hopLength());
        INDArray zExact = exact.encoder()
                .forward(ops, Tensor.constant(audio.castTo(DataType.DOUBLE)))
                .value();
        INDArray zGeneral = dac.encoder().forward(ops, Tensor.constant(audio)).value();
        INDArray zFast = codec.encoderOutput(audio);
        assertArrayEquals(zGeneral.shape(), zFast.shape(), "encoder output shape");
        assertAsAccurate("encoder " + config, zExact, zGeneral, zFast);

        INDArray z = DacCodecTest.gaussian(seed + 1, 1.0, batch, config.latentDim(), 3 + seed);
        INDArray yExact =
                exact.decode(ops, Tensor.constant(z.castTo(DataType.DOUBLE))).value();
        INDArray yGeneral = dac.decode(ops, Tensor.constant(z)).value();
        INDArray yFast = codec.decode(z);
        assertArrayEquals(yGeneral.shape(), yFast.shape(), "decoded shape");
        assertAsAccurate("decode " + config, yExact, yGeneral, yFast);
    }

    private static void assertAsAccurate(String label, INDArray exact, INDArray general, INDArray fast) {
        double errGeneral = maxAbsDiff(exact, general);
        double errFast = maxAbsDiff(exact, fast);
        assertTrue(
                errFast <= 4 * errGeneral + 1e-6,
                label + ": fast path max |error| " + errFast + " vs float64, general float32 path " + errGeneral);
    }

    private static double maxAbsDiff(INDArray exact, INDArray actual) {
        return Transforms.abs(exact.sub(actual.castTo(DataType.DOUBLE)))
                .maxNumber()
                .doubleValue();
    }
}
