package io.visage.nn.kernel;

/**
 * The reference {@link MatVec}: one output at a time, accumulated in {@code double}, single-threaded.
 * Obviously correct and slow; the fast implementations are tested against it.
 */
public final class NaiveMatVec extends AbstractMatVec {

    @Override
    void compute(
            DirectFloats w,
            DirectFloats bias,
            int lo,
            int hi,
            float[] x,
            int xOff,
            int xStride,
            float[] y,
            int yOff,
            int yStride,
            int batch) {
        int in = w.cols();
        for (int b = 0; b < batch; b++) {
            for (int o = lo; o < hi; o++) {
                double s = bias == null ? 0 : bias.get(o);
                int wRow = w.rowByte(o);
                for (int k = 0; k < in; k++) {
                    s += (double) x[xOff + b * xStride + k] * w.bytes().getFloat(wRow + 4 * k);
                }
                y[yOff + b * yStride + (o - lo)] = (float) s;
            }
        }
    }

    @Override
    public String name() {
        return "naive";
    }

    @Override
    public String toString() {
        return "NaiveMatVec";
    }
}
