package io.visage.nn.autodiff;

import java.nio.ByteBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The kernels behind {@link Ops#conv2d}: im2col as bulk copies between the host buffers of the
 * input and the column matrix (one per output row and kernel tap at stride 1) over a chunk of batch
 * items, then
 * one GEMM {@code W[Cout, Cin·kH·kW] · cols[Cin·kH·kW, n·Hout·Wout]} per chunk, the bias entering
 * as the GEMM's initial value. Chunks hold as many batch items as keep the column buffer under
 * the budget (at least one). The backward is the same im2col for the weight gradient and col2im
 * (a scatter-add, in float64) for the input gradient. Zero padding is never materialised.
 */
final class Conv2dOp {
    private Conv2dOp() {}

    /** Batch items per chunk: as many as keep the column buffer under {@code budget} elements. */
    private static int chunk(Conv2dGeometry g, long budget) {
        long per = g.columnRows() * g.outputPositions();
        return (int) Math.max(1, Math.min(g.batch(), budget / Math.max(1, per)));
    }

    /** First output column {@code ox} whose input column {@code ox·s + j − p} is ≥ 0. */
    private static int firstInside(int j, int stride, int pad) {
        int need = pad - j;
        return need <= 0 ? 0 : (need + stride - 1) / stride;
    }

    /** One past the last output column whose input column is < {@code w}. */
    private static int endInside(int j, int stride, int pad, int w, int wout) {
        int last = w - 1 + pad - j;
        return last < 0 ? 0 : Math.min(wout, last / stride + 1);
    }

    /**
     * cols[(c·kH + i)·kW + j, b·Hout·Wout + y·Wout + x] = x[b0 + b, c, y·sH + i − pH, x·sW + j − pW]
     * (left as is, zero in a fresh array, outside the input), copied byte-wise between the two
     * arrays' host buffers: one bulk copy per output row and tap at stride 1.
     *
     * @param x    c-order [B, Cin, H, W] (see {@link HostArrays#cOrder})
     * @param cols c-order [Cin·kH·kW, n·Hout·Wout], same dtype, zero-filled
     */
    static void im2col(INDArray x, INDArray cols, Conv2dGeometry g, int b0, int n) {
        ByteBuffer src = HostArrays.bytes(x);
        ByteBuffer dst = HostArrays.bytes(cols);
        int es = HostArrays.elementSize(x);
        int x0ff = HostArrays.byteOffset(x);
        int c0ff = HostArrays.byteOffset(cols);
        int hw = (int) g.outputPositions();
        int width = n * hw;
        int h = g.h();
        int w = g.w();
        for (int c = 0; c < g.cin(); c++) {
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++) {
                    int row = ((c * g.kh() + i) * g.kw() + j) * width;
                    int x0 = firstInside(j, g.strideW(), g.padW());
                    int x1 = endInside(j, g.strideW(), g.padW(), w, g.wout());
                    if (x1 <= x0) {
                        continue;
                    }
                    for (int b = 0; b < n; b++) {
                        int plane = ((b0 + b) * g.cin() + c) * h * w;
                        for (int oy = 0; oy < g.hout(); oy++) {
                            int iy = oy * g.strideH() + i - g.padH();
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            int to = row + b * hw + oy * g.wout();
                            int from = plane + iy * w + j - g.padW();
                            if (g.strideW() == 1) {
                                dst.put(c0ff + (to + x0) * es, src, x0ff + (from + x0) * es, (x1 - x0) * es);
                            } else {
                                for (int ox = x0; ox < x1; ox++) {
                                    dst.put(c0ff + (to + ox) * es, src, x0ff + (from + ox * g.strideW()) * es, es);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Moves [A, n, L] blocks to [n, A, L] (or back with {@code toBatchMajor} false), copying runs of
     * L elements from batch items [b0, b0 + n) of a [B, A, L] array.
     *
     * @param grouped    c-order [A, n·L]
     * @param batchMajor c-order [B, A, L]
     */
    static void regroup(INDArray grouped, INDArray batchMajor, int a, int b0, int n, int len, boolean toBatchMajor) {
        ByteBuffer gb = HostArrays.bytes(grouped);
        ByteBuffer bb = HostArrays.bytes(batchMajor);
        int es = HostArrays.elementSize(grouped);
        int g0 = HostArrays.byteOffset(grouped);
        int m0 = HostArrays.byteOffset(batchMajor);
        for (int k = 0; k < a; k++) {
            for (int b = 0; b < n; b++) {
                int gAt = g0 + (k * n + b) * len * es;
                int bAt = m0 + ((b0 + b) * a + k) * len * es;
                if (toBatchMajor) {
                    bb.put(bAt, gb, gAt, len * es);
                } else {
                    gb.put(gAt, bb, bAt, len * es);
                }
            }
        }
    }

    /** gx[b0 + b, c, y·sH + i − pH, x·sW + j − pW] += dcols[(c·kH + i)·kW + j, b·Hout·Wout + y·Wout + x] inside the input. */
    static void col2im(double[] dcols, double[] gx, Conv2dGeometry g, int b0, int n) {
        int hw = (int) g.outputPositions();
        int cols = n * hw;
        int h = g.h();
        int w = g.w();
        for (int c = 0; c < g.cin(); c++) {
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++) {
                    int row = ((c * g.kh() + i) * g.kw() + j) * cols;
                    int x0 = firstInside(j, g.strideW(), g.padW());
                    int x1 = endInside(j, g.strideW(), g.padW(), w, g.wout());
                    for (int b = 0; b < n; b++) {
                        int plane = ((b0 + b) * g.cin() + c) * h * w;
                        for (int oy = 0; oy < g.hout(); oy++) {
                            int iy = oy * g.strideH() + i - g.padH();
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            int src = row + b * hw + oy * g.wout();
                            int dst = plane + iy * w + j - g.padW();
                            for (int ox = x0; ox < x1; ox++) {
                                gx[dst + ox * g.strideW()] += dcols[src + ox];
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * @param x [B, Cin, H, W]; @param w [Cout, Cin, kH, kW]; @param bias [Cout] or null (FLOAT or DOUBLE, one type)
     * @return [B, Cout, Hout, Wout]
     */
    static INDArray forward(INDArray x, INDArray w, INDArray bias, Conv2dGeometry g, long budget) {
        HostArrays.requireFloating("conv2d", x.dataType());
        long[] outShape = {g.batch(), g.cout(), g.hout(), g.wout()};
        if (g.batch() == 0) {
            return Nd4j.create(x.dataType(), outShape);
        }
        INDArray xc = HostArrays.cOrder(x);
        INDArray w2 = w.reshape('c', g.cout(), g.columnRows());
        INDArray w2c = w2.isView() ? w2.dup('c') : w2;
        int hw = (int) g.outputPositions();
        INDArray out = Nd4j.createUninitialized(x.dataType(), outShape);
        int step = chunk(g, budget);
        for (int b0 = 0; b0 < g.batch(); b0 += step) {
            int n = Math.min(step, g.batch() - b0);
            INDArray cols = Nd4j.create(x.dataType(), g.columnRows(), (long) n * hw);
            im2col(xc, cols, g, b0, n);
            INDArray prod = Nd4j.create(x.dataType(), g.cout(), (long) n * hw);
            if (bias != null) {
                prod.addiColumnVector(bias.reshape(g.cout(), 1));
            }
            Nd4j.gemm(w2c, cols, prod, false, false, 1.0, 1.0);
            regroup(prod, out, g.cout(), b0, n, hw, true);
            cols.close();
            prod.close();
        }
        if (w2c != w2) {
            w2c.close();
        }
        if (xc != x) {
            xc.close();
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
            INDArray xc = needW ? HostArrays.cOrder(x) : null;
            INDArray gyc = HostArrays.cOrder(gy);
            double[] gxv = needX ? new double[Math.toIntExact(x.length())] : null;
            INDArray w2 = w.reshape('c', g.cout(), g.columnRows()).dup('c');
            INDArray gw2 = needW ? Nd4j.create(w.dataType(), g.cout(), g.columnRows()) : null;
            int hw = (int) g.outputPositions();
            int step = chunk(g, budget);
            for (int b0 = 0; b0 < g.batch(); b0 += step) {
                int n = Math.min(step, g.batch() - b0);
                INDArray gy2 = Nd4j.createUninitialized(gy.dataType(), g.cout(), (long) n * hw);
                regroup(gy2, gyc, g.cout(), b0, n, hw, false); // gy[b0:b0+n] as [Cout, n·Hout·Wout]
                if (needW) {
                    INDArray cols = Nd4j.create(x.dataType(), g.columnRows(), (long) n * hw);
                    im2col(xc, cols, g, b0, n);
                    Nd4j.gemm(gy2, cols, gw2, false, true, 1.0, 1.0);
                    cols.close();
                }
                if (needX) {
                    INDArray dcols = Nd4j.gemm(w2, gy2, true, false); // [Cin·kH·kW, n·Hout·Wout]
                    col2im(HostArrays.readDoubles(dcols), gxv, g, b0, n);
                    dcols.close();
                }
                gy2.close();
            }
            w2.close();
            if (xc != null && xc != x) {
                xc.close();
            }
            if (gyc != gy) {
                gyc.close();
            }
            if (needW) {
                gw = gw2.reshape('c', g.cout(), g.cin(), g.kh(), g.kw());
            }
            if (needX) {
                gx = HostArrays.create(gxv, x.shape(), x.dataType());
            }
        } else {
            gx = needX ? x.ulike().assign(0) : null;
            gw = needW ? w.ulike().assign(0) : null;
        }
        INDArray gb = needB ? gy.sum(0, 2, 3) : null;
        return new INDArray[] {gx, gw, gb};
    }
}
