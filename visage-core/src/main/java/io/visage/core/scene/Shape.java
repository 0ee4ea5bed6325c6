package io.visage.core.scene;

/**
 * The outline of a drawn object in the image plane, in units of the object's pixel radius R, with u
 * to the image right and v to the image up, centred on the object's projected direction. Every shape
 * has the area of the unit disc (π R²), so objects of different classes cover about the same number
 * of pixels; all lie within the box {@code |u|, |v| ≤} {@value #EXTENT}.
 */
public enum Shape {
    /** The unit disc u² + v² ≤ 1. */
    DISC,
    /** An axis-aligned square of half side √π / 2 ≈ 0.886. */
    SQUARE,
    /** An equilateral triangle pointing up, centroid at the origin, circumradius √(4π / 3√3) ≈ 1.555. */
    TRIANGLE,
    /** A square turned 45° (|u| + |v| ≤ √(π / 2) ≈ 1.253). */
    DIAMOND;

    /** Half side of a box that holds every shape. */
    public static final double EXTENT = 1.6;

    private static final double SQUARE_HALF = Math.sqrt(Math.PI) / 2;
    private static final double DIAMOND_RADIUS = Math.sqrt(Math.PI / 2);
    private static final double TRIANGLE_INRADIUS = Math.sqrt(4 * Math.PI / (3 * Math.sqrt(3))) / 2;
    private static final double COS30 = Math.sqrt(3) / 2;

    /** True when (u, v) (image right, image up; units of R) lies inside the shape. */
    public boolean contains(double u, double v) {
        return switch (this) {
            case DISC -> u * u + v * v <= 1;
            case SQUARE -> Math.abs(u) <= SQUARE_HALF && Math.abs(v) <= SQUARE_HALF;
            case DIAMOND -> Math.abs(u) + Math.abs(v) <= DIAMOND_RADIUS;
            // outward edge normals (0, −1), (cos 30°, sin 30°), (−cos 30°, sin 30°)
            case TRIANGLE ->
                -v <= TRIANGLE_INRADIUS
                        && COS30 * u + 0.5 * v <= TRIANGLE_INRADIUS
                        && -COS30 * u + 0.5 * v <= TRIANGLE_INRADIUS;
        };
    }
}
