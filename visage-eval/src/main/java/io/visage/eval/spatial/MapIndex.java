package io.visage.eval.spatial;

/**
 * A cell of a (flipped) energy map: the index format of {@code get_argmax_idx} and of the dataset's
 * camera directions ({@code ambi.json}: elevation index = row, azimuth index = column).
 *
 * @param row map row (0 = highest elevation)
 * @param col map column (0 = largest azimuth)
 */
public record MapIndex(int row, int col) implements java.io.Serializable {
    public MapIndex {
        if (row < 0 || col < 0) {
            throw new IllegalArgumentException("map index must be non-negative, was [" + row + ", " + col + "]");
        }
    }

    /** Azimuth of this cell in degrees on the given grid. */
    public double azimuthDeg(SphereGrid grid) {
        return grid.azimuthDeg(col);
    }

    /** Elevation of this cell in degrees on the given grid. */
    public double elevationDeg(SphereGrid grid) {
        return grid.mapElevationDeg(row);
    }
}
