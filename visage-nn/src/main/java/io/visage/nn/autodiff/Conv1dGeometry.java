package io.visage.nn.autodiff;

import io.visage.nn.ShapeMismatchException;
import java.util.Arrays;

/**
 * Validated sizes of a 1-D (transposed) convolution, PyTorch semantics.
 *
 * @param batch B; @param cin input channels; @param tin input length; @param cout output channels
 * @param kernel K; @param tout output length; @param transposed true for conv_transpose1d
 */
record Conv1dGeometry(
        int batch,
        int cin,
        int tin,
        int cout,
        int kernel,
        int stride,
        int padding,
        int dilation,
        int groups,
        int outputPadding,
        int tout,
        boolean transposed) {

    static Conv1dGeometry conv(long[] x, long[] w, int stride, int padding, int dilation, int groups) {
        check(x, w, stride, padding, dilation, groups, "conv1d");
        int cin = (int) x[1];
        if (w[1] * groups != cin || w[0] % groups != 0) {
            throw new ShapeMismatchException(
                    "conv1d: weight " + Arrays.toString(w) + " [Cout, Cin/groups, K] does not fit input "
                            + Arrays.toString(x) + " [B, Cin, T] with groups=" + groups);
        }
        long tout = (x[2] + 2L * padding - (long) dilation * (w[2] - 1) - 1) / stride + 1;
        if (x[2] + 2L * padding - (long) dilation * (w[2] - 1) - 1 < 0) {
            throw new IllegalArgumentException("conv1d: input length " + x[2] + " too short for kernel " + w[2]
                    + " dilation " + dilation + " padding " + padding);
        }
        return new Conv1dGeometry(
                (int) x[0],
                cin,
                (int) x[2],
                (int) w[0],
                (int) w[2],
                stride,
                padding,
                dilation,
                groups,
                0,
                (int) tout,
                false);
    }

    static Conv1dGeometry transposed(
            long[] x, long[] w, int stride, int padding, int outputPadding, int dilation, int groups) {
        check(x, w, stride, padding, dilation, groups, "conv_transpose1d");
        int cin = (int) x[1];
        if (w[0] != cin || cin % groups != 0) {
            throw new ShapeMismatchException("conv_transpose1d: weight " + Arrays.toString(w)
                    + " [Cin, Cout/groups, K] does not fit input " + Arrays.toString(x) + " [B, Cin, T] with groups="
                    + groups);
        }
        if (outputPadding < 0 || (outputPadding >= stride && outputPadding >= dilation)) {
            throw new IllegalArgumentException(
                    "conv_transpose1d: output_padding " + outputPadding + " must be smaller than stride or dilation");
        }
        long tout = (x[2] - 1) * stride - 2L * padding + (long) dilation * (w[2] - 1) + outputPadding + 1;
        if (tout < 1) {
            throw new IllegalArgumentException("conv_transpose1d: output length " + tout + " < 1");
        }
        return new Conv1dGeometry(
                (int) x[0],
                cin,
                (int) x[2],
                (int) (w[1] * groups),
                (int) w[2],
                stride,
                padding,
                dilation,
                groups,
                outputPadding,
                (int) tout,
                true);
    }

    private static void check(long[] x, long[] w, int stride, int padding, int dilation, int groups, String op) {
        if (x.length != 3 || w.length != 3) {
            throw new ShapeMismatchException(op + ": input must be [B, C, T] and weight rank 3, got "
                    + Arrays.toString(x) + " and " + Arrays.toString(w));
        }
        if (stride < 1 || dilation < 1 || padding < 0 || groups < 1) {
            throw new IllegalArgumentException(op + ": stride " + stride + ", dilation " + dilation + ", padding "
                    + padding + ", groups " + groups + " out of range");
        }
    }

    int cinPerGroup() {
        return cin / groups;
    }

    int coutPerGroup() {
        return cout / groups;
    }

    /** Length of the zero-extended output of a transposed conv before cropping {@code padding}. */
    int fullLength() {
        return (tin - 1) * stride + dilation * (kernel - 1) + 1 + outputPadding;
    }
}
