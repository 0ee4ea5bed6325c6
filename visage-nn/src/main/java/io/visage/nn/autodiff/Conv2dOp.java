package io.visage.nn.autodiff;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

/**
 * The kernels behind {@link Ops#conv2d}: im2col with one strided copy per kernel tap over a chunk
 * of batch items, then one GEMM {@code W[Cout, Cin·kH·kW] · cols[Cin·kH·kW, n·Hout·Wout]} per
 * chunk. Chunks hold as many batch items as fit in the column budget (at least one), so the column
 * buffer stays bounded whatever the batch. The backward is the same im2col for the weight gradient
 * and col2im (one strided add per tap) for the input gradient.
 */
final class Conv2dOp {
    private Conv2dOp() {}

    /** Batch items per chunk: as many as keep the column buffer under {@code budget} elements. */
    private static int chunk(Conv2dGeometry g, long budget) {
        long per = g.columnRows() * g.outputPositions();
        return (int) Math.max(1, Math.min(g.batch(), budget / Math.max(1, per)));
    }

    /** x zero-padded to [B, C, H + 2·padH, W + 2·padW] (x itself without padding). */
    private static INDArray pad(INDArray x, Conv2dGeometry g) {
        if (g.padH() == 0 && g.padW() == 0) {
            return x;
        }
        INDArray p = Nd4j.create(x.dataType(), g.batch(), g.cin(), g.paddedH(), g.paddedW());
        p.get(all(), all(), interval(g.padH(), g.padH() + g.h()), interval(g.padW(), g.padW() + g.w()))
                .assign(x);
        return p;
    }

    /** Batch items [b0, b0 + n) of a [B, C, H, W] array as a [C, n, H, W] view. */
    private static INDArray channelsFirst(INDArray a, int b0, int n) {
        return a.get(interval(b0, b0 + n), all(), all(), all()).permute(1, 0, 2, 3);
    }

    /** cols[c, i, j, b, y, x] = xpad[b0 + b, c, y·sH + i, x·sW + j], as [Cin·kH·kW, n·Hout·Wout]. */
    private static INDArray im2col(INDArray xpad, Conv2dGeometry g, int b0, int n) {
        INDArray cols = Nd4j.create(xpad.dataType(), g.cin(), g.kh(), g.kw(), n, g.hout(), g.wout());
        INDArray src = channelsFirst(xpad, b0, n);
        for (int i = 0; i < g.kh(); i++) {
            for (int j = 0; j < g.kw(); j++) {
                cols.get(all(), point(i), point(j), all(), all(), all())
                        .assign(src.get(
                                all(),
                                all(),
                                Conv.steps(i, g.strideH(), g.hout()),
                                Conv.steps(j, g.strideW(), g.wout())));
            }
        }
        return cols.reshape('c', g.columnRows(), (long) n * g.outputPositions());
    }

    /** gxpad[b0 + b, c, y·sH + i, x·sW + j] += dcols[c, i, j, b, y, x]. */
    private static void col2im(INDArray dcols, INDArray gxpad, Conv2dGeometry g, int b0, int n) {
        INDArray d = dcols.reshape('c', g.cin(), g.kh(), g.kw(), n, g.hout(), g.wout());
        INDArray dst = channelsFirst(gxpad, b0, n);
        for (int i = 0; i < g.kh(); i++) {
            for (int j = 0; j < g.kw(); j++) {
                dst.get(all(), all(), Conv.steps(i, g.strideH(), g.hout()), Conv.steps(j, g.strideW(), g.wout()))
                        .addi(d.get(all(), point(i), point(j), all(), all(), all()));
            }
        }
    }

    private static void close(INDArray... arrays) {
        Arrays2.close(arrays);
    }

    /**
     * @param x [B, Cin, H, W]; @param w [Cout, Cin, kH, kW]; @param bias [Cout] or null
     * @return [B, Cout, Hout, Wout]
     */
    static INDArray forward(INDArray x, INDArray w, INDArray bias, Conv2dGeometry g, long budget) {
        INDArray out = Nd4j.create(x.dataType(), g.batch(), g.cout(), g.hout(), g.wout());
        if (g.batch() == 0) {
            return out;
        }
        INDArray xpad = pad(x, g);
        INDArray w2 = w.reshape('c', g.cout(), g.columnRows());
        int step = chunk(g, budget);
        for (int b0 = 0; b0 < g.batch(); b0 += step) {
            int n = Math.min(step, g.batch() - b0);
            INDArray cols = im2col(xpad, g, b0, n);
            INDArray prod = Ops.mm(w2, cols, false, false); // [Cout, n·Hout·Wout]
            out.get(interval(b0, b0 + n), all(), all(), all())
                    .assign(prod.reshape('c', g.cout(), n, g.hout(), g.wout()).permute(1, 0, 2, 3));
            close(prod, cols);
        }
        if (xpad != x) {
            xpad.close();
        }
        if (bias != null) {
            out.addi(bias.reshape(1, g.cout(), 1, 1));
        }
        return out;
    }

    /**
     * The vector-Jacobian products of {@link #forward}.
     *
     * @param gy [B, Cout, Hout, Wout]
     * @return {dL/dx [B, Cin, H, W], dL/dw [Cout, Cin, kH, kW], dL/dbias [Cout]}, null where not needed
     */
    static INDArray[] backward(
            INDArray x,
            INDArray w,
            INDArray gy,
            Conv2dGeometry g,
            boolean needX,
            boolean needW,
            boolean needB,
            long budget) {
        INDArray gx = null;
        INDArray gw = null;
        if ((needX || needW) && g.batch() > 0) {
            INDArray xpad = needW ? pad(x, g) : null;
            INDArray gxpad = needX ? Nd4j.create(x.dataType(), g.batch(), g.cin(), g.paddedH(), g.paddedW()) : null;
            INDArray w2 = w.reshape('c', g.cout(), g.columnRows());
            INDArray gw2 = needW ? Nd4j.create(w.dataType(), g.cout(), g.columnRows()) : null;
            int step = chunk(g, budget);
            for (int b0 = 0; b0 < g.batch(); b0 += step) {
                int n = Math.min(step, g.batch() - b0);
                INDArray gyc = channelsFirst(gy, b0, n).dup('c').reshape('c', g.cout(), (long) n * g.outputPositions());
                if (needW) {
                    INDArray cols = im2col(xpad, g, b0, n);
                    Nd4j.gemm(gyc, cols, gw2, false, true, 1.0, 1.0);
                    close(cols);
                }
                if (needX) {
                    INDArray dcols = Ops.mm(w2, gyc, true, false); // [Cin·kH·kW, n·Hout·Wout]
                    col2im(dcols, gxpad, g, b0, n);
                    close(dcols);
                }
                close(gyc);
            }
            if (needW) {
                gw = gw2.reshape('c', g.cout(), g.cin(), g.kh(), g.kw());
            }
            if (needX) {
                gx = g.padH() == 0 && g.padW() == 0
                        ? gxpad
                        : gxpad.get(
                                        all(),
                                        all(),
                                        interval(g.padH(), g.padH() + g.h()),
                                        interval(g.padW(), g.padW() + g.w()))
                                .dup('c');
                if (gx != gxpad) {
                    gxpad.close();
                }
            }
            if (xpad != null && xpad != x) {
                xpad.close();
            }
        } else {
            gx = needX ? x.ulike().assign(0) : null;
            gw = needW ? w.ulike().assign(0) : null;
        }
        INDArray gb = needB ? gy.sum(0, 2, 3) : null;
        return new INDArray[] {gx, gw, gb};
    }
}
