package io.visage.eval.image;

import io.visage.eval.spatial.MapIndex;
import io.visage.eval.spatial.SphereGrid;
import io.visage.nn.ShapeMismatchException;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Renders energy maps to images. */
public final class EnergyMapImage {
    /** Height of the title strip above a map, in pixels. */
    public static final int TITLE_HEIGHT = 18;
    /** Width of the colour bar area to the right of a map (gap, bar, labels), in pixels. */
    public static final int BAR_AREA_WIDTH = 78;

    private static final int BAR_GAP = 8;
    private static final int BAR_WIDTH = 14;
    private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    private EnergyMapImage() {}

    /** Where a map is drawn in an image: top-left corner and pixels per cell. */
    public record Placement(int x, int y, int scale) {
        /** Pixel centre of a map cell. */
        public int[] centre(MapIndex cell) {
            return new int[] {x + cell.col() * scale + scale / 2, y + cell.row() * scale + scale / 2};
        }
    }

    /** Image width of a single rendered map. */
    public static int width(SphereGrid grid, int scale) {
        return grid.cols() * scale + BAR_AREA_WIDTH;
    }

    /** Image height of a single rendered map. */
    public static int height(SphereGrid grid, int scale) {
        return grid.rows() * scale + TITLE_HEIGHT;
    }

    /** Placement of the map inside an image from {@link #render}. */
    public static Placement placement(int scale) {
        return new Placement(0, TITLE_HEIGHT, scale);
    }

    /**
     * One map: title strip, the map (min-max normalised, jet colours), a colour bar labelled with the
     * map's minimum and maximum, and the camera direction as a white ring with a cross.
     *
     * @param map    [rows*cols] row-major flipped map (row 0 = highest elevation)
     * @param camera the camera direction's cell, or null for none
     * @param scale  pixels per map cell (&gt;= 1)
     * @return an image of {@link #width} x {@link #height}
     */
    public static BufferedImage render(double[] map, SphereGrid grid, String title, MapIndex camera, int scale) {
        BufferedImage img = new BufferedImage(width(grid, scale), height(grid, scale), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            double[] range = drawMap(g, map, grid, placement(scale), camera);
            drawTitle(g, title, 0, 0);
            drawBar(g, grid.cols() * scale + BAR_GAP, TITLE_HEIGHT, grid.rows() * scale, range[0], range[1]);
        } finally {
            g.dispose();
        }
        return img;
    }

    /**
     * A panel: for each row label (e.g. "whole clip", "0-1 s"), the ground-truth map on the left and
     * the generated map on the right, each normalised on its own, one colour bar for the relative
     * scale, the camera direction on every map.
     *
     * @param labels      [R] row labels
     * @param groundTruth [R] maps [rows*cols]
     * @param generated   [R] maps [rows*cols]
     */
    public static BufferedImage panel(
            List<String> labels,
            List<double[]> groundTruth,
            List<double[]> generated,
            SphereGrid grid,
            MapIndex camera,
            int scale) {
        if (labels.size() != groundTruth.size() || labels.size() != generated.size()) {
            throw new ShapeMismatchException("panel: " + labels.size() + " labels, " + groundTruth.size()
                    + " ground-truth maps, " + generated.size() + " generated maps; all must be equal");
        }
        int mw = grid.cols() * scale;
        int mh = grid.rows() * scale;
        int gap = 6;
        int w = 2 * mw + gap + BAR_AREA_WIDTH;
        int h = TITLE_HEIGHT + labels.size() * (mh + TITLE_HEIGHT);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            drawTitle(g, "ground truth", 0, 0);
            drawTitle(g, "generated", mw + gap, 0);
            for (int r = 0; r < labels.size(); r++) {
                int y = TITLE_HEIGHT + r * (mh + TITLE_HEIGHT);
                drawTitle(g, labels.get(r), 0, y);
                drawMap(g, groundTruth.get(r), grid, new Placement(0, y + TITLE_HEIGHT, scale), camera);
                drawMap(g, generated.get(r), grid, new Placement(mw + gap, y + TITLE_HEIGHT, scale), camera);
            }
            drawBar(g, 2 * mw + gap + BAR_GAP, 2 * TITLE_HEIGHT, mh, 0, 1);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Writes a PNG. */
    public static void writePng(BufferedImage img, Path file) {
        try {
            if (!ImageIO.write(img, "png", file.toFile())) {
                throw new IllegalStateException("no PNG writer available");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /** @return {min, max} of the map */
    private static double[] drawMap(Graphics2D g, double[] map, SphereGrid grid, Placement p, MapIndex camera) {
        if (map.length != grid.size()) {
            throw new ShapeMismatchException("energy map image: expected " + grid.rows() + " x " + grid.cols() + " = "
                    + grid.size() + " values but found " + map.length);
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : map) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("energy map image: non-finite value " + v);
            }
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double range = max > min ? max - min : 1.0;
        for (int r = 0; r < grid.rows(); r++) {
            for (int c = 0; c < grid.cols(); c++) {
                g.setColor(new Color(Colormap.jet((map[r * grid.cols() + c] - min) / range)));
                g.fillRect(p.x() + c * p.scale(), p.y() + r * p.scale(), p.scale(), p.scale());
            }
        }
        if (camera != null) {
            if (camera.row() >= grid.rows() || camera.col() >= grid.cols()) {
                throw new IllegalArgumentException("camera direction [" + camera.row() + ", " + camera.col()
                        + "] is outside the " + grid.rows() + " x " + grid.cols() + " map");
            }
            int[] xy = p.centre(camera);
            int rad = Math.max(4, 3 * p.scale());
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setStroke(new BasicStroke(3f));
            g.setColor(Color.BLACK);
            g.drawOval(xy[0] - rad, xy[1] - rad, 2 * rad, 2 * rad);
            g.setStroke(new BasicStroke(1.5f));
            g.setColor(Color.WHITE);
            g.drawOval(xy[0] - rad, xy[1] - rad, 2 * rad, 2 * rad);
            g.drawLine(xy[0] - 2 * rad, xy[1], xy[0] - rad - 2, xy[1]);
            g.drawLine(xy[0] + rad + 2, xy[1], xy[0] + 2 * rad, xy[1]);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
        }
        return new double[] {min, max};
    }

    private static void drawTitle(Graphics2D g, String title, int x, int y) {
        if (title == null || title.isEmpty()) {
            return;
        }
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(FONT);
        g.setColor(Color.BLACK);
        g.drawString(title, x + 3, y + TITLE_HEIGHT - 5);
    }

    private static void drawBar(Graphics2D g, int x, int y, int h, double min, double max) {
        for (int i = 0; i < h; i++) {
            g.setColor(new Color(Colormap.jet(1.0 - (double) i / Math.max(1, h - 1))));
            g.fillRect(x, y + i, BAR_WIDTH, 1);
        }
        g.setColor(Color.BLACK);
        g.drawRect(x, y, BAR_WIDTH, h - 1);
        g.setFont(FONT);
        g.drawString(label(max), x + BAR_WIDTH + 3, y + 10);
        g.drawString(label(min), x + BAR_WIDTH + 3, y + h - 2);
    }

    private static String label(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
