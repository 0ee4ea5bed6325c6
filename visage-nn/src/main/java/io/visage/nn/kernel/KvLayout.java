package io.visage.nn.kernel;

import io.visage.nn.ShapeMismatchException;

/**
 * Layout of one layer's key (or value) cache in a {@code float[]}: {@code [B, H, Tmax, Dh]},
 * row-major. Element {@code (b, h, t, d)} is at {@code ((b·H + h)·Tmax + t)·Dh + d}.
 *
 * <p>Why this order: the attention for one {@code (b, h)} reads positions {@code 0..L−1} of one
 * contiguous {@code [Tmax, Dh]} block front to back, and appending position {@code t} writes
 * {@code B·H} short runs of {@code Dh} floats. The caller owns the arrays (one for keys, one for
 * values, {@link #size()} floats each) and the current length.
 *
 * @param batch    B, at least 1
 * @param heads    H, at least 1
 * @param capacity Tmax, the most positions the cache can hold, at least 1
 * @param headDim  Dh, at least 1
 */
public record KvLayout(int batch, int heads, int capacity, int headDim) {
    public KvLayout {
        if (batch < 1 || heads < 1 || capacity < 1 || headDim < 1) {
            throw new IllegalArgumentException("KvLayout: all sizes must be >= 1 but got B=" + batch + ", H=" + heads
                    + ", Tmax=" + capacity + ", Dh=" + headDim);
        }
        if ((long) batch * heads * capacity * headDim > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("KvLayout: B*H*Tmax*Dh = " + (long) batch * heads * capacity * headDim
                    + " does not fit in one Java array");
        }
    }

    /** Floats in one cache array: {@code B·H·Tmax·Dh}. */
    public int size() {
        return batch * heads * capacity * headDim;
    }

    /** Model width {@code H·Dh}: the length of one position's row for one batch entry. */
    public int width() {
        return heads * headDim;
    }

    /** Index of element {@code (b, h, t, 0)}. */
    public int offset(int b, int h, int t) {
        return ((b * heads + h) * capacity + t) * headDim;
    }

    /**
     * Stores position {@code t} for every batch entry:
     * {@code cache[b, h, t, :] = src[srcOff + b·srcStride + h·Dh ..]}.
     * For one decode step's projection {@code [B, H·Dh]} use {@code srcOff = 0, srcStride = H·Dh}; to fill
     * position {@code t} from an encoder output {@code [B, S, H·Dh]} use {@code srcOff = t·H·Dh,
     * srcStride = S·H·Dh}.
     *
     * @param cache  {@link #size()} floats
     * @param t      position, {@code 0 ≤ t < Tmax}
     * @param src    rows of width {@code H·Dh}
     * @param srcStride distance between the rows of consecutive batch entries, at least {@code H·Dh}
     */
    public void write(float[] cache, int t, float[] src, int srcOff, int srcStride) {
        if (cache == null || cache.length < size()) {
            throw new ShapeMismatchException("KvLayout.write: cache must have " + size() + " floats for " + this
                    + " but " + (cache == null ? "is null" : "has " + cache.length));
        }
        if (t < 0 || t >= capacity) {
            throw new IllegalArgumentException("KvLayout.write: position " + t + " is outside [0, " + capacity + ")");
        }
        RowKernels.checkRange("KvLayout.write", "src", src, srcOff, (long) (batch - 1) * srcStride + width());
        if (srcStride < width()) {
            throw new IllegalArgumentException("KvLayout.write: srcStride " + srcStride + " < width " + width());
        }
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                System.arraycopy(src, srcOff + b * srcStride + h * headDim, cache, offset(b, h, t), headDim);
            }
        }
    }
}
