package io.visage.audio.dac;

import io.visage.nn.Checks;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.layers.Snake;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Snake y = x + sin²(αx) / (α + 1e-9) on time-major activations [T, C] (α per channel, the
 * contiguous axis), written in one pass straight from ND4J's native buffers. The output may be the
 * input (in place) or a row range of a larger, zero-padded buffer, so that a following convolution
 * reads its padding for free. Vector API when {@code jdk.incubator.vector} is present, plain Java
 * otherwise. Immutable: holds its own copy of α and 1/(α + 1e-9) of one Snake layer (a weight view
 * extracted once). Shape errors are {@link io.visage.nn.ShapeMismatchException}s naming the layer.
 */
final class SnakeKernel {
    private static final boolean VECTOR =
            ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    /** Elements per parallel task, at least (tasks hold whole rows). */
    private static final int GRAIN_ELEMENTS = 1 << 15;

    private final String where;
    private final float[] alpha;
    private final float[] inverse;

    private SnakeKernel(String where, float[] alpha) {
        this.where = where;
        this.alpha = alpha;
        this.inverse = new float[alpha.length];
        for (int c = 0; c < alpha.length; c++) {
            inverse[c] = 1f / (alpha[c] + 1e-9f);
        }
    }

    /**
     * The kernel of a Snake layer (α [1, C, 1]); a snapshot of α.
     *
     * @param where the layer's module path, for messages
     */
    static SnakeKernel of(String where, Snake snake) {
        return new SnakeKernel(
                where, snake.alpha().value().castTo(DataType.FLOAT).reshape(-1).toFloatVector());
    }

    int channels() {
        return alpha.length;
    }

    /**
     * dst[dstRow + t, c] = snake(src[t, c]) for t in [0, T).
     *
     * @param src    [T, C] row-major contiguous float32
     * @param dst    [R, C] row-major contiguous float32 with R ≥ dstRow + T; may be {@code src}
     *               (with dstRow 0)
     * @param dstRow first destination row
     */
    void apply(Parallelism par, INDArray src, INDArray dst, int dstRow) {
        int rows = checkRows("source", src);
        int dstRows = checkRows("destination", dst);
        Checks.require(
                dstRow >= 0 && dstRow + rows <= dstRows,
                where,
                "destination must have at least " + (Math.max(0, dstRow) + rows) + " rows for " + rows + " rows at row "
                        + dstRow + ", found " + Arrays.toString(dst.shape()));
        int c = alpha.length;
        ByteBuffer in = src.data().asNio().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = dst.data().asNio().order(ByteOrder.LITTLE_ENDIAN);
        long inBase = 4L * src.offset();
        long outBase = 4L * (dst.offset() + (long) dstRow * c);
        if (inBase + 4L * rows * c > in.capacity() || outBase + 4L * rows * c > out.capacity()) {
            throw new IllegalStateException(where + ": buffer smaller than its array view");
        }
        int grain = Math.max(1, GRAIN_ELEMENTS / Math.max(1, c));
        try {
            par.forRange(0, rows, grain, (from, to) -> {
                for (int t = from; t < to; t++) {
                    int i = (int) (inBase + 4L * t * c);
                    int o = (int) (outBase + 4L * t * c);
                    if (VECTOR) {
                        VectorSnake.row(in, i, out, o, alpha, inverse);
                    } else {
                        row(in, i, out, o, 0, alpha, inverse);
                    }
                }
            });
        } finally {
            Reference.reachabilityFence(src);
            Reference.reachabilityFence(dst);
        }
    }

    /** Plain-Java row from channel {@code from}: reference for the vector kernel and its tail. */
    static void row(ByteBuffer in, int inByte, ByteBuffer out, int outByte, int from, float[] alpha, float[] inverse) {
        for (int c = from; c < alpha.length; c++) {
            float x = in.getFloat(inByte + 4 * c);
            float s = (float) Math.sin(alpha[c] * x);
            out.putFloat(outByte + 4 * c, x + s * s * inverse[c]);
        }
    }

    private int checkRows(String what, INDArray a) {
        Checks.shape(where, what, a, Checks.ANY, alpha.length);
        Checks.rowMajorFloats(where, what, a, a.size(0), alpha.length);
        Checks.require(
                a.size(0) <= Integer.MAX_VALUE / 4,
                where,
                what + " has " + a.size(0) + " rows, more than the kernel addresses");
        return (int) a.size(0);
    }
}
