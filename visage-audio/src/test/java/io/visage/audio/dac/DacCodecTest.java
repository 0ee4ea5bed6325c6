package io.visage.audio.dac;

import io.visage.nn.ShapeMismatchException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.testing.Fixtures;
import io.visage.nn.testing.TensorAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

/** Properties of the inference front end on the dac-tiny weights: chunked decoding, receptive field, batching, bad input. */
class DacCodecTest {
    private static DacCodec codec;

    @BeforeAll
    static void load() {
        codec = DacCodec.load(Fixtures.file("dac-tiny", "weights.dac.pth"));
    }

    @AfterAll
    static void close() {
        codec.close();
    }

    private static INDArray randomLatent(long seed, long batch, long frames) {
        return gaussian(seed, 1.0, batch, codec.config().latentDim(), frames);
    }

    static INDArray gaussian(long seed, double std, long... shape) {
        java.util.Random r = new java.util.Random(seed);
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (std * r.nextGaussian());
        }
        return Nd4j.create(v, shape, 'c');
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 17})
    void decodeChunked_equalsOnePassEverywhere(int chunk) {
        int ctx = codec.contextFrames();
        INDArray z = randomLatent(chunk, 2, 5L * chunk + 2L * ctx + 3);
        INDArray one = codec.decode(z);
        INDArray chunked = codec.decodeChunked(z, chunk);
        assertArrayEquals(one.shape(), chunked.shape());
        TensorAssert.assertClose("chunk " + chunk, one, chunked, 0, 1e-5);
    }

    @Test
    void fastInferencePath_equalsGeneralLayerPath() {
        Dac dac = codec.model();
        int hop = codec.config().hopLength();
        INDArray audio = gaussian(6, 0.3, 2, 1, 10L * hop);
        DacEncoding general = dac.encode(
                Ops.inference(), Tensor.constant(audio), codec.config().nCodebooks());

        DacEncoding fast = codec.encode(audio);
        TensorAssert.assertExact(
                "codes",
                general.codes().shape(),
                general.codes().data().asLong(),
                fast.codes().data().asLong());
        TensorAssert.assertClose("z", general.z().value(), fast.z().value(), 1e-5, 1e-6);
        INDArray z = randomLatent(8, 2, 9);
        TensorAssert.assertClose(
                "decode", dac.decode(Ops.inference(), Tensor.constant(z)).value(), codec.decode(z), 1e-5, 1e-6);
        assertTrue(!z.wasClosed() && !audio.wasClosed(), "the fast path must not free its inputs");
    }

    @Test
    void fastPath_batchOfThree_equalsReferenceForwardPerItem() {
        INDArray z = randomLatent(12, 3, 7);
        INDArray audio = gaussian(13, 0.3, 3, 1, 4L * codec.config().hopLength());
        INDArray decoded = codec.decode(z);
        DacEncoding encoded = codec.encode(audio);
        for (int b = 0; b < 3; b++) {
            INDArray zb = z.get(interval(b, b + 1), all(), all()).dup('c');
            TensorAssert.assertClose(
                    "decode item " + b,
                    codec.model().decode(Ops.inference(), Tensor.constant(zb)).value(),
                    decoded.get(interval(b, b + 1), all(), all()),
                    1e-5,
                    1e-6);
            DacEncoding ref = codec.model()
                    .encode(
                            Ops.inference(),
                            Tensor.constant(
                                    audio.get(interval(b, b + 1), all(), all()).dup('c')),
                            codec.config().nCodebooks());
            TensorAssert.assertExact(
                    "codes item " + b,
                    ref.codes().shape(),
                    ref.codes().data().asLong(),
                    encoded.codes()
                            .get(interval(b, b + 1), all(), all())
                            .dup()
                            .data()
                            .asLong());
        }
    }

    @Test
    void close_borrowedPoolStaysOpen_ownedPoolCloses_laterCallsThrow() {
        INDArray z = randomLatent(14, 1, 4);
        try (Parallelism par = new Parallelism(2)) {
            DacCodec borrowing = DacCodec.of(codec.model(), par);
            INDArray before = borrowing.decode(z);
            borrowing.close();
            borrowing.close(); // idempotent
            int[] ran = new int[1];
            par.forRange(0, 4, 1, (a, b) -> {
                synchronized (ran) {
                    ran[0] += b - a;
                }
            });
            assertEquals(4, ran[0], "the borrowed pool still runs work after the codec closed");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> borrowing.decode(z));
            assertTrue(e.getMessage().contains("decoder") && e.getMessage().contains("closed"), e.getMessage());
            assertThrows(
                    IllegalStateException.class,
                    () -> borrowing.encoderOutput(
                            gaussian(15, 0.3, 1, 1, codec.config().hopLength())));
            try (DacCodec owning = DacCodec.of(codec.model())) {
                // not bit-exact: the fast path's vector sine may change an ulp once the JIT intrinsifies it
                TensorAssert.assertClose("same weights, own pool", before, owning.decode(z), 1e-5, 1e-6);
            }
        }
    }

    /**
     * Bit-exact, so on the deterministic reference forward: the fast path's vector sine can change an
     * ulp between two calls when the JIT intrinsifies it (chunked == one pass covers the fast path).
     */
    @Test
    void contextFrames_boundsTheDecoderReceptiveField() {
        int ctx = codec.contextFrames();
        int up = codec.config().decoderUpsampling();
        long frames = 4L * ctx + 9;
        long f = frames / 2;
        INDArray z = randomLatent(5, 1, frames);
        INDArray base =
                codec.model().decode(Ops.inference(), Tensor.constant(z)).value();
        INDArray bumped = z.dup();
        bumped.get(all(), all(), interval(f, f + 1)).addi(3.0);
        INDArray diff = codec.model()
                .decode(Ops.inference(), Tensor.constant(bumped))
                .value()
                .sub(base);
        // samples of frames more than ctx away from f are untouched; the frame itself changes
        assertEquals(
                0.0,
                diff.get(all(), all(), interval(0, (f - ctx) * up)).amaxNumber().doubleValue());
        assertEquals(
                0.0,
                diff.get(all(), all(), interval((f + ctx + 1) * up, frames * up))
                        .amaxNumber()
                        .doubleValue());
        assertTrue(diff.get(all(), all(), interval(f * up, (f + 1) * up))
                        .amaxNumber()
                        .doubleValue()
                > 0);
    }

    @Test
    void encode_batchOfTwo_equalsEachItemAlone() {
        int hop = codec.config().hopLength();
        INDArray audio = gaussian(3, 0.3, 2, 1, 11L * hop);
        DacEncoding both = codec.encode(audio);
        for (int b = 0; b < 2; b++) {
            DacEncoding one =
                    codec.encode(audio.get(interval(b, b + 1), all(), all()).dup());
            TensorAssert.assertExact(
                    "codes " + b,
                    one.codes().shape(),
                    one.codes().data().asLong(),
                    both.codes()
                            .get(interval(b, b + 1), all(), all())
                            .dup()
                            .data()
                            .asLong());
        }
    }

    @Test
    void fromCodes_ofEncodedCodes_reproducesQuantisedLatent() {
        int hop = codec.config().hopLength();
        INDArray audio = gaussian(4, 0.3, 1, 1, 13L * hop);
        DacEncoding e = codec.encode(audio);
        TensorAssert.assertClose(
                "from_codes(encode)",
                e.z().value(),
                codec.fromCodes(e.codes()).z().value(),
                1e-5,
                1e-6);
    }

    @Test
    void preprocess_wrongSampleRate_throwsNamingBothRates() {
        int sr = codec.config().sampleRateHz();
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> codec.preprocess(Nd4j.zeros(DataType.FLOAT, 1, 1, 10), sr + 1));
        assertTrue(
                e.getMessage().contains(Integer.toString(sr)) && e.getMessage().contains(Integer.toString(sr + 1)),
                e.getMessage());
    }

    @Test
    void encode_lengthNotHopMultiple_throwsWithShape() {
        long n = codec.config().hopLength() * 3L + 1;
        ShapeMismatchException e =
                assertThrows(ShapeMismatchException.class, () -> codec.encode(Nd4j.zeros(DataType.FLOAT, 1, 1, n)));
        assertTrue(
                e.getMessage().contains("[1, 1, " + n + "]") && e.getMessage().contains("preprocess"), e.getMessage());
    }

    @Test
    void encode_stereoItem_throwsWithShape() {
        ShapeMismatchException e = assertThrows(
                ShapeMismatchException.class,
                () -> codec.encode(
                        Nd4j.zeros(DataType.FLOAT, 1, 2, codec.config().hopLength())));
        assertTrue(e.getMessage().contains("[B, 1, N]"), e.getMessage());
    }

    @Test
    void encode_tooManyQuantizers_throws() {
        int n = codec.config().nCodebooks() + 1;
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> codec.encode(
                        Nd4j.zeros(DataType.FLOAT, 1, 1, codec.config().hopLength()), n));
        assertTrue(e.getMessage().contains(Integer.toString(n)), e.getMessage());
    }

    @Test
    void fromCodes_codeOutsideCodebook_throwsWithPosition() {
        INDArray codes = Nd4j.zeros(DataType.LONG, 1, 1, 4);
        codes.putScalar(new long[] {0, 0, 2}, codec.config().codebookSize());
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> codec.fromCodes(codes));
        assertTrue(e.getMessage().contains("frame 2"), e.getMessage());
    }

    @Test
    void decode_wrongLatentChannels_throwsWithShape() {
        long d = codec.config().latentDim() + 1;
        ShapeMismatchException e =
                assertThrows(ShapeMismatchException.class, () -> codec.decode(Nd4j.zeros(DataType.FLOAT, 1, d, 3)));
        assertTrue(e.getMessage().contains("[1, " + d + ", 3]"), e.getMessage());
    }
}
