package io.visage.core.direction;

import io.visage.nn.ConfigException;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorSource;
import io.visage.nn.testing.Fixtures;
import io.visage.nn.testing.TensorAssert;
import java.io.IOException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CameraDirectionTest {

    private static float[][] vectors(TensorSource io, String name, long[] indices, boolean augmented) {
        int n = indices.length / 2;
        float[] actual = new float[n * 3];
        for (int i = 0; i < n; i++) {
            CameraDirection d = new CameraDirection((int) indices[2 * i], (int) indices[2 * i + 1]);
            System.arraycopy((augmented ? d.augmented() : d).vector(), 0, actual, 3 * i, 3);
        }
        return new float[][] {io.floats(name), actual};
    }

    @Test
    void vector_matchesReferencePrepareAmbi() throws IOException {
        try (TensorSource io = TensorFiles.open(Fixtures.file("codes-pattern", "io.safetensors"))) {
            long[] idx = io.longs("direction.elev_azim");
            float[][] plain = vectors(io, "direction.vector", idx, false);
            TensorAssert.assertClose("direction.vector", io.shape("direction.vector"), plain[0], plain[1], 1e-6, 1e-7);
            float[][] aug = vectors(io, "direction.vector_augmented", idx, true);
            TensorAssert.assertClose(
                    "direction.vector_augmented", io.shape("direction.vector_augmented"), aug[0], aug[1], 1e-6, 1e-7);
        }
    }

    @Test
    void vector_isUnitLength_overWholeGrid() {
        for (int e = 0; e <= CameraDirection.MAX_ELEVATION_INDEX; e++) {
            for (int a = 0; a <= CameraDirection.MAX_AZIMUTH_INDEX; a++) {
                float[] v = new CameraDirection(e, a).vector();
                double norm = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
                assertEquals(1.0, norm, 1e-6, "(" + e + "," + a + ")");
            }
        }
    }

    @Test
    void ofGridDegrees_roundTripsIndices() {
        for (int e = 0; e <= CameraDirection.MAX_ELEVATION_INDEX; e += 7) {
            for (int a = 0; a <= CameraDirection.MAX_AZIMUTH_INDEX; a += 11) {
                CameraDirection d = new CameraDirection(e, a);
                assertEquals(d, CameraDirection.ofGridDegrees(d.tiltDegrees(), d.yawDegrees()));
                float[] fromDeg = CameraDirection.vectorFromDegrees(d.tiltDegrees(), d.yawDegrees());
                TensorAssert.assertClose("degrees vs indices", new long[] {3}, d.vector(), fromDeg, 0, 0);
            }
        }
    }

    @Test
    void vectorFromDegrees_horizonLookingAhead_isPlusZ() {
        float[] v = CameraDirection.vectorFromDegrees(0, 0);
        TensorAssert.assertClose("(0°,0°)", new long[] {3}, new float[] {0, 0, 1}, v, 0, 1e-7);
        float[] up = CameraDirection.vectorFromDegrees(90, 0);
        assertTrue(up[1] < -0.999f, "positive tilt looks up (-y, image up)");
    }

    @Test
    void constructor_outOfRange_throwsNamingAxisAndRange() {
        ConfigException e = assertThrows(ConfigException.class, () -> new CameraDirection(91, 0));
        assertTrue(
                e.getMessage().contains("elevation index")
                        && e.getMessage().contains("91")
                        && e.getMessage().contains("[0, 90]"),
                e.getMessage());
        e = assertThrows(ConfigException.class, () -> new CameraDirection(0, -1));
        assertTrue(e.getMessage().contains("azimuth index") && e.getMessage().contains("-1"), e.getMessage());
    }

    @Test
    void ofGridDegrees_offGrid_throws() {
        ConfigException e = assertThrows(ConfigException.class, () -> CameraDirection.ofGridDegrees(88, 1));
        assertTrue(e.getMessage().contains("tilt 88.0") && e.getMessage().contains("grid"), e.getMessage());
    }

    @Test
    void parse_badText_throwsWithText() {
        assertEquals(new CameraDirection(45, 90), CameraDirection.parse("45, 90"));
        ConfigException e = assertThrows(ConfigException.class, () -> CameraDirection.parse("45;90"));
        assertTrue(e.getMessage().contains("'45;90'"), e.getMessage());
        assertThrows(ConfigException.class, () -> CameraDirection.parse("a,b"));
    }
}
