package io.visage.nn.autodiff;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The kernels behind {@link Ops#conv2d}: im2col with plain Java copies (one {@link
 * System#arraycopy} per output row and kernel tap at stride 1) over a chunk of batch items, then
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
     * (zero outside the input).
     *
     * @param x c-order [B, Cin, H, W] values, {@code float[]} or {@code double[]}
     * @return [Cin·kH·kW, n·Hout·Wout] row-major, same element type
     */
    static Object im2col(Object x, Conv2dGeometry g, int b0, int n) {
        int hw = (int) g.outputPositions();
        int cols = n * hw;
        Object out = x instanceof double[] ? new double[Math.toIntExact(g.columnRows() * cols)] : null;
        if (out == null) {
            out = new float[Math.toIntExact(g.columnRows() * cols)];
        }
        int h = g.h();
        int w = g.w();
        for (int c = 0; c < g.cin(); c++) {
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++) {
                    int row = ((c * g.kh() + i) * g.kw() + j) * cols;
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
                            int dst = row + b * hw + oy * g.wout();
                            int src = plane + iy * w + j - g.padW();
                            if (g.strideW() == 1) {
                                System.arraycopy(x, src + x0, out, dst + x0, x1 - x0);
                            } else {
                                for (int ox = x0; ox < x1; ox++) {
                                    System.arraycopy(x, src + ox * g.strideW(), out, dst + ox, 1);
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
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
        Object xv = HostArrays.read(x);
        INDArray w2 = w.reshape('c', g.cout(), g.columnRows());
        INDArray w2c = w2.isView() ? w2.dup('c') : w2;
        int hw = (int) g.outputPositions();
        Object out = HostArrays.allocate(x.dataType(), Math.toIntExact((long) g.batch() * g.cout() * hw));
        int step = chunk(g, budget);
        for (int b0 = 0; b0 < g.batch(); b0 += step) {
            int n = Math.min(step, g.batch() - b0);
            INDArray cols = HostArrays.create(im2col(xv, g, b0, n), new long[] {g.columnRows(), (long) n * hw});
            INDArray prod = Nd4j.create(x.dataType(), g.cout(), (long) n * hw);
            if (bias != null) {
                prod.addiColumnVector(bias.reshape(g.cout(), 1));
            }
            Nd4j.gemm(w2c, cols, prod, false, false, 1.0, 1.0);
            Object pv = HostArrays.read(prod);
            // [Cout, n, Hout·Wout] -> [n, Cout, Hout·Wout]
            for (int o = 0; o < g.cout(); o++) {
                for (int b = 0; b < n; b++) {
                    System.arraycopy(pv, (o * n + b) * hw, out, ((b0 + b) * g.cout() + o) * hw, hw);
                }
            }
            cols.close();
            prod.close();
        }
        if (w2c != w2) {
            w2c.close();
        }
        return HostArrays.create(out, outShape);
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
            Object xv = needW ? HostArrays.read(x) : null;
            Object gyv = HostArrays.read(gy);
            double[] gxv = needX ? new double[Math.toIntExact(x.length())] : null;
            INDArray w2 = w.reshape('c', g.cout(), g.columnRows()).dup('c');
            INDArray gw2 = needW ? Nd4j.create(w.dataType(), g.cout(), g.columnRows()) : null;
            int hw = (int) g.outputPositions();
            int step = chunk(g, budget);
            for (int b0 = 0; b0 < g.batch(); b0 += step) {
                int n = Math.min(step, g.batch() - b0);
                // gy[b0:b0+n] as [Cout, n·Hout·Wout]
                Object gyc = HostArrays.allocate(gy.dataType(), g.cout() * n * hw);
                for (int o = 0; o < g.cout(); o++) {
                    for (int b = 0; b < n; b++) {
                        System.arraycopy(gyv, ((b0 + b) * g.cout() + o) * hw, gyc, (o * n + b) * hw, hw);
                    }
                }
                INDArray gy2 = HostArrays.create(gyc, new long[] {g.cout(), (long) n * hw});
                if (needW) {
                    INDArray cols = HostArrays.create(im2col(xv, g, b0, n), new long[] {g.columnRows(), (long) n * hw});
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
