package io.visage.eval.image;

import io.visage.eval.FoaMetricsFixture;
import io.visage.eval.spatial.MapIndex;
import io.visage.eval.spatial.SphereGrid;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnergyMapImageTest {
    private static final int SCALE = 4;

    @Test
    void render_planeWaveFixtureMap_sizeAndPeakPixelAtSourceDirection(@TempDir Path tmp) throws IOException {
        try (FoaMetricsFixture f = new FoaMetricsFixture()) {
            SphereGrid grid = f.grid();
            double[] map = f.io.doubles("plane1.energy_map");
            long[] argmax = f.io.longs("plane1.argmax");
            int sourceCol = f.fixture.get("plane1").get("grid_col").asInt();
            // camera mark away from the peak so it does not cover it
            MapIndex camera = new MapIndex(grid.rows() / 2, (sourceCol + grid.cols() / 2) % grid.cols());
            Path png = tmp.resolve("plane1.png");
            EnergyMapImage.writePng(EnergyMapImage.render(map, grid, "plane1", camera, SCALE), png);
            BufferedImage img = ImageIO.read(png.toFile());
            assertEquals(grid.cols() * SCALE + EnergyMapImage.BAR_AREA_WIDTH, img.getWidth());
            assertEquals(grid.rows() * SCALE + EnergyMapImage.TITLE_HEIGHT, img.getHeight());
            int[] c = centroidOf(img, Colormap.jet(1.0), EnergyMapImage.placement(SCALE), grid);
            EnergyMapImage.Placement p = EnergyMapImage.placement(SCALE);
            assertEquals(sourceCol, (c[0] - p.x()) / SCALE, "peak column = source azimuth column");
            assertEquals(argmax[1], (c[0] - p.x()) / SCALE);
            assertEquals(argmax[0], (c[1] - p.y()) / SCALE, "peak row = fixture argmax row");
            // the camera mark is drawn in white at its cell
            int[] cam = p.centre(camera);
            int rad = Math.max(4, 3 * SCALE);
            boolean white = false;
            for (int dx = -2 * rad; dx <= 2 * rad; dx++) {
                white |= (img.getRGB(cam[0] + dx, cam[1]) & 0xffffff) == 0xffffff;
            }
            assertTrue(white, "camera mark at " + camera);
        }
    }

    @Test
    void panel_hasTwoColumnsAndOneRowPerLabel() {
        SphereGrid grid = new SphereGrid(10.0);
        double[] a = new double[grid.size()];
        double[] b = new double[grid.size()];
        a[3] = 1;
        b[grid.size() - 1] = 1;
        BufferedImage img = EnergyMapImage.panel(
                List.of("whole", "0-1 s", "1-2 s"), List.of(a, a, a), List.of(b, b, b), grid, null, 3);
        assertEquals(
                3 * (grid.rows() * 3 + EnergyMapImage.TITLE_HEIGHT) + EnergyMapImage.TITLE_HEIGHT, img.getHeight());
        assertTrue(img.getWidth() > 2 * grid.cols() * 3);
    }

    @Test
    void render_wrongSizeOrCameraOutside_throws() {
        SphereGrid grid = new SphereGrid(10.0);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> EnergyMapImage.render(new double[5], grid, "x", null, 2));
        assertTrue(e.getMessage().contains("found 5"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> EnergyMapImage.render(new double[grid.size()], grid, "x", new MapIndex(grid.rows(), 0), 2));
        assertTrue(e.getMessage().contains("outside"), e.getMessage());
    }

    /** Centroid (x, y) of the map-area pixels with exactly this colour. */
    static int[] centroidOf(BufferedImage img, int rgb, EnergyMapImage.Placement p, SphereGrid grid) {
        long sx = 0;
        long sy = 0;
        int n = 0;
        for (int y = p.y(); y < p.y() + grid.rows() * p.scale(); y++) {
            for (int x = p.x(); x < p.x() + grid.cols() * p.scale(); x++) {
                if ((img.getRGB(x, y) & 0xffffff) == rgb) {
                    sx += x;
                    sy += y;
                    n++;
                }
            }
        }
        assertTrue(n > 0, "no pixel of the peak colour");
        return new int[] {(int) (sx / n), (int) (sy / n)};
    }
}
