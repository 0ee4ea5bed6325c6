package io.visage.audio.foa;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FoaTest {
    private static final double EPS = 1e-6;

    static float[] noise(long seed, int n) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    static Direction randomDirection(Random r) {
        return new Direction((r.nextDouble() * 2 - 1) * Math.PI, Math.asin(r.nextDouble() * 2 - 1));
    }

    static void assertSignalsClose(float[][] expected, float[][] actual, double tol) {
        assertEquals(expected.length, actual.length, "channels");
        for (int c = 0; c < expected.length; c++) {
            assertArrayEquals(expected[c], actual[c], (float) tol, "channel " + c);
        }
    }

    /** The six cardinal directions with their ambiX gains [W, Y, Z, X]. */
    static Stream<Arguments> cardinals() {
        return Stream.of(
                Arguments.of("front", Direction.FRONT, new double[] {1, 0, 0, 1}),
                Arguments.of("left", Direction.LEFT, new double[] {1, 1, 0, 0}),
                Arguments.of("back", Direction.BACK, new double[] {1, 0, 0, -1}),
                Arguments.of("right", Direction.RIGHT, new double[] {1, -1, 0, 0}),
                Arguments.of("up", Direction.UP, new double[] {1, 0, 1, 0}),
                Arguments.of("down", Direction.DOWN, new double[] {1, 0, -1, 0}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cardinals")
    void encode_atCardinalDirections_followsTheAmbixAxes(String name, Direction d, double[] ambix) {
        assertArrayEquals(ambix, Foa.gains(d, FoaFormat.AMBIX), 1e-15, name);
        double[] fuma = Foa.gains(d, FoaFormat.FUMA); // W, X, Y, Z with W at -3 dB
        assertArrayEquals(new double[] {ambix[0] / Math.sqrt(2), ambix[3], ambix[1], ambix[2]}, fuma, 1e-15, name);
    }

    @Test
    void degrees_followTheDocumentedAngles() {
        assertArrayEquals(
                Direction.LEFT.unitVector(), Direction.ofDegrees(90, 0).unitVector(), 1e-15);
        assertArrayEquals(
                Direction.RIGHT.unitVector(), Direction.ofDegrees(-90, 0).unitVector(), 1e-15);
        assertArrayEquals(
                Direction.UP.unitVector(), Direction.ofDegrees(123, 90).unitVector(), 1e-15);
        double[] u = Direction.ofDegrees(45, 30).unitVector();
        assertArrayEquals(
                new double[] {Math.cos(Math.PI / 6) / Math.sqrt(2), Math.cos(Math.PI / 6) / Math.sqrt(2), 0.5},
                u,
                1e-15);
    }

    @RepeatedTest(20)
    void encode_Wequals_theMonoSource_forSn3d(RepetitionInfo rep) {
        Random r = new Random(rep.getCurrentRepetition());
        float[] mono = noise(rep.getCurrentRepetition(), 257);
        for (Normalization n : List.of(Normalization.SN3D, Normalization.N3D)) {
            float[][] foa = Foa.encode(mono, randomDirection(r), new FoaFormat(ChannelOrder.ACN, n));
            assertArrayEquals(mono, foa[0], 0f, n.toString());
        }
    }

    @RepeatedTest(20)
    void encodeThenDecode_towardTheSource_returnsTheSource_forAnyPattern(RepetitionInfo rep) {
        Random r = new Random(100 + rep.getCurrentRepetition());
        Direction d = randomDirection(r);
        double p = r.nextDouble();
        float[] mono = noise(rep.getCurrentRepetition(), 300);
        for (FoaFormat f :
                List.of(FoaFormat.AMBIX, FoaFormat.FUMA, new FoaFormat(ChannelOrder.ACN, Normalization.N3D))) {
            float[][] foa = Foa.encode(mono, d, f);

            float[] toward = FoaDecoder.decode(foa, f, new VirtualMic(d, p));
            Direction opposite = Direction.ofVector(-d.unitVector()[0], -d.unitVector()[1], -d.unitVector()[2]);
            float[] away = FoaDecoder.decode(foa, f, new VirtualMic(opposite, p));

            for (int t = 0; t < mono.length; t++) {
                assertEquals(mono[t], toward[t], EPS * (1 + Math.abs(mono[t])), f + " toward, sample " + t);
                assertEquals((1 - 2 * p) * mono[t], away[t], EPS * (1 + Math.abs(mono[t])), f + " away, sample " + t);
            }
        }
    }

    @RepeatedTest(10)
    void virtualMic_followsItsPolarPattern(RepetitionInfo rep) {
        Random r = new Random(7 + rep.getCurrentRepetition());
        Direction source = randomDirection(r);
        Direction axis = randomDirection(r);
        for (PolarPattern pp : PolarPattern.values()) {
            double g = FoaDecoder.decode(
                    Foa.encode(new float[] {1f}, source, FoaFormat.AMBIX), FoaFormat.AMBIX, VirtualMic.of(axis, pp))[0];
            assertEquals((1 - pp.p()) + pp.p() * Math.cos(source.angleTo(axis)), g, EPS, pp.toString());
        }
    }

    @Test
    void stereo_putsALeftSourceInTheLeftChannel() {
        float[] mono = noise(1, 100);
        float[][] lr = FoaDecoder.stereo(Foa.encode(mono, Direction.LEFT, FoaFormat.AMBIX), FoaFormat.AMBIX);

        assertArrayEquals(mono, lr[0], 1e-6f);
        assertArrayEquals(new float[100], lr[1], 1e-6f);
    }

    @RepeatedTest(10)
    void planeWaveEnergy_peaksAtItsDirection(RepetitionInfo rep) {
        Random r = new Random(50 + rep.getCurrentRepetition());
        Direction d = randomDirection(r);
        float[][] foa = Foa.encode(noise(rep.getCurrentRepetition(), 400), d, FoaFormat.AMBIX);
        Direction best = null;
        double bestEnergy = -1;
        for (int el = -90; el <= 90; el += 2) {
            for (int az = -180; az < 180; az += 2) {
                Direction g = Direction.ofDegrees(az, el);
                double e =
                        energy(FoaDecoder.decode(foa, FoaFormat.AMBIX, VirtualMic.of(g, PolarPattern.HYPERCARDIOID)));
                if (e > bestEnergy) {
                    bestEnergy = e;
                    best = g;
                }
            }
        }

        assertTrue(Math.toDegrees(best.angleTo(d)) <= 1.5, "peak at " + best + " for a source at " + d);
    }

    static double energy(float[] x) {
        double s = 0;
        for (float v : x) {
            s += (double) v * v;
        }
        return s;
    }

    @ParameterizedTest
    @EnumSource(Normalization.class)
    void convert_roundTripsBetweenEveryPairOfFormats(Normalization n) {
        float[][] ambix = {noise(1, 64), noise(2, 64), noise(3, 64), noise(4, 64)};
        for (ChannelOrder o : ChannelOrder.values()) {
            FoaFormat f = new FoaFormat(o, n);
            float[][] back = Foa.convert(Foa.convert(ambix, FoaFormat.AMBIX, f), f, FoaFormat.AMBIX);
            assertSignalsClose(ambix, back, 1e-6);
        }
    }

    @Test
    void convert_toFuma_reordersAndScalesW() {
        float[][] ambix = {noise(1, 64), noise(2, 64), noise(3, 64), noise(4, 64)};
        float[][] fuma = Foa.convert(ambix, FoaFormat.AMBIX, FoaFormat.FUMA);

        for (int t = 0; t < 64; t++) {
            assertEquals(ambix[0][t] / Math.sqrt(2), fuma[0][t], 1e-6);
        }
        assertArrayEquals(ambix[3], fuma[1]);
        assertArrayEquals(ambix[1], fuma[2]);
        assertArrayEquals(ambix[2], fuma[3]);
    }

    // ---- rotation ---------------------------------------------------------------------------------

    static void assertSameDirection(Direction expected, Direction actual) {
        assertArrayEquals(expected.unitVector(), actual.unitVector(), 1e-12, "expected " + expected + " got " + actual);
    }

    @Test
    void rotation_signs_matchTheDocumentedConvention() {
        assertSameDirection(Direction.LEFT, FoaRotation.ofDegrees(90, 0, 0).apply(Direction.FRONT));
        assertSameDirection(Direction.DOWN, FoaRotation.ofDegrees(0, 90, 0).apply(Direction.FRONT));
        assertSameDirection(Direction.UP, FoaRotation.ofDegrees(0, 0, 90).apply(Direction.LEFT));
        assertSameDirection(Direction.RIGHT, FoaRotation.ofDegrees(-90, 0, 0).apply(Direction.FRONT));
        // R = Rz(yaw)·Ry(pitch)·Rx(roll): roll first, yaw last
        FoaRotation r = FoaRotation.ofDegrees(30, 40, 50);
        FoaRotation seq = FoaRotation.ofDegrees(0, 0, 50)
                .then(FoaRotation.ofDegrees(0, 40, 0))
                .then(FoaRotation.ofDegrees(30, 0, 0));
        assertArrayEquals(r.matrix()[0], seq.matrix()[0], 1e-15);
        assertArrayEquals(r.matrix()[1], seq.matrix()[1], 1e-15);
        assertArrayEquals(r.matrix()[2], seq.matrix()[2], 1e-15);
    }

    @Test
    void trainingAugmentation_isYawMinus90_YprimeMinusX_XprimeY() {
        float[][] ambix = {noise(1, 50), noise(2, 50), noise(3, 50), noise(4, 50)};
        float[][] reference = {ambix[0], negate(ambix[3]), ambix[2], ambix[1]}; // W, Y' = -X, Z, X' = Y

        float[][] rotated = FoaRotation.TRAINING_AUGMENTATION.apply(ambix, FoaFormat.AMBIX);

        assertSignalsClose(reference, rotated, 1e-6);
        assertSameDirection(Direction.RIGHT, FoaRotation.TRAINING_AUGMENTATION.apply(Direction.FRONT));
    }

    static float[] negate(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = -x[i];
        }
        return y;
    }

    @RepeatedTest(20)
    void rotation_composesAndInverts_onSignalsAndDirections(RepetitionInfo rep) {
        Random r = new Random(900 + rep.getCurrentRepetition());
        FoaRotation a = FoaRotation.of(r.nextGaussian() * 2, r.nextGaussian(), r.nextGaussian() * 2);
        FoaRotation b = FoaRotation.of(r.nextGaussian() * 2, r.nextGaussian(), r.nextGaussian() * 2);
        Direction d = randomDirection(r);
        float[] mono = noise(rep.getCurrentRepetition(), 128);
        for (FoaFormat f : List.of(FoaFormat.AMBIX, FoaFormat.FUMA)) {
            float[][] foa = Foa.encode(mono, d, f);

            assertSignalsClose(a.compose(b).apply(foa, f), a.apply(b.apply(foa, f), f), 1e-5);
            assertSignalsClose(foa, a.inverse().apply(a.apply(foa, f), f), 1e-5);
            assertSignalsClose(Foa.encode(mono, a.apply(d), f), a.apply(foa, f), 1e-5);
        }
        assertSameDirection(d, a.inverse().apply(a.apply(d)));
    }

    // ---- reference mono decode -------------------------------------------------------------------

    @RepeatedTest(10)
    void referenceCorrectDecode_isTwiceACardioidTowardTheCamera(RepetitionInfo rep) {
        Random r = new Random(rep.getCurrentRepetition());
        Direction cam = ReferenceMonoDecode.cameraDirection(r.nextInt(90), r.nextInt(180));
        float[][] foa = {noise(1, 80), noise(2, 80), noise(3, 80), noise(4, 80)};

        float[] ref = ReferenceMonoDecode.decode(foa, cam, ReferenceMonoDecode.Variant.CORRECT);
        float[] cardioid = FoaDecoder.decode(foa, FoaFormat.AMBIX, VirtualMic.of(cam, PolarPattern.CARDIOID));

        for (int t = 0; t < ref.length; t++) {
            assertEquals(2 * cardioid[t], ref[t], 1e-5, "sample " + t);
        }
    }

    @RepeatedTest(10)
    void referenceBuggyDecode_multipliesTheXandYSignals(RepetitionInfo rep) {
        Random r = new Random(rep.getCurrentRepetition());
        Direction cam = ReferenceMonoDecode.cameraDirection(1 + r.nextInt(88), r.nextInt(180));
        float[][] foa = {noise(1, 80), noise(2, 80), noise(3, 80), noise(4, 80)};

        float[] bug = ReferenceMonoDecode.decode(foa, cam, ReferenceMonoDecode.Variant.OPERATOR_PRECEDENCE_BUG);

        double k = Math.cos(cam.azimuth()) * Math.sin(cam.azimuth());
        double s = Math.sin(cam.elevation());
        for (int t = 0; t < bug.length; t++) {
            double expected = foa[0][t] + k * foa[3][t] * foa[1][t] + s * foa[2][t];
            assertEquals(expected, bug[t], 1e-5 * (1 + Math.abs(expected)), "sample " + t);
        }
    }

    @Test
    void cameraDirection_usesTheMonoScriptsAngles() {
        Direction d = ReferenceMonoDecode.cameraDirection(45, 90);
        assertEquals(-1, Math.round(d.elevationDegrees()));
        assertEquals(1, Math.round(d.azimuthDegrees()));
        assertEquals(89, ReferenceMonoDecode.cameraDirection(0, 0).elevationDegrees(), 1e-12);
        assertEquals(-179, ReferenceMonoDecode.cameraDirection(0, 0).azimuthDegrees(), 1e-12);
    }

    // ---- bad input --------------------------------------------------------------------------------

    @Test
    void badArguments_areRejectedWithTheValues() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Direction.ofDegrees(0, 95))
                .getMessage()
                .contains("elevation"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new VirtualMic(Direction.FRONT, 1.5))
                .getMessage()
                .contains("1.5"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> FoaRotation.IDENTITY.apply(new float[3][10], FoaFormat.AMBIX))
                .getMessage()
                .contains("has 3"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PolarPattern.parse("banana"))
                .getMessage()
                .contains("banana"));
        assertEquals(0.5, PolarPattern.parse("cardioid"));
        assertEquals(1.0, PolarPattern.parse("figure-eight"));
        assertEquals(0.25, PolarPattern.parse("0.25"));
    }
}
