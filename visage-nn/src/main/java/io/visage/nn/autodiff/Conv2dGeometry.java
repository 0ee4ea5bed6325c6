package io.visage.nn.autodiff;

import io.visage.nn.ShapeMismatchException;
import java.util.Arrays;

/**
 * Validated sizes of a 2-D convolution (dilation 1, groups 1), PyTorch semantics.
 *
 * @param batch B; @param cin input channels; @param h input height H; @param w input width W
 * @param cout output channels; @param kh kernel height; @param kw kernel width
 * @param hout (H + 2·padH − kH) / strideH + 1; @param wout (W + 2·padW − kW) / strideW + 1
 */
record Conv2dGeometry(
        int batch,
        int cin,
        int h,
        int w,
        int cout,
        int kh,
        int kw,
        int strideH,
        int strideW,
        int padH,
        int padW,
        int hout,
        int wout) {

    static Conv2dGeometry of(long[] x, long[] wt, int strideH, int strideW, int padH, int padW) {
        if (x.length != 4 || wt.length != 4) {
            throw new ShapeMismatchException("conv2d: input must be [B, C, H, W] and weight [Cout, Cin, kH, kW], got "
                    + Arrays.toString(x) + " and " + Arrays.toString(wt));
        }
        if (strideH < 1 || strideW < 1 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("conv2d: stride (" + strideH + ", " + strideW + ") must be >= 1 and"
                    + " padding (" + padH + ", " + padW + ") >= 0");
        }
        if (wt[1] != x[1]) {
            throw new ShapeMismatchException("conv2d: weight " + Arrays.toString(wt) + " [Cout, Cin, kH, kW] does not"
                    + " fit input " + Arrays.toString(x) + " [B, Cin, H, W] (Cin " + wt[1] + " vs " + x[1] + ")");
        }
        long spanH = x[2] + 2L * padH - wt[2];
        long spanW = x[3] + 2L * padW - wt[3];
        if (spanH < 0 || spanW < 0) {
            throw new IllegalArgumentException("conv2d: input " + x[2] + "x" + x[3] + " with padding (" + padH + ", "
                    + padW + ") is smaller than the kernel " + wt[2] + "x" + wt[3]);
        }
        return new Conv2dGeometry(
                (int) x[0],
                (int) x[1],
                (int) x[2],
                (int) x[3],
                (int) wt[0],
                (int) wt[2],
                (int) wt[3],
                strideH,
                strideW,
                padH,
                padW,
                (int) (spanH / strideH + 1),
                (int) (spanW / strideW + 1));
    }

    /** Rows of the column matrix: Cin·kH·kW. */
    long columnRows() {
        return (long) cin * kh * kw;
    }

    /** Output positions per batch item: Hout·Wout. */
    long outputPositions() {
        return (long) hout * wout;
    }

    int paddedH() {
        return h + 2 * padH;
    }

    int paddedW() {
        return w + 2 * padW;
    }
}
