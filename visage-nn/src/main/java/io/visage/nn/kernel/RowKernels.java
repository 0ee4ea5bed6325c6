package io.visage.nn.kernel;

import java.lang.ref.Reference;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Element-wise and per-row kernels of a decode step on {@code float[]}: LayerNorm, exact GELU,
 * softmax and the residual add. Each runs on the calling thread (rows in decoding are short: a few
 * thousand elements) and uses the Vector API when the module is present, plain Java otherwise.
 *
 * <p>Rows are packed: row {@code r} of width {@code n} starts at {@code off + r·n}. Where a method
 * has separate input and output, the output may be the input itself at the same offset (in place);
 * other overlaps are not allowed.
 */
public final class RowKernels {
    private RowKernels() {}

    /**
     * LayerNorm over each row as {@code torch.nn.LayerNorm(n, eps)}: two passes (mean, then the
     * biased variance of {@code x − mean}), {@code y = (x − mean) / sqrt(var + eps) · gamma + beta}.
     *
     * @param x     [rows, n] at {@code xOff}
     * @param y     [rows, n] at {@code yOff}; may be {@code x} at the same offset
     * @param gamma [n]
     * @param beta  [n]
     * @param eps   added to the variance, e.g. 1e-5
     */
    public static void layerNorm(
            float[] x, int xOff, float[] y, int yOff, int rows, int n, float[] gamma, float[] beta, float eps) {
        checkRows("layerNorm", x, xOff, y, yOff, rows, n);
        checkLength("layerNorm", "gamma", gamma, n);
        checkLength("layerNorm", "beta", beta, n);
        if (VectorApi.PRESENT) {
            VectorRowKernels.layerNorm(x, xOff, y, yOff, rows, n, gamma, beta, null, null, eps);
        } else {
            layerNormScalar(x, xOff, y, yOff, rows, n, gamma, beta, null, null, eps);
        }
    }

    /**
     * {@link #layerNorm(float[], int, float[], int, int, int, float[], float[], float)} with gamma and
     * beta read in place from contiguous float32 ND4J vectors {@code [n]} (for example a module's
     * {@code weight} and {@code bias}).
     */
    public static void layerNorm(
            float[] x, int xOff, float[] y, int yOff, int rows, int n, INDArray gamma, INDArray beta, float eps) {
        checkRows("layerNorm", x, xOff, y, yOff, rows, n);
        DirectFloats g = DirectFloats.vector("layerNorm", "gamma", gamma, n);
        DirectFloats b = DirectFloats.vector("layerNorm", "beta", beta, n);
        if (VectorApi.PRESENT) {
            VectorRowKernels.layerNorm(x, xOff, y, yOff, rows, n, null, null, g, b, eps);
        } else {
            layerNormScalar(x, xOff, y, yOff, rows, n, null, null, g, b, eps);
        }
        Reference.reachabilityFence(gamma); // the buffers g and b do not keep the arrays alive
        Reference.reachabilityFence(beta);
    }

    /**
     * {@link #layerNorm(float[], int, float[], int, int, int, float[], float[], float)} with the
     * parameters resolved once ({@link NormWeights}); the row width is {@code norm.width()}.
     */
    public static void layerNorm(float[] x, int xOff, float[] y, int yOff, int rows, NormWeights norm) {
        int n = norm.width();
        checkRows("layerNorm", x, xOff, y, yOff, rows, n);
        if (VectorApi.PRESENT) {
            VectorRowKernels.layerNorm(
                    x, xOff, y, yOff, rows, n, null, null, norm.directGamma(), norm.directBeta(), norm.eps());
        } else {
            layerNormScalar(x, xOff, y, yOff, rows, n, null, null, norm.directGamma(), norm.directBeta(), norm.eps());
        }
        norm.keepAlive();
    }

    /**
     * Exact GELU, {@code y = x · 0.5 · (1 + erf(x / √2))} (see {@link Erf}), element-wise.
     *
     * @param y may be {@code x} at the same offset
     */
    public static void gelu(float[] x, int xOff, float[] y, int yOff, int len) {
        checkRows("gelu", x, xOff, y, yOff, 1, len);
        if (VectorApi.PRESENT) {
            VectorRowKernels.gelu(x, xOff, y, yOff, len);
        } else {
            geluScalar(x, xOff, y, yOff, len);
        }
    }

    /**
     * Softmax over each row, in place: {@code x ← exp(x − max) / Σ exp(x − max)}. Entries of
     * {@code −∞} (masked) become 0; a row that is entirely {@code −∞} becomes NaN, as in PyTorch.
     *
     * @param x [rows, n] at {@code off}
     */
    public static void softmax(float[] x, int off, int rows, int n) {
        checkRows("softmax", x, off, x, off, rows, n);
        if (VectorApi.PRESENT) {
            VectorRowKernels.softmax(x, off, rows, n);
        } else {
            softmaxScalar(x, off, rows, n);
        }
    }

    /**
     * Residual add, {@code acc[i] += delta[i]} for {@code len} elements.
     */
    public static void add(float[] acc, int accOff, float[] delta, int deltaOff, int len) {
        checkRange("add", "acc", acc, accOff, len);
        checkRange("add", "delta", delta, deltaOff, len);
        // C2 vectorises this loop on its own
        for (int i = 0; i < len; i++) {
            acc[accOff + i] += delta[deltaOff + i];
        }
    }

    // ---- plain-Java paths (also the fallback) ----

    static void layerNormScalar(
            float[] x,
            int xOff,
            float[] y,
            int yOff,
            int rows,
            int n,
            float[] gamma,
            float[] beta,
            DirectFloats g,
            DirectFloats b,
            float eps) {
        for (int r = 0; r < rows; r++) {
            int xo = xOff + r * n;
            int yo = yOff + r * n;
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += x[xo + i];
            }
            float mean = (float) (sum / n);
            double sq = 0;
            for (int i = 0; i < n; i++) {
                float d = x[xo + i] - mean;
                sq += d * d;
            }
            float rstd = (float) (1.0 / Math.sqrt(sq / n + eps));
            for (int i = 0; i < n; i++) {
                float gi = gamma != null ? gamma[i] : g.get(i);
                float bi = beta != null ? beta[i] : b.get(i);
                y[yo + i] = (x[xo + i] - mean) * rstd * gi + bi;
            }
        }
    }

    /** {@link #gelu} in plain Java, whatever the JVM (the reference for the Vector API path). */
    public static void geluScalar(float[] x, int xOff, float[] y, int yOff, int len) {
        for (int i = 0; i < len; i++) {
            y[yOff + i] = Erf.gelu(x[xOff + i]);
        }
    }

    static void softmaxScalar(float[] x, int off, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            int o = off + r * n;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, x[o + i]);
            }
            double sum = 0;
            for (int i = 0; i < n; i++) {
                float e = (float) Math.exp(x[o + i] - max);
                x[o + i] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (int i = 0; i < n; i++) {
                x[o + i] *= inv;
            }
        }
    }

    // ---- argument checks ----

    static void checkRows(String where, float[] x, int xOff, float[] y, int yOff, int rows, int n) {
        if (rows < 0 || n < 0) {
            throw new IllegalArgumentException(where + ": rows and width must be >= 0 but were " + rows + ", " + n);
        }
        long len = (long) rows * n;
        checkRange(where, "x", x, xOff, len);
        checkRange(where, "y", y, yOff, len);
        if (x == y && xOff != yOff && xOff < yOff + len && yOff < xOff + len) {
            throw new IllegalArgumentException(
                    where + ": x and y overlap at different offsets (" + xOff + ", " + yOff + ")");
        }
    }

    static void checkRange(String where, String what, float[] a, int off, long len) {
        if (a == null) {
            throw new IllegalArgumentException(where + ": " + what + " is null");
        }
        if (off < 0 || off + len > a.length) {
            throw new IllegalArgumentException(where + ": " + what + " needs elements [" + off + ", " + (off + len)
                    + ") but has length " + a.length);
        }
    }

    private static void checkLength(String where, String what, float[] a, int n) {
        if (a == null || a.length < n) {
            throw new IllegalArgumentException(where + ": " + what + " must have at least " + n + " elements but "
                    + (a == null ? "is null" : "has " + a.length));
        }
    }
}
