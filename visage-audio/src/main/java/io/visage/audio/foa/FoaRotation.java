package io.visage.audio.foa;

/**
 * A rotation of the sound field, {@code R = Rz(yaw) · Ry(pitch) · Rx(roll)} about the ambiX axes
 * (right-handed, active: the field is rotated, roll applied first, yaw last). Signs:
 * <ul>
 *   <li>+yaw turns about +Z (up): a source in front moves to the left;</li>
 *   <li>+pitch turns about +Y (left): a source in front moves down;</li>
 *   <li>+roll turns about +X (front): a source on the left moves up.</li>
 * </ul>
 * A plane wave from direction u becomes one from {@code R·u}; W is unchanged and (X, Y, Z) transform
 * as a vector in every supported normalisation. ViSAGe's training augmentation ({@code Y' = −X,
 * X' = Y}) is {@link #TRAINING_AUGMENTATION}, yaw −90°.
 *
 * @param matrix the 3×3 rotation acting on (x front, y left, z up), row-major (copied)
 */
public record FoaRotation(double[][] matrix) {
    /** No rotation. */
    public static final FoaRotation IDENTITY = of(0, 0, 0);
    /** The rotation of ViSAGe's training data augmentation: yaw −90° (Y' = −X, X' = Y, W and Z unchanged). */
    public static final FoaRotation TRAINING_AUGMENTATION = ofDegrees(-90, 0, 0);

    public FoaRotation {
        if (matrix.length != 3 || matrix[0].length != 3 || matrix[1].length != 3 || matrix[2].length != 3) {
            throw new IllegalArgumentException("a rotation is a 3x3 matrix");
        }
        matrix = new double[][] {matrix[0].clone(), matrix[1].clone(), matrix[2].clone()};
    }

    /** {@code Rz(yaw)·Ry(pitch)·Rx(roll)}, angles in radians. */
    public static FoaRotation of(double yaw, double pitch, double roll) {
        double cy = Math.cos(yaw), sy = Math.sin(yaw);
        double cp = Math.cos(pitch), sp = Math.sin(pitch);
        double cr = Math.cos(roll), sr = Math.sin(roll);
        double[][] rz = {{cy, -sy, 0}, {sy, cy, 0}, {0, 0, 1}};
        double[][] ry = {{cp, 0, sp}, {0, 1, 0}, {-sp, 0, cp}};
        double[][] rx = {{1, 0, 0}, {0, cr, -sr}, {0, sr, cr}};
        return new FoaRotation(mul(rz, mul(ry, rx)));
    }

    /** {@link #of(double, double, double)} with angles in degrees. */
    public static FoaRotation ofDegrees(double yawDeg, double pitchDeg, double rollDeg) {
        return of(Math.toRadians(yawDeg), Math.toRadians(pitchDeg), Math.toRadians(rollDeg));
    }

    /** A copy of the 3×3 matrix. */
    @Override
    public double[][] matrix() {
        return new double[][] {matrix[0].clone(), matrix[1].clone(), matrix[2].clone()};
    }

    /** Rotation element (row r, column c). */
    public double get(int r, int c) {
        return matrix[r][c];
    }

    /** {@code other · this}: apply this rotation first, then {@code other}. */
    public FoaRotation then(FoaRotation other) {
        return new FoaRotation(mul(other.matrix, matrix));
    }

    /** {@code this · other}: the composition that applies {@code other} first. */
    public FoaRotation compose(FoaRotation other) {
        return new FoaRotation(mul(matrix, other.matrix));
    }

    /** The inverse rotation (the transpose). */
    public FoaRotation inverse() {
        double[][] t = new double[3][3];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                t[r][c] = matrix[c][r];
            }
        }
        return new FoaRotation(t);
    }

    /** Where a source at {@code d} ends up after the rotation. */
    public Direction apply(Direction d) {
        double[] u = d.unitVector();
        double[] v = new double[3];
        for (int r = 0; r < 3; r++) {
            v[r] = matrix[r][0] * u[0] + matrix[r][1] * u[1] + matrix[r][2] * u[2];
        }
        return Direction.ofVector(v[0], v[1], v[2]);
    }

    /** The [4, 4] channel matrix of this rotation for signals in {@code format}. */
    public ChannelMatrix channelMatrix(FoaFormat format) {
        Component[] xyz = {Component.X, Component.Y, Component.Z};
        double[][] m = new double[4][4];
        m[format.index(Component.W)][format.index(Component.W)] = 1;
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                m[format.index(xyz[r])][format.index(xyz[c])] = matrix[r][c];
            }
        }
        return new ChannelMatrix(m);
    }

    /**
     * Rotates a sound field.
     *
     * @param foa [4, N] in {@code format}
     * @return [4, N] in {@code format}
     */
    public float[][] apply(float[][] foa, FoaFormat format) {
        Foa.checkFoa(foa);
        return channelMatrix(format).apply(foa);
    }

    private static double[][] mul(double[][] a, double[][] b) {
        double[][] p = new double[3][3];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                p[r][c] = a[r][0] * b[0][c] + a[r][1] * b[1][c] + a[r][2] * b[2][c];
            }
        }
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FoaRotation r && java.util.Arrays.deepEquals(r.matrix, matrix);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.deepHashCode(matrix);
    }

    @Override
    public String toString() {
        return "FoaRotation" + java.util.Arrays.deepToString(matrix);
    }
}
