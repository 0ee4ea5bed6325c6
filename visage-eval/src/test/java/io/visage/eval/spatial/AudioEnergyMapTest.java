package io.visage.eval.spatial;

import io.visage.eval.FoaMetricsFixture;
import io.visage.nn.ShapeMismatchException;
import io.visage.nn.testing.TensorAssert;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AudioEnergyMapTest {
    @Test
    void energyMapArgmaxAndSampled_matchFixtureForEveryCase() {
        try (FoaMetricsFixture f = new FoaMetricsFixture()) {
            List<String> cases = f.mapCases();
            assertFalse(cases.isEmpty(), "fixture has no *.energy_map tensors");
            for (String c : cases) {
                float[][] audio = f.audio(c + ".audio", true);
                AudioEnergyMap map = AudioEnergyMap.compute(audio, SphericalHarmonicDecoder.REFERENCE_SQRT2, f.grid());
                TensorAssert.assertClose(
                        c + ".energy_map",
                        f.io.shape(c + ".energy_map"),
                        f.io.doubles(c + ".energy_map"),
                        map.values(),
                        1e-4,
                        1e-5);
                long[] am = f.io.longs(c + ".argmax");
                MapIndex idx = map.argmax();
                assertEquals(am[0], idx.row(), c + ".argmax row");
                assertEquals(am[1], idx.col(), c + ".argmax col");
                double[] sampled = EqualAreaSampler.sample(map);
                assertEquals(f.fixture.get("sampled_length").asInt(), sampled.length);
                assertEquals(EqualAreaSampler.sampledLength(f.grid()), sampled.length);
                TensorAssert.assertClose(
                        c + ".sampled", f.io.shape(c + ".sampled"), f.io.doubles(c + ".sampled"), sampled, 1e-5, 1e-7);
                // er_sphere_sample of the fixture's own map: isolates the sampler from the decoding
                SphereGrid g = f.grid();
                double[] fromFixtureMap = EqualAreaSampler.sample(f.io.doubles(c + ".energy_map"), g.rows(), g.cols());
                TensorAssert.assertClose(
                        c + ".sampled (from fixture map)",
                        f.io.shape(c + ".sampled"),
                        f.io.doubles(c + ".sampled"),
                        fromFixtureMap,
                        1e-12,
                        1e-12);
            }
        }
    }

    @Test
    void covarianceForm_equalsDirectBeamLoop() {
        SplittableRandom rng = new SplittableRandom(11);
        float[][] x = new float[4][301];
        for (float[] ch : x) {
            for (int n = 0; n < ch.length; n++) {
                ch[n] = (float) rng.nextDouble(-1, 1);
            }
        }
        SphereGrid g = new SphereGrid(6.0);
        for (SphericalHarmonicDecoder d : SphericalHarmonicDecoder.values()) {
            AudioEnergyMap fast = AudioEnergyMap.compute(x, 17, 200, d, g);
            AudioEnergyMap slow = AudioEnergyMap.computeDirect(x, 17, 200, d, g);
            TensorAssert.assertClose(
                    "fast vs direct " + d, new long[] {g.rows(), g.cols()}, slow.values(), fast.values(), 1e-9, 1e-12);
        }
    }

    /**
     * Plane waves: SN3D-encoded, the corrected decoder peaks at the source; encoded with the
     * reference's own gains (as the fixture's plane waves), the reference decoder peaks at the source
     * azimuth but at tan(elevation) = tan(source) / 2; SN3D-encoded, at tan(source) / sqrt 2.
     */
    @ParameterizedTest
    @ValueSource(ints = {10, 24, 40, 62})
    void planeWave_sn3dPeaksAtSource_referenceBiasesElevation(int gridRow) {
        SphereGrid g = SphereGrid.REFERENCE;
        int col = 37;
        double az = g.azimuthRad(col);
        double el = g.gridElevationRad(gridRow);
        float[][] sn3dWave = planeWave(SphericalHarmonicDecoder.SN3D.gains(az, el), 400);
        assertEquals(
                new MapIndex(g.rows() - 1 - gridRow, col),
                AudioEnergyMap.compute(sn3dWave, SphericalHarmonicDecoder.SN3D, g)
                        .argmax());
        float[][] refWave = planeWave(SphericalHarmonicDecoder.REFERENCE_SQRT2.gains(az, el), 400);
        MapIndex peak = AudioEnergyMap.compute(refWave, SphericalHarmonicDecoder.REFERENCE_SQRT2, g)
                .argmax();
        assertEquals(col, peak.col());
        assertEquals(Math.toDegrees(Math.atan(Math.tan(el) / 2)), peak.elevationDeg(g), g.resolutionDeg() / 2 + 1e-9);
        MapIndex peakSn3d = AudioEnergyMap.compute(sn3dWave, SphericalHarmonicDecoder.REFERENCE_SQRT2, g)
                .argmax();
        assertEquals(col, peakSn3d.col());
        assertEquals(
                Math.toDegrees(Math.atan(Math.tan(el) / Math.sqrt(2))),
                peakSn3d.elevationDeg(g),
                g.resolutionDeg() / 2 + 1e-9);
    }

    @Test
    void compute_wrongChannelCount_throwsWithCounts() {
        ShapeMismatchException e = assertThrows(
                ShapeMismatchException.class,
                () -> AudioEnergyMap.compute(new float[3][10], SphericalHarmonicDecoder.SN3D, SphereGrid.REFERENCE));
        assertTrue(
                e.getMessage().contains("expected 4 channels") && e.getMessage().contains("found 3"), e.getMessage());
    }

    @Test
    void compute_windowOutsideAudio_throwsWithBounds() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> AudioEnergyMap.compute(
                        new float[4][10], 5, 6, SphericalHarmonicDecoder.SN3D, SphereGrid.REFERENCE));
        assertTrue(e.getMessage().contains("[5, 11)") && e.getMessage().contains("10 samples"), e.getMessage());
    }

    @Test
    void toMap_ofSampledConstantRow_isConstant() {
        SphereGrid g = SphereGrid.REFERENCE;
        double[] m = new double[g.size()];
        for (int r = 0; r < g.rows(); r++) {
            for (int c = 0; c < g.cols(); c++) {
                m[r * g.cols() + c] = r;
            }
        }
        double[] back = EqualAreaSampler.toMap(EqualAreaSampler.sample(m, g.rows(), g.cols()), g);
        TensorAssert.assertClose("round trip of row-constant map", new long[] {g.size()}, m, back, 0, 1e-12);
    }

    static float[][] planeWave(double[] gains, int n) {
        float[][] x = new float[4][n];
        for (int t = 0; t < n; t++) {
            double s = Math.sin(0.1 * t) + 0.3 * Math.cos(0.37 * t);
            for (int ch = 0; ch < 4; ch++) {
                x[ch][t] = (float) (s * gains[ch]);
            }
        }
        return x;
    }
}
