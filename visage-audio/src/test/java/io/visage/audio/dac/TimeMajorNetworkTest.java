package io.visage.audio.dac;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.module.Params;
import io.visage.nn.testing.TensorAssert;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * The codec's time-major fast path against the reference forward ({@link DacEncoder#forward}/{@link Dac#decode}
 * on {@link Ops}, live weight norm) for small configs: four fixed ones and seeded random ones (odd and
 * even rates 2–5, so strides 2–5 and kernels 4–10 in the resampling convolutions, with the residual
 * units' dilations 1, 3, 9; several channel counts, batch sizes and lengths). Random
 * initialisations amplify float32 rounding (the decoder can saturate its tanh), so both float32
 * paths are measured against the reference run in float64: the fast path must be as accurate as the
 * float32 reference (within 4× its error plus 1e-6), and every element must lie within
 * {@value #ABS_TOL}·max(1, max|exact|) of the float64 value (an absolute bound: 1e-4 on the decoded
 * audio in (-1, 1); for the encoder scaled by the largest latent), or within the float32 reference
 * forward's own largest error where that is larger. Measured on an AVX-512 machine: at most 5.7e-5 on
 * audio and 3e-6·max|z| on latents, the float32 reference forward up to 8.4e-5 on audio; on an
 * AVX2-only machine (other summation orders) one decoded element of one config is 1.6e-4 off in both.
 */
class TimeMajorNetworkTest {
    static final double ABS_TOL = 1e-4;
    private static final int RANDOM_CONFIGS = 6;
    private static Parallelism par;

    @BeforeAll
    static void pool() {
        par = new Parallelism(2);
    }

    @AfterAll
    static void close() {
        par.close();
    }

    /** A config, a weight seed and a batch size. */
    static Stream<Arguments> configs() {
        List<Arguments> l = new ArrayList<>();
        l.add(Arguments.of(
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
                2));
        l.add(Arguments.of(
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
                1));
        l.add(Arguments.of(
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
                3));
        l.add(Arguments.of(
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
        for (int i = 0; i < RANDOM_CONFIGS; i++) {
            long seed = 1000 + i;
            l.add(Arguments.of(randomConfig(new Random(seed)), seed, 1 + (int) (seed % 3)));
        }
        return l.stream();
    }

    /** 1–3 encoder and decoder rates in [2, 5], small channel counts, sometimes an explicit latent_dim. */
    static DacConfig randomConfig(Random r) {
        int[] enc = rates(r);
        int[] dec = rates(r);
        DacConfig.Builder b = DacConfig.builder()
                .encoderDim(1 + r.nextInt(4))
                .encoderRates(enc)
                .decoderDim((1 << dec.length) * (1 + r.nextInt(5)))
                .decoderRates(dec)
                .codebookSize(4 + r.nextInt(13))
                .codebooks(1 + r.nextInt(3), 1 + r.nextInt(4))
                .sampleRateHz(1000);
        if (r.nextBoolean()) {
            b.latentDim(2 + r.nextInt(11));
        }
        return b.build();
    }

    private static int[] rates(Random r) {
        int[] v = new int[1 + r.nextInt(3)];
        for (int i = 0; i < v.length; i++) {
            v[i] = 2 + r.nextInt(4);
        }
        return v;
    }

    /** The same weights in float64. */
    static Dac inDouble(Dac dac) {
        Map<String, Tensor> sd = dac.stateDict();
        Params p = (key, init, shape) -> Tensor.parameter(sd.get(key).value().castTo(DataType.DOUBLE));
        return Dac.create(p, dac.config());
    }

    @ParameterizedTest
    @MethodSource("configs")
    void encoderOutputAndDecode_asAccurateAsReferenceForward(DacConfig config, long seed, int batch) {
        Dac dac = Dac.random(config, seed);
        Dac exact = inDouble(dac);
        Ops ops = Ops.inference();
        try (DacCodec codec = DacCodec.of(dac, par)) {
            INDArray audio = DacCodecTest.gaussian(seed, 0.3, batch, 1, (6L + seed % 7) * config.hopLength());
            INDArray zExact = exact.encoder()
                    .forward(ops, Tensor.constant(audio.castTo(DataType.DOUBLE)))
                    .value();
            INDArray zReference =
                    dac.encoder().forward(ops, Tensor.constant(audio)).value();
            INDArray zFast = codec.encoderOutput(audio);
            assertArrayEquals(zReference.shape(), zFast.shape(), "encoder output shape");
            assertAccurate("encoder " + config, zExact, zReference, zFast);

            INDArray z = DacCodecTest.gaussian(seed + 1, 1.0, batch, config.latentDim(), 3 + seed % 7);
            INDArray yExact = exact.decode(ops, Tensor.constant(z.castTo(DataType.DOUBLE)))
                    .value();
            INDArray yReference = dac.decode(ops, Tensor.constant(z)).value();
            INDArray yFast = codec.decode(z);
            assertArrayEquals(yReference.shape(), yFast.shape(), "decoded shape");
            assertAccurate("decode " + config, yExact, yReference, yFast);
        }
    }

    /** {@code fast} is within 4× the float32 reference's max error (plus 1e-6) of the float64 values. */
    static void assertAsAccurate(String label, INDArray exact, INDArray reference, INDArray fast) {
        double errReference = maxAbsDiff(exact, reference);
        double errFast = maxAbsDiff(exact, fast);
        assertTrue(
                errFast <= 4 * errReference + 1e-6,
                label + ": fast path max |error| " + errFast + " vs float64, float32 reference forward "
                        + errReference);
    }

    /**
     * {@link #assertAsAccurate}, and every element within {@value #ABS_TOL}·max(1, max|exact|) of float64,
     * or within the float32 reference forward's own largest error where that is larger (random networks
     * whose outputs come from near-cancelling sums: the float32 reference itself errs by up to ~1e-4 on
     * some configs, depending on the CPU's vector width, i.e. on the summation order).
     */
    private static void assertAccurate(String label, INDArray exact, INDArray reference, INDArray fast) {
        assertAsAccurate(label, exact, reference, fast);
        double scale = Math.max(1, Transforms.abs(exact).maxNumber().doubleValue());
        double tol = Math.max(ABS_TOL * scale, maxAbsDiff(exact, reference));
        TensorAssert.assertClose(
                label + " (fast path vs float64, absolute)", exact, fast.castTo(DataType.DOUBLE), 0, tol);
    }

    private static double maxAbsDiff(INDArray exact, INDArray actual) {
        return Transforms.abs(exact.sub(actual.castTo(DataType.DOUBLE)))
                .maxNumber()
                .doubleValue();
    }
}
