package io.visage.nn.autodiff;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

/**
 * Convolution kernels behind {@link Ops#conv1d} and {@link Ops#convTranspose1d}: im2col with one
 * strided copy per kernel tap, one GEMM per batch item and time chunk. Time is processed in
 * chunks so the column buffer stays below {@link #COLUMN_BUDGET} elements whatever the length.
 */
final class Conv {
    /** Upper bound on elements of one column buffer. */
    static final long COLUMN_BUDGET = 1L << 24;

    private Conv() {}

    /** Positions {@code first, first+step, ...} ({@code n} of them) along the last axis. */
    private static INDArrayIndex steps(long first, int step, int n) {
        // ND4J 1.0.0-M2.1 misreads a strided interval that holds one element (interval(5, 2, 6)
        // selects [5, 7, 9, 11]), so single positions use a plain interval.
        return step == 1 || n == 1
                ? interval(first, first + n)
                : interval(first, step, first + (long) step * (n - 1) + 1);
    }

    private static int chunk(int rows, int k, int total, long budget) {
        long per = Math.max(1, budget / ((long) rows * k));
        return (int) Math.min(total, per);
    }

    /** cols[c, k, j] = src[c, (t0 + j)·stride + k·dilation] for j in [0, n). src is [C, L]. */
    private static INDArray im2col(INDArray src, int kernel, int stride, int dilation, int t0, int n) {
        int c = (int) src.size(0);
        INDArray cols = Nd4j.create(src.dataType(), c, kernel, n);
        for (int k = 0; k < kernel; k++) {
            cols.get(all(), point(k), all())
                    .assign(src.get(all(), steps((long) t0 * stride + (long) k * dilation, stride, n)));
        }
        return cols;
    }

    /** dst[c, (t0 + j)·stride + k·dilation] += cols[c, k, j]. dst is [C, L]. */
    private static void col2im(INDArray cols, INDArray dst, int kernel, int stride, int dilation, int t0, int n) {
        for (int k = 0; k < kernel; k++) {
            dst.get(all(), steps((long) t0 * stride + (long) k * dilation, stride, n))
                    .addi(cols.get(all(), point(k), all()));
        }
    }

    private static INDArray padTime(INDArray x, int left, int right) {
        if (left == 0 && right == 0) {
            return x;
        }
        INDArray p = Nd4j.create(x.dataType(), x.size(0), x.size(1), x.size(2) + left + right);
        p.get(all(), all(), interval(left, left + x.size(2))).assign(x);
        return p;
    }

    private static INDArray channels(INDArray a, int axis, long from, long count) {
        INDArrayIndex[] idx = new INDArrayIndex[a.rank()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i == axis ? interval(from, from + count) : all();
        }
        return a.get(idx);
    }

    /**
     * Frees the off-heap buffers of temporaries that no one else references (column buffers, GEMM
     * products) right away instead of when the garbage collector notices them: long signals
     * otherwise pile up gigabytes of dead native memory. Views are left alone by ND4J.
     */
    private static void release(INDArray... temporaries) {
        for (INDArray a : temporaries) {
            a.close();
        }
    }

    private static void addBias(INDArray out, INDArray bias) {
        if (bias != null) {
            out.addi(bias.reshape(1, bias.length(), 1));
        }
    }

    // ----------------------------------------------------------------- conv1d

    static INDArray forward(INDArray x, INDArray w, INDArray bias, Conv1dGeometry g, long budget) {
        INDArray out = Nd4j.create(x.dataType(), g.batch(), g.cout(), g.tout());
        INDArray xpad = padTime(x, g.padding(), g.padding());
        int cig = g.cinPerGroup();
        int cog = g.coutPerGroup();
        int step = chunk(cig, g.kernel(), g.tout(), budget);
        for (int grp = 0; grp < g.groups(); grp++) {
            INDArray w2 = channels(w, 0, (long) grp * cog, cog).reshape('c', cog, (long) cig * g.kernel());
            for (int b = 0; b < g.batch(); b++) {
                INDArray src = channels(xpad.get(point(b), all(), all()), 0, (long) grp * cig, cig);
                INDArray dst = channels(out.get(point(b), all(), all()), 0, (long) grp * cog, cog);
                for (int t0 = 0; t0 < g.tout(); t0 += step) {
                    int n = Math.min(step, g.tout() - t0);
                    INDArray raw = im2col(src, g.kernel(), g.stride(), g.dilation(), t0, n);
                    INDArray prod = w2.mmul(raw.reshape('c', (long) cig * g.kernel(), n));
                    dst.get(all(), interval(t0, t0 + n)).assign(prod);
                    release(prod, raw);
                }
            }
        }
        if (xpad != x) {
            xpad.close();
        }
        addBias(out, bias);
        return out;
    }

    static INDArray[] backward(
            INDArray x,
            INDArray w,
            INDArray gy,
            Conv1dGeometry g,
            boolean needX,
            boolean needW,
            boolean needB,
            long budget) {
        INDArray xpad = padTime(x, g.padding(), g.padding());
        INDArray gxpad = needX ? xpad.ulike().assign(0) : null;
        INDArray gw = needW ? w.ulike().assign(0) : null;
        int cig = g.cinPerGroup();
        int cog = g.coutPerGroup();
        int step = chunk(cig, g.kernel(), g.tout(), budget);
        if (needX || needW) {
            for (int grp = 0; grp < g.groups(); grp++) {
                INDArray w2 = channels(w, 0, (long) grp * cog, cog).reshape('c', cog, (long) cig * g.kernel());
                INDArray gw2 = needW ? Nd4j.create(w.dataType(), cog, (long) cig * g.kernel()) : null;
                for (int b = 0; b < g.batch(); b++) {
                    INDArray src = channels(xpad.get(point(b), all(), all()), 0, (long) grp * cig, cig);
                    INDArray gsrc =
                            needX ? channels(gxpad.get(point(b), all(), all()), 0, (long) grp * cig, cig) : null;
                    INDArray gyb = channels(gy.get(point(b), all(), all()), 0, (long) grp * cog, cog);
                    for (int t0 = 0; t0 < g.tout(); t0 += step) {
                        int n = Math.min(step, g.tout() - t0);
                        INDArray gyc = gyb.get(all(), interval(t0, t0 + n)).dup('c');
                        if (needW) {
                            INDArray cols = im2col(src, g.kernel(), g.stride(), g.dilation(), t0, n)
                                    .reshape('c', (long) cig * g.kernel(), n);
                            gw2.addi(gyc.mmul(cols.transpose()));
                        }
                        if (needX) {
                            INDArray dcols = w2.transpose().mmul(gyc).reshape('c', cig, g.kernel(), n);
                            col2im(dcols, gsrc, g.kernel(), g.stride(), g.dilation(), t0, n);
                        }
                    }
                }
                if (needW) {
                    channels(gw, 0, (long) grp * cog, cog).assign(gw2.reshape('c', cog, cig, g.kernel()));
                }
            }
        }
        INDArray gx = needX
                ? gxpad.get(all(), all(), interval(g.padding(), g.padding() + g.tin()))
                        .dup('c')
                : null;
        INDArray gb = needB ? gy.sum(0, 2) : null;
        return new INDArray[] {gx, gw, gb};
    }

    // ----------------------------------------------------------------- conv_transpose1d

    static INDArray transposedForward(INDArray x, INDArray w, INDArray bias, Conv1dGeometry g, long budget) {
        INDArray full = Nd4j.create(x.dataType(), g.batch(), g.cout(), g.fullLength());
        int cig = g.cinPerGroup();
        int cog = g.coutPerGroup();
        int step = chunk(cog, g.kernel(), g.tin(), budget);
        for (int grp = 0; grp < g.groups(); grp++) {
            INDArray w2t = channels(w, 0, (long) grp * cig, cig)
                    .reshape('c', cig, (long) cog * g.kernel())
                    .transpose();
            for (int b = 0; b < g.batch(); b++) {
                INDArray src = channels(x.get(point(b), all(), all()), 0, (long) grp * cig, cig);
                INDArray dst = channels(full.get(point(b), all(), all()), 0, (long) grp * cog, cog);
                for (int t0 = 0; t0 < g.tin(); t0 += step) {
                    int n = Math.min(step, g.tin() - t0);
                    INDArray prod = w2t.mmul(src.get(all(), interval(t0, t0 + n)));
                    col2im(prod.reshape('c', cog, g.kernel(), n), dst, g.kernel(), g.stride(), g.dilation(), t0, n);
                    release(prod);
                }
            }
        }
        INDArray out = full.get(all(), all(), interval(g.padding(), g.padding() + g.tout()))
                .dup('c');
        full.close();
        addBias(out, bias);
        return out;
    }

    static INDArray[] transposedBackward(
            INDArray x,
            INDArray w,
            INDArray gy,
            Conv1dGeometry g,
            boolean needX,
            boolean needW,
            boolean needB,
            long budget) {
        INDArray gfull = Nd4j.create(gy.dataType(), g.batch(), g.cout(), g.fullLength());
        gfull.get(all(), all(), interval(g.padding(), g.padding() + g.tout())).assign(gy);
        INDArray gx = needX ? x.ulike().assign(0) : null;
        INDArray gw = needW ? w.ulike().assign(0) : null;
        int cig = g.cinPerGroup();
        int cog = g.coutPerGroup();
        int step = chunk(cog, g.kernel(), g.tin(), budget);
        if (needX || needW) {
            for (int grp = 0; grp < g.groups(); grp++) {
                INDArray w2 = channels(w, 0, (long) grp * cig, cig).reshape('c', cig, (long) cog * g.kernel());
                INDArray gw2 = needW ? Nd4j.create(w.dataType(), cig, (long) cog * g.kernel()) : null;
                for (int b = 0; b < g.batch(); b++) {
                    INDArray src = channels(x.get(point(b), all(), all()), 0, (long) grp * cig, cig);
                    INDArray gsrc = needX ? channels(gx.get(point(b), all(), all()), 0, (long) grp * cig, cig) : null;
                    INDArray gfb = channels(gfull.get(point(b), all(), all()), 0, (long) grp * cog, cog);
                    for (int t0 = 0; t0 < g.tin(); t0 += step) {
                        int n = Math.min(step, g.tin() - t0);
                        INDArray dcols = im2col(gfb, g.kernel(), g.stride(), g.dilation(), t0, n)
                                .reshape('c', (long) cog * g.kernel(), n);
                        if (needX) {
                            gsrc.get(all(), interval(t0, t0 + n)).assign(w2.mmul(dcols));
                        }
                        if (needW) {
                            gw2.addi(src.get(all(), interval(t0, t0 + n)).mmul(dcols.transpose()));
                        }
                    }
                }
                if (needW) {
                    channels(gw, 0, (long) grp * cig, cig).assign(gw2.reshape('c', cig, cog, g.kernel()));
                }
            }
        }
        INDArray gb = needB ? gy.sum(0, 2) : null;
        return new INDArray[] {gx, gw, gb};
    }
}
