package io.visage.core.pattern;

import io.visage.nn.ShapeMismatchException;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An immutable int64 grid {@code [B, R, K]} (batch, rows, codebooks), row-major: decoder input
 * ids, labels, generated rows or time-major codes (then R = frames). Values may be codes, the pad
 * id or the ignore label −100.
 */
public final class TokenGrid {
    private final int batch;
    private final int rows;
    private final int codebooks;
    private final long[] values;

    /** @param values [batch·rows·codebooks], copied */
    public TokenGrid(int batch, int rows, int codebooks, long[] values) {
        if (batch < 0 || rows < 0 || codebooks < 0 || (long) batch * rows * codebooks != values.length) {
            throw new ShapeMismatchException("TokenGrid [" + batch + ", " + rows + ", " + codebooks + "] needs "
                    + (long) batch * rows * codebooks + " values, got " + values.length);
        }
        this.batch = batch;
        this.rows = rows;
        this.codebooks = codebooks;
        this.values = values.clone();
    }

    /** A grid filled with {@code value}. */
    public static TokenGrid filled(int batch, int rows, int codebooks, long value) {
        long[] v = new long[batch * rows * codebooks];
        Arrays.fill(v, value);
        return new TokenGrid(batch, rows, codebooks, v);
    }

    /** From an integer array [B, R, K] or [R, K] (then B = 1). */
    public static TokenGrid of(INDArray a) {
        long[] s = a.shape();
        if (s.length == 2) {
            return new TokenGrid(1, (int) s[0], (int) s[1], a.dup('c').data().asLong());
        }
        if (s.length == 3) {
            return new TokenGrid(
                    (int) s[0], (int) s[1], (int) s[2], a.dup('c').data().asLong());
        }
        throw new ShapeMismatchException("TokenGrid needs a [B, R, K] or [R, K] array, got " + Arrays.toString(s));
    }

    /** Stacks single-item grids of equal shape along the batch axis. */
    public static TokenGrid stack(TokenGrid... items) {
        if (items.length == 0) {
            throw new IllegalArgumentException("TokenGrid.stack needs at least one grid");
        }
        int r = items[0].rows;
        int k = items[0].codebooks;
        int n = 0;
        for (TokenGrid g : items) {
            if (g.rows != r || g.codebooks != k) {
                throw new ShapeMismatchException("TokenGrid.stack: shapes differ, " + Arrays.toString(items[0].shape())
                        + " vs " + Arrays.toString(g.shape()));
            }
            n += g.batch;
        }
        long[] v = new long[n * r * k];
        int off = 0;
        for (TokenGrid g : items) {
            System.arraycopy(g.values, 0, v, off, g.values.length);
            off += g.values.length;
        }
        return new TokenGrid(n, r, k, v);
    }

    public int batch() {
        return batch;
    }

    public int rows() {
        return rows;
    }

    public int codebooks() {
        return codebooks;
    }

    /** {@code [B, R, K]}. */
    public long[] shape() {
        return new long[] {batch, rows, codebooks};
    }

    public long get(int b, int r, int k) {
        return values[index(b, r, k)];
    }

    /** The values, row-major (a copy). */
    public long[] values() {
        return values.clone();
    }

    /** Row {@code r} of item {@code b}: [K] (a copy). */
    public long[] row(int b, int r) {
        int i = index(b, r, 0);
        return Arrays.copyOfRange(values, i, i + codebooks);
    }

    /** Item {@code b} as a grid of batch 1. */
    public TokenGrid item(int b) {
        int n = rows * codebooks;
        return new TokenGrid(1, rows, codebooks, Arrays.copyOfRange(values, b * n, (b + 1) * n));
    }

    /** Rows {@code [from, to)} of every item. */
    public TokenGrid rowRange(int from, int to) {
        if (from < 0 || to > rows || from > to) {
            throw new IndexOutOfBoundsException("rows [" + from + ", " + to + ") of a grid with " + rows + " rows");
        }
        int n = to - from;
        long[] v = new long[batch * n * codebooks];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(values, index(b, from, 0), v, b * n * codebooks, n * codebooks);
        }
        return new TokenGrid(batch, n, codebooks, v);
    }

    /** As an int64 ND4J array [B, R, K]. */
    public INDArray toArray() {
        return Nd4j.createFromArray(values).castTo(DataType.LONG).reshape('c', batch, rows, codebooks);
    }

    private int index(int b, int r, int k) {
        if (b < 0 || b >= batch || r < 0 || r >= rows || k < 0 || k >= codebooks) {
            throw new IndexOutOfBoundsException(
                    "[" + b + ", " + r + ", " + k + "] outside " + Arrays.toString(shape()));
        }
        return (b * rows + r) * codebooks + k;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenGrid g
                && g.batch == batch
                && g.rows == rows
                && g.codebooks == codebooks
                && Arrays.equals(g.values, values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape()) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "TokenGrid" + Arrays.toString(shape());
    }
}
