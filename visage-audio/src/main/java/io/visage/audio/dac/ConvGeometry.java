package io.visage.audio.dac;

import io.visage.nn.ShapeMismatchException;
import io.visage.nn.layers.Conv1d;
import io.visage.nn.layers.ConvTranspose1d;

/**
 * The sizes of one convolution or transposed convolution (PyTorch semantics), taken from its module
 * once. The only place the codec computes a convolution's output length; {@link DacLayerPlan} and
 * {@link TapConv} both read it.
 *
 * @param transposed    true for {@code conv_transpose1d}
 * @param in            input channels
 * @param out           output channels
 * @param kernel        kernel size K
 * @param outputPadding extra output samples of a transposed convolution (0 otherwise)
 */
record ConvGeometry(
        boolean transposed,
        int in,
        int out,
        int kernel,
        int stride,
        int padding,
        int outputPadding,
        int dilation,
        int groups) {

    ConvGeometry {
        if (in < 1
                || out < 1
                || kernel < 1
                || stride < 1
                || dilation < 1
                || groups < 1
                || padding < 0
                || outputPadding < 0
                || (!transposed && outputPadding != 0)) {
            throw new IllegalArgumentException("convolution sizes out of range: " + describe(in, out, kernel, stride)
                    + ", padding " + padding + ", output_padding " + outputPadding + ", dilation " + dilation
                    + ", groups " + groups);
        }
    }

    static ConvGeometry of(Conv1d c) {
        return new ConvGeometry(
                false,
                c.inChannels(),
                c.outChannels(),
                c.kernelSize(),
                c.stride(),
                c.padding(),
                0,
                c.dilation(),
                c.groups());
    }

    static ConvGeometry of(ConvTranspose1d c) {
        return new ConvGeometry(
                true,
                c.inChannels(),
                c.outChannels(),
                c.kernelSize(),
                c.stride(),
                c.padding(),
                c.outputPadding(),
                c.dilation(),
                c.groups());
    }

    /**
     * Output length for an input of {@code length} samples.
     *
     * @param where the module path, for the message
     * @throws ShapeMismatchException when the input is too short to give one output sample
     */
    int outputLength(String where, long length) {
        long span = (long) dilation * (kernel - 1);
        if (transposed) {
            long n = (length - 1) * stride - 2L * padding + span + outputPadding + 1;
            if (length < 1 || n < 1) {
                throw new ShapeMismatchException(where + ": input of " + length + " samples gives " + n
                        + " output samples for " + this + " (expected at least 1)");
            }
            return Math.toIntExact(n);
        }
        long reach = Math.max(1, span + 1 - 2L * padding);
        if (length < reach) {
            throw new ShapeMismatchException(where + ": input of " + length + " samples is too short for " + this
                    + " (expected at least " + reach + " samples)");
        }
        return Math.toIntExact((length + 2L * padding - span - 1) / stride + 1);
    }

    /**
     * The k for which every input length T gives exactly k·T output samples, or 0 when there is none:
     * 1 for a stride-1 convolution that keeps the length (2·padding = dilation·(K − 1)), the stride
     * for a transposed convolution with dilation·(K − 1) + outputPadding + 1 = stride + 2·padding.
     */
    int exactScale() {
        if (transposed) {
            return (long) dilation * (kernel - 1) + outputPadding + 1 == stride + 2L * padding ? stride : 0;
        }
        return stride == 1 && 2L * padding == (long) dilation * (kernel - 1) ? 1 : 0;
    }

    /** Output samples per input sample on average: the stride, or 1 / stride for a convolution. */
    double scale() {
        return transposed ? stride : 1.0 / stride;
    }

    /**
     * An upper bound on how many input samples on either side of an output sample's position can reach
     * it: max(padding, dilation·(K − 1) − padding) for a convolution, K / stride for a transposed one.
     */
    double halfWidth() {
        return transposed ? (double) kernel / stride : Math.max(padding, (long) dilation * (kernel - 1) - padding);
    }

    @Override
    public String toString() {
        return (transposed ? "conv_transpose1d " : "conv1d ") + describe(in, out, kernel, stride) + ", padding "
                + padding + (transposed ? ", output_padding " + outputPadding : "") + ", dilation " + dilation
                + (groups == 1 ? "" : ", groups " + groups);
    }

    private static String describe(int in, int out, int kernel, int stride) {
        return in + " -> " + out + " channels, kernel " + kernel + ", stride " + stride;
    }
}
