package io.visage.audio.foa;

import io.visage.nn.ShapeMismatchException;
import java.util.Arrays;

/**
 * A linear map between channel sets: {@code out[r][t] = Σ_c m[r][c] · in[c][t]}, shape [R, C].
 * Coefficients are float64; each output sample is accumulated in float64 and rounded once.
 */
public final class ChannelMatrix {
    private final double[][] m;

    /** @param m [R, C] coefficients, R, C &ge; 1, rectangular (copied) */
    public ChannelMatrix(double[][] m) {
        if (m.length == 0 || m[0].length == 0) {
            throw new IllegalArgumentException("channel matrix needs at least 1 row and 1 column");
        }
        this.m = new double[m.length][];
        for (int r = 0; r < m.length; r++) {
            if (m[r].length != m[0].length) {
                throw new IllegalArgumentException(
                        "channel matrix row " + r + " has " + m[r].length + " columns, row 0 has " + m[0].length);
            }
            this.m[r] = m[r].clone();
        }
    }

    /** Output channels R. */
    public int rows() {
        return m.length;
    }

    /** Input channels C. */
    public int columns() {
        return m[0].length;
    }

    /** Coefficient m[r][c]. */
    public double get(int r, int c) {
        return m[r][c];
    }

    /** A copy of the coefficients [R, C]. */
    public double[][] toArray() {
        double[][] c = new double[m.length][];
        for (int r = 0; r < m.length; r++) {
            c[r] = m[r].clone();
        }
        return c;
    }

    /** The product {@code this · other} (apply {@code other} first). */
    public ChannelMatrix times(ChannelMatrix other) {
        if (other.rows() != columns()) {
            throw new IllegalArgumentException("cannot multiply [" + rows() + ", " + columns() + "] by [" + other.rows()
                    + ", " + other.columns() + "]");
        }
        double[][] p = new double[rows()][other.columns()];
        for (int r = 0; r < rows(); r++) {
            for (int c = 0; c < other.columns(); c++) {
                double s = 0;
                for (int k = 0; k < columns(); k++) {
                    s += m[r][k] * other.m[k][c];
                }
                p[r][c] = s;
            }
        }
        return new ChannelMatrix(p);
    }

    /**
     * Applies the map to whole signals.
     *
     * @param in [C, N]
     * @return [R, N]
     */
    public float[][] apply(float[][] in) {
        checkInput(in);
        int n = in[0].length;
        float[][] out = new float[rows()][n];
        apply(in, 0, out, 0, n);
        return out;
    }

    /**
     * Applies the map to {@code frames} samples: {@code in[c][inOffset ...]} to {@code out[r][outOffset ...]}
     * (for block-wise streaming). {@code in} and {@code out} must not be the same arrays.
     */
    public void apply(float[][] in, int inOffset, float[][] out, int outOffset, int frames) {
        checkInput(in);
        if (out.length != rows()) {
            throw new IllegalArgumentException("output has " + out.length + " channels, the matrix makes " + rows());
        }
        int cols = columns();
        for (int r = 0; r < rows(); r++) {
            double[] row = m[r];
            float[] o = out[r];
            for (int t = 0; t < frames; t++) {
                double s = 0;
                for (int c = 0; c < cols; c++) {
                    s += row[c] * in[c][inOffset + t];
                }
                o[outOffset + t] = (float) s;
            }
        }
    }

    private void checkInput(float[][] in) {
        if (in.length != columns()) {
            throw new ShapeMismatchException(
                    "input has " + in.length + " channels but the matrix expects " + columns());
        }
        for (int c = 1; c < in.length; c++) {
            if (in[c].length != in[0].length) {
                throw new IllegalArgumentException(
                        "input channel " + c + " has " + in[c].length + " samples, channel 0 has " + in[0].length);
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelMatrix c && Arrays.deepEquals(c.m, m);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(m);
    }

    @Override
    public String toString() {
        return "ChannelMatrix" + Arrays.deepToString(m);
    }
}
