package io.visage.eval.spatial;

import io.visage.eval.FoaMetricsFixture;
import io.visage.nn.testing.FixtureTolerances;
import io.visage.nn.testing.TensorAssert;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SphericalHarmonicDecoderTest {
    private static final FixtureTolerances TOL = FixtureTolerances.forSet(FoaMetricsFixture.SET);

    private static void assertFixture(FoaMetricsFixture f, String name, double[] actual) {
        TensorAssert.assertClose(name, f.io.shape(name), f.io.doubles(name), actual, TOL.rtol(name), TOL.atol(name));
    }

    @Test
    void grid_matchesFixtureAnglesAndShape() {
        try (FoaMetricsFixture f = new FoaMetricsFixture()) {
            SphereGrid g = f.grid();
            assertEquals(f.config.get("grid_shape").get(0).asInt(), g.rows());
            assertEquals(f.config.get("grid_shape").get(1).asInt(), g.cols());
            double[] phi = new double[g.cols()];
            for (int c = 0; c < phi.length; c++) {
                phi[c] = g.azimuthRad(c);
            }
            double[] nu = new double[g.rows()];
            for (int r = 0; r < nu.length; r++) {
                nu[r] = g.gridElevationRad(r);
            }
            assertFixture(f, "grid.phi", phi);
            assertFixture(f, "grid.nu", nu);
        }
    }

    @Test
    void referenceMatrix_matchesFixture() {
        try (FoaMetricsFixture f = new FoaMetricsFixture()) {
            double[][] m = SphericalHarmonicDecoder.REFERENCE_SQRT2.matrix(f.grid());
            double[] flat = new double[m.length * m[0].length];
            for (int ch = 0; ch < m.length; ch++) {
                System.arraycopy(m[ch], 0, flat, ch * m[0].length, m[0].length);
            }
            assertFixture(f, "sh_matrix", flat);
        }
    }

    @Test
    void referenceGains_matchFixturePlaneWaveDirections() {
        try (FoaMetricsFixture f = new FoaMetricsFixture()) {
            int checked = 0;
            for (String c : f.mapCases()) {
                if (!f.io.contains(c + ".sh")) {
                    continue; // cases without a single direction (random audio, mixtures)
                }
                double[] dir = f.io.doubles(c + ".direction");
                assertFixture(f, c + ".sh", SphericalHarmonicDecoder.REFERENCE_SQRT2.gains(dir[0], dir[1]));
                checked++;
            }
            assertTrue(checked > 0, "the fixture has no <case>.sh plane-wave gains: nothing was checked");
        }
    }

    @Test
    void sn3dGains_haveUnitNormDirectionalPart() {
        for (double az = -3; az <= 3; az += 0.7) {
            for (double el = -1.5; el <= 1.5; el += 0.4) {
                double[] g = SphericalHarmonicDecoder.SN3D.gains(az, el);
                assertEquals(1.0, g[0]);
                assertEquals(1.0, g[1] * g[1] + g[2] * g[2] + g[3] * g[3], 1e-12);
                double[] r = SphericalHarmonicDecoder.REFERENCE_SQRT2.gains(az, el);
                assertEquals(Math.sqrt(2) * g[1], r[1], 1e-12);
                assertEquals(g[2], r[2], 1e-12);
            }
        }
    }

    @Test
    void grid_badResolution_throwsNamingValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SphereGrid(7.0));
        assertTrue(e.getMessage().contains("7.0"), e.getMessage());
    }
}
