package io.visage.nn.kernel;

import java.lang.ref.Reference;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Element-wise float32 kernels on whole ND4J arrays, split over a {@link Parallelism}: exact GELU
 * and its derivative (with {@link Erf}'s approximation, as the decode path), and inverted dropout
 * applied in place from a seed. Each chunk is copied into a small Java array, computed there with
 * the row kernels, and copied back.
 *
 * <p>Dropout masks are counter-based: element {@code i} is dropped when the 32-bit half {@code i & 1}
 * of {@code SplitMix64(seed + (i / 2 + 1) · φ)} is below {@code p · 2³²}, so any chunking of the
 * array gives the same mask (the sequence {@code DropoutMask} draws one pair at a time).
 */
public final class PointwiseKernels {
    private static final int CHUNK = 8192;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final float INV_SQRT_2PI = (float) (1.0 / Math.sqrt(2.0 * Math.PI));

    private PointwiseKernels() {}

    /** Whether these kernels take {@code a} (float32, contiguous): otherwise use whole-array ops. */
    public static boolean applies(INDArray a) {
        return a.dataType() == DataType.FLOAT
                && a.ordering() == 'c'
                && (a.length() <= 1 || a.elementWiseStride() == 1)
                && a.length() < Integer.MAX_VALUE / 4;
    }

    /** {@code out = x · Φ(x)}, Φ the standard normal CDF (exact GELU). {@code out} may be {@code x}. */
    public static void gelu(INDArray x, INDArray out, Parallelism par) {
        map(x, out, par, (buf, n) -> RowKernels.gelu(buf, 0, buf, 0, n));
    }

    /** {@code out = Φ(x) + x · φ(x)}, the derivative of exact GELU. {@code out} may be {@code x}. */
    public static void geluDerivative(INDArray x, INDArray out, Parallelism par) {
        map(x, out, par, (buf, n) -> {
            float[] cdf = new float[n];
            for (int i = 0; i < n; i++) {
                cdf[i] = buf[i] * Erf.SQRT1_2;
            }
            erf(cdf, n);
            float[] pdf = new float[n];
            for (int i = 0; i < n; i++) {
                pdf[i] = -0.5f * buf[i] * buf[i];
            }
            expShiftSum(pdf, n, 0f);
            for (int i = 0; i < n; i++) {
                buf[i] = 0.5f * (1f + cdf[i]) + buf[i] * pdf[i] * INV_SQRT_2PI;
            }
        });
    }

    /**
     * {@code x ← x · mask} in place, mask element {@code 0} (dropped, probability p) or {@code 1/(1 − p)}.
     *
     * @param seed the mask's seed; the same seed gives the same mask
     */
    public static void dropout(INDArray x, long seed, double p, Parallelism par) {
        long threshold = (long) Math.ceil(p * 4294967296.0);
        float keep = (float) (1.0 / (1.0 - p));
        int n = checked(x, "x");
        FloatBuffer f = floats(x);
        int chunk = 2 * CHUNK; // even, so a chunk starts a SplitMix64 pair
        par.forRange(0, (n + chunk - 1) / chunk, 1, (from, to) -> {
            float[] buf = new float[chunk];
            for (int c = from; c < to; c++) {
                int start = c * chunk;
                int len = Math.min(chunk, n - start);
                f.get(start, buf, 0, len);
                for (int i = 0; i < len; i += 2) {
                    long z = mix(seed + ((long) (start + i) / 2 + 1) * GOLDEN);
                    buf[i] = (z & 0xFFFFFFFFL) < threshold ? 0f : buf[i] * keep;
                    if (i + 1 < len) {
                        buf[i + 1] = (z >>> 32) < threshold ? 0f : buf[i + 1] * keep;
                    }
                }
                f.put(start, buf, 0, len);
            }
        });
        Reference.reachabilityFence(x);
    }

    /**
     * Cross-entropy of each row of a [rows, V] float32 array of logits, in place: row {@code r}
     * becomes {@code (softmax(x_r) − onehot(label_r)) · scale_r}, the gradient of {@code scale_r ·
     * (−log softmax(x_r)[label_r])}, and {@code nll[r]} receives {@code −log softmax(x_r)[label_r]}
     * (computed from the max-shifted logits, in double from the float sum). One read and one write
     * of each row, which stays in a small Java array in between.
     *
     * @param labels per row, the label's column in {@code [0, V)}
     * @param scale  per row, the factor of its gradient
     * @param nll    per row, written
     */
    public static void softmaxCrossEntropy(
            INDArray logits, int[] labels, float[] scale, double[] nll, Parallelism par) {
        if (logits.rank() != 2) {
            throw new io.visage.nn.ShapeMismatchException(
                    "PointwiseKernels.softmaxCrossEntropy: logits must be [rows, V], found "
                            + java.util.Arrays.toString(logits.shape()));
        }
        checked(logits, "logits");
        int rows = (int) logits.size(0);
        int v = (int) logits.size(1);
        if (labels.length != rows || scale.length != rows || nll.length != rows) {
            throw new io.visage.nn.ShapeMismatchException("PointwiseKernels.softmaxCrossEntropy: " + rows
                    + " rows of logits but " + labels.length + " labels, " + scale.length + " scales and "
                    + nll.length + " outputs");
        }
        for (int r = 0; r < rows; r++) {
            if (labels[r] < 0 || labels[r] >= v) {
                throw new IndexOutOfBoundsException("PointwiseKernels.softmaxCrossEntropy: label " + labels[r]
                        + " of row " + r + " outside [0, " + v + ")");
            }
        }
        FloatBuffer f = floats(logits);
        int grain = Math.max(1, CHUNK / Math.max(1, v));
        par.forRange(0, rows, grain, (from, to) -> {
            float[] row = new float[v];
            for (int r = from; r < to; r++) {
                f.get(r * v, row, 0, v);
                float max = max(row, v);
                float atLabel = row[labels[r]] - max;
                float sum = expShiftSum(row, v, max);
                nll[r] = Math.log(sum) - atLabel;
                float mul = scale[r] / sum;
                for (int j = 0; j < v; j++) {
                    row[j] *= mul;
                }
                row[labels[r]] -= scale[r];
                f.put(r * v, row, 0, v);
            }
        });
        Reference.reachabilityFence(logits);
    }

    private static float max(float[] x, int n) {
        return VectorApi.PRESENT ? VectorMath.max(x, 0, n) : scalarMax(x, n);
    }

    private static float scalarMax(float[] x, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, x[i]);
        }
        return m;
    }

    private static float expShiftSum(float[] x, int n, float shift) {
        if (VectorApi.PRESENT) {
            return VectorMath.expShiftSum(x, 0, n, shift);
        }
        float s = 0;
        for (int i = 0; i < n; i++) {
            x[i] = (float) Math.exp(x[i] - shift);
            s += x[i];
        }
        return s;
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private interface ChunkFunction {
        void apply(float[] buf, int n);
    }

    private static void map(INDArray x, INDArray out, Parallelism par, ChunkFunction fn) {
        int n = checked(x, "x");
        if (checked(out, "out") != n) {
            throw new io.visage.nn.ShapeMismatchException(
                    "PointwiseKernels: out has " + out.length() + " elements, x has " + n);
        }
        FloatBuffer src = floats(x);
        FloatBuffer dst = floats(out);
        par.forRange(0, (n + CHUNK - 1) / CHUNK, 1, (from, to) -> {
            float[] buf = new float[CHUNK];
            for (int c = from; c < to; c++) {
                int start = c * CHUNK;
                int len = Math.min(CHUNK, n - start);
                src.get(start, buf, 0, len);
                fn.apply(buf, len);
                dst.put(start, buf, 0, len);
            }
        });
        Reference.reachabilityFence(x);
        Reference.reachabilityFence(out);
    }

    private static int checked(INDArray a, String what) {
        if (!applies(a)) {
            throw new io.visage.nn.ShapeMismatchException("PointwiseKernels: " + what
                    + " must be a contiguous float32 array, found " + DirectFloats.describe(a));
        }
        return (int) a.length();
    }

    /** The array's elements as a float view of its direct buffer (absolute indexing from element 0). */
    private static FloatBuffer floats(INDArray a) {
        DirectFloats d = DirectFloats.vector("PointwiseKernels", "array", a.reshape(a.length()), a.length());
        return d.bytes()
                .duplicate()
                .order(ByteOrder.LITTLE_ENDIAN)
                .position(d.byteOffset())
                .slice()
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer();
    }

    private static void erf(float[] x, int n) {
        if (VectorApi.PRESENT) {
            VectorMath.erf(x, 0, x, 0, n, false);
        } else {
            for (int i = 0; i < n; i++) {
                x[i] = Erf.erf(x[i]);
            }
        }
    }
}
