/**
 * Spatial analysis of first-order ambisonics as the ViSAGe evaluation does it: the 2-degree sphere
 * grid, the spherical-harmonic decoding matrix, RMS audio energy maps and the equal-area resampling.
 *
 * <p>Conventions: FOA channels in ACN order W, Y, Z, X ({@code [4][N]}, channels-first). A map is
 * {@code [rows][cols]} row-major <em>after</em> the reference's vertical flip: map row 0 is the
 * highest elevation, column 0 the largest azimuth (+178 degrees for the 2-degree grid), azimuth
 * decreasing to the right. Angles are radians unless a name says {@code Deg}.
 */
package io.visage.eval.spatial;
