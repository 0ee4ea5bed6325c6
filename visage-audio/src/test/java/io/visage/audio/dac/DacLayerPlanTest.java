package io.visage.audio.dac;

import io.visage.nn.ShapeMismatchException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.testing.Fixtures;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

/**
 * The layer plan against the module tree and the reference forward, on the dac-tiny config and on
 * seeded random configs: its stages follow the config, its lengths are the reference's output
 * lengths, its paths name real modules, and its context frames suffice for overlap-save decoding.
 */
class DacLayerPlanTest {
    private static Parallelism par;

    @BeforeAll
    static void pool() {
        par = new Parallelism(2);
    }

    @AfterAll
    static void close() {
        par.close();
    }

    /** The fixture's config and random ones (odd and even rates), each with a weight seed. */
    static Stream<Arguments> configs() {
        List<Arguments> l = new ArrayList<>();
        l.add(Arguments.of(DacConfig.fromJson(Fixtures.file("dac-tiny", "config.json")), 1L));
        for (int i = 0; i < 5; i++) {
            l.add(Arguments.of(TimeMajorNetworkTest.randomConfig(new Random(2000 + i)), 2000L + i));
        }
        return l.stream();
    }

    /** Random configs with even decoder rates (the ones chunked decoding supports). */
    static Stream<Arguments> evenDecoderConfigs() {
        List<Arguments> l = new ArrayList<>();
        l.add(Arguments.of(DacConfig.fromJson(Fixtures.file("dac-tiny", "config.json")), 1L));
        for (int i = 0; i < 4; i++) {
            Random r = new Random(3000 + i);
            DacConfig c = TimeMajorNetworkTest.randomConfig(r);
            List<Integer> even = new ArrayList<>();
            for (int k = 0; k < 1 + r.nextInt(3); k++) {
                even.add(2 * (1 + r.nextInt(3)));
            }
            l.add(Arguments.of(
                    c.toBuilder()
                            .decoderRates(even)
                            .decoderDim((1 << even.size()) * (1 + r.nextInt(4)))
                            .build(),
                    3000L + i));
        }
        return l.stream();
    }

    @ParameterizedTest
    @MethodSource("configs")
    void stages_followTheConfig(DacConfig c, long seed) {
        Dac dac = Dac.random(c, seed);
        List<DacLayerPlan.Stage> enc = DacLayerPlan.encoder(dac).stages();
        assertEquals(2 + 4 * c.encoderRates().size(), enc.size(), "encoder stages");
        assertConv(enc.get(0), false, 1, 1, c.encoderDim());
        int ch = c.encoderDim();
        for (int i = 0; i < c.encoderRates().size(); i++) {
            assertResidualUnits(enc.subList(1 + 4 * i, 4 + 4 * i), ch);
            assertConv(enc.get(4 + 4 * i), true, c.encoderRates().get(i), ch, 2 * ch);
            ch *= 2;
        }
        assertConv(enc.get(enc.size() - 1), true, 1, ch, c.latentDim());

        List<DacLayerPlan.Stage> dec = DacLayerPlan.decoder(dac).stages();
        assertEquals(3 + 4 * c.decoderRates().size(), dec.size(), "decoder stages");
        assertConv(dec.get(0), false, 1, c.latentDim(), c.decoderDim());
        ch = c.decoderDim();
        for (int i = 0; i < c.decoderRates().size(); i++) {
            DacLayerPlan.SnakeTransposed up = assertInstanceOf(DacLayerPlan.SnakeTransposed.class, dec.get(1 + 4 * i));
            assertEquals(
                    List.of(c.decoderRates().get(i), 2 * c.decoderRates().get(i), ch, ch / 2),
                    List.of(
                            up.geometry().stride(),
                            up.geometry().kernel(),
                            up.geometry().in(),
                            up.geometry().out()));
            ch /= 2;
            assertResidualUnits(dec.subList(2 + 4 * i, 5 + 4 * i), ch);
        }
        assertConv(dec.get(dec.size() - 2), true, 1, ch, 1);
        assertInstanceOf(DacLayerPlan.Tanh.class, dec.get(dec.size() - 1));
    }

    private static void assertConv(DacLayerPlan.Stage s, boolean snake, int stride, int in, int out) {
        DacLayerPlan.Conv c = assertInstanceOf(DacLayerPlan.Conv.class, s, s.path());
        assertEquals(snake, c.snake() != null, s.path() + ": Snake fused before the convolution");
        assertEquals(
                List.of(stride, in, out),
                List.of(c.geometry().stride(), c.geometry().in(), c.geometry().out()),
                s.path());
    }

    private static void assertResidualUnits(List<DacLayerPlan.Stage> units, int channels) {
        int[] dilations = {1, 3, 9};
        for (int i = 0; i < 3; i++) {
            DacLayerPlan.Residual r = assertInstanceOf(DacLayerPlan.Residual.class, units.get(i));
            assertEquals(
                    List.of(dilations[i], channels, 1),
                    List.of(r.conv1().dilation(), r.conv1().in(), r.conv2().kernel()),
                    r.path());
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void outputLengths_areTheReferenceForwardLengths(DacConfig c, long seed) {
        Dac dac = Dac.random(c, seed);
        DacLayerPlan enc = DacLayerPlan.encoder(dac);
        DacLayerPlan dec = DacLayerPlan.decoder(dac);
        Ops ops = Ops.inference();
        for (int frames : new int[] {1, 2, 5}) {
            INDArray audio = DacCodecTest.gaussian(seed + frames, 0.3, 1, 1, (long) frames * c.hopLength());
            INDArray z = dac.encoder().forward(ops, Tensor.constant(audio)).value();
            assertEquals(z.size(2), enc.outputLength((int) audio.size(2)), "encoder frames for " + audio.size(2));
            INDArray zd = DacCodecTest.gaussian(seed - frames, 1.0, 1, c.latentDim(), frames);
            INDArray y = dac.decode(ops, Tensor.constant(zd)).value();
            assertEquals(y.size(2), dec.outputLength(frames), "decoded samples for " + frames + " frames");
            int[] lengths = dec.lengths(frames);
            assertEquals(dec.stages().size() + 1, lengths.length);
            assertEquals(frames, lengths[0]);
        }
        boolean even = c.decoderRates().stream().allMatch(r -> r % 2 == 0);
        assertEquals(even, dec.exactScale().isPresent(), "exact samples per frame iff the decoder rates are even");
        if (even) {
            assertEquals(c.decoderUpsampling(), dec.exactScale().getAsInt());
            assertNull(dec.firstInexactStage());
        }
        assertEquals(1, enc.inChannels());
        assertEquals(c.latentDim(), enc.outChannels());
        assertEquals(c.latentDim(), dec.inChannels());
        assertEquals(1, dec.outChannels());
    }

    @ParameterizedTest
    @MethodSource("configs")
    void stagePaths_nameDistinctModulesOfTheStateDict(DacConfig c, long seed) {
        Dac dac = Dac.random(c, seed);
        Set<String> keys = dac.stateDict().keySet();
        for (DacLayerPlan plan : new DacLayerPlan[] {DacLayerPlan.encoder(dac), DacLayerPlan.decoder(dac)}) {
            Set<String> seen = new HashSet<>();
            for (DacLayerPlan.Stage s : plan.stages()) {
                assertTrue(seen.add(s.path()), "paths are distinct: " + s.path());
                assertTrue(s.path().startsWith(plan.name()), s.path());
                if (!s.convs().isEmpty()) {
                    assertTrue(keys.stream().anyMatch(k -> k.startsWith(s.path() + ".")), s.path() + " is a module");
                }
            }
        }
    }

    /**
     * Chunked decoding (fast path, windows widened by the plan's context) is as accurate as the
     * one-pass float32 reference forward, both measured against the one-pass reference in float64
     * (within 4× its error plus 1e-6, as in {@link TimeMajorNetworkTest}); a window lacking context
     * would be off by orders of magnitude more.
     */
    @ParameterizedTest
    @MethodSource("evenDecoderConfigs")
    void contextFrames_suffice_chunkedDecodeEqualsOnePass(DacConfig c, long seed) {
        Dac dac = Dac.random(c, seed);
        Dac exact = TimeMajorNetworkTest.inDouble(dac);
        try (DacCodec codec = DacCodec.of(dac, par)) {
            int ctx = codec.contextFrames();
            assertEquals(codec.decoderPlan().contextSteps(), ctx);
            for (int chunk : new int[] {1, 2, 7}) {
                INDArray z = DacCodecTest.gaussian(seed + chunk, 1.0, 2, c.latentDim(), 4L * chunk + 2L * ctx + 3);
                INDArray inDouble = exact.decode(Ops.inference(), Tensor.constant(z.castTo(DataType.DOUBLE)))
                        .value();
                INDArray reference =
                        dac.decode(Ops.inference(), Tensor.constant(z)).value();
                INDArray one = codec.decode(z);
                INDArray chunked = codec.decodeChunked(z, chunk);
                assertArrayEquals(one.shape(), chunked.shape());
                TimeMajorNetworkTest.assertAsAccurate(c + " one pass", inDouble, reference, one);
                TimeMajorNetworkTest.assertAsAccurate(c + " chunk " + chunk, inDouble, reference, chunked);
            }
        }
    }

    /**
     * The plan's context is an upper bound on the decoder's receptive half-width: bumping one frame
     * leaves every sample more than that many frames away bit-identical. Checked on the reference
     * forward, which is deterministic; the fast path's vector sine can differ by an ulp between
     * calls once the JIT intrinsifies it, so it is checked by the chunked decode above.
     */
    @ParameterizedTest
    @MethodSource("evenDecoderConfigs")
    void contextFrames_boundTheReceptiveField_exactly(DacConfig c, long seed) {
        Dac dac = Dac.random(c, seed);
        DacLayerPlan plan = DacLayerPlan.decoder(dac);
        int ctx = plan.contextSteps();
        int up = plan.exactScale().getAsInt();
        long frames = 4L * ctx + 9;
        long f = frames / 2;
        INDArray z = DacCodecTest.gaussian(seed, 1.0, 1, c.latentDim(), frames);
        INDArray bumped = z.dup();
        bumped.get(all(), all(), interval(f, f + 1)).addi(3.0);
        Ops ops = Ops.inference();
        INDArray diff = dac.decode(ops, Tensor.constant(bumped))
                .value()
                .sub(dac.decode(ops, Tensor.constant(z)).value());
        assertEquals(
                0.0,
                diff.get(all(), all(), interval(0, (f - ctx) * up)).amaxNumber().doubleValue(),
                "left");
        assertEquals(
                0.0,
                diff.get(all(), all(), interval((f + ctx + 1) * up, frames * up))
                        .amaxNumber()
                        .doubleValue(),
                "right");
        assertTrue(diff.get(all(), all(), interval(f * up, (f + 1) * up))
                        .amaxNumber()
                        .doubleValue()
                > 0);
    }

    @Test
    void decodeChunked_oddDecoderRate_throwsNamingTheStage() {
        DacConfig c = DacConfig.builder()
                .encoderDim(2)
                .encoderRates(2)
                .decoderDim(8)
                .decoderRates(2, 3)
                .codebookSize(4)
                .codebooks(1, 2)
                .build();
        try (DacCodec codec = DacCodec.of(Dac.random(c, 7), par)) {
            String odd = codec.decoderPlan().firstInexactStage().path();
            assertFalse(codec.decoderPlan().exactScale().isPresent());
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> codec.decodeChunked(DacCodecTest.gaussian(1, 1.0, 1, c.latentDim(), 9), 3));
            assertTrue(e.getMessage().contains(odd) && e.getMessage().contains("[2, 3]"), e.getMessage());
            DacLayerPlan.Stage stage = codec.decoderPlan().stages().stream()
                    .filter(s -> s.path().equals(odd))
                    .findFirst()
                    .orElseThrow();
            DacLayerPlan.SnakeTransposed up = assertInstanceOf(DacLayerPlan.SnakeTransposed.class, stage);
            assertTrue(up.up() == codec.model().decoder().blocks().get(1).up(), "the rate-3 block's up-sampling");
        }
    }

    @Test
    void decodeCodes_oddDecoderRate_decodesInOnePass() {
        DacConfig c = DacConfig.builder()
                .encoderDim(2)
                .encoderRates(2, 3)
                .decoderDim(8)
                .decoderRates(3, 2)
                .codebookSize(4)
                .codebooks(2, 2)
                .build();
        try (DacCodec codec = DacCodec.of(Dac.random(c, 8), par)) {
            INDArray codes = org.nd4j.linalg.factory.Nd4j.createFromArray(new long[][][] {
                {{0, 1, 2, 3, 0, 1, 2, 3, 1}, {3, 2, 1, 0, 3, 2, 1, 0, 2}}
            });
            INDArray oneShot = codec.decode(codec.fromCodes(codes).z().value());
            INDArray audio = codec.decodeCodes(codes, 2);
            assertEquals(6 * 9 - 2, audio.size(2), "rate 3 gives 3T - 1, then rate 2 doubles it");
            assertEquals(oneShot, audio);
        }
    }

    @Test
    void lengths_inputTooShort_throwsNamingStageInputAndMinimum() {
        DacConfig c = DacConfig.builder()
                .encoderDim(2)
                .encoderRates(4)
                .decoderDim(4)
                .decoderRates(2)
                .codebookSize(4)
                .codebooks(1, 2)
                .build();
        DacLayerPlan enc = DacLayerPlan.encoder(Dac.random(c, 8));
        String down = enc.stages().get(4).path(); // the strided convolution: kernel 8, padding 2
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> enc.lengths(1));
        assertTrue(
                e.getMessage().startsWith(down + ": ")
                        && e.getMessage().contains("input of 1 samples")
                        && e.getMessage().contains("expected at least 4 samples"),
                e.getMessage());
    }
}
