package io.visage.nn.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A dense layer's weight {@code [out, in]} converted once to {@link WeightFormat#BF16} or
 * {@link WeightFormat#INT8}, in a direct little-endian buffer, row after row ({@code in} elements of
 * {@code bytesPerWeight} each, rows padded to a multiple of 32 bytes so vector loads stay aligned
 * within a row), plus one float scale per row for INT8.
 *
 * @param format   BF16 or INT8
 * @param rows     out
 * @param cols     in
 * @param rowBytes bytes from one row to the next
 * @param data     the packed rows
 * @param scales   INT8: {@code scale[o]}; BF16: null
 */
record PackedWeights(WeightFormat format, int rows, int cols, int rowBytes, ByteBuffer data, float[] scales) {

    /** Converts a float32 row-major matrix read through {@code w}. */
    static PackedWeights pack(DirectFloats w, WeightFormat format) {
        if (format == WeightFormat.FP32) {
            throw new IllegalArgumentException("FP32 weights are read in place, not packed");
        }
        int rows = w.rows();
        int cols = w.cols();
        int rowBytes = (cols * format.bytesPerWeight() + 31) / 32 * 32;
        long total = (long) rows * rowBytes;
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("packed weight [" + rows + ", " + cols + "] exceeds 2 GiB");
        }
        ByteBuffer data = ByteBuffer.allocateDirect((int) total).order(ByteOrder.LITTLE_ENDIAN);
        java.nio.FloatBuffer src =
                w.bytes().duplicate().clear().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        java.nio.ShortBuffer halvesOut = data.asShortBuffer();
        float[] scales = format == WeightFormat.INT8 ? new float[rows] : null;
        float[] row = new float[cols];
        short[] halves = format == WeightFormat.BF16 ? new short[cols] : null;
        byte[] bytes = format == WeightFormat.INT8 ? new byte[cols] : null;
        for (int o = 0; o < rows; o++) {
            src.get(w.rowByte(o) / 4, row); // bulk reads (the float offset of a row is whole: rows are 4-byte aligned)
            int d = o * rowBytes;
            if (format == WeightFormat.BF16) {
                for (int k = 0; k < cols; k++) {
                    halves[k] = WeightFormat.toBf16(row[k]);
                }
                halvesOut.put(d / 2, halves);
            } else {
                float max = 0f;
                for (int k = 0; k < cols; k++) {
                    max = Math.max(max, Math.abs(row[k]));
                }
                float scale = max / 127f;
                scales[o] = scale;
                for (int k = 0; k < cols; k++) {
                    int q = scale == 0f ? 0 : Math.round(row[k] / scale);
                    bytes[k] = (byte) Math.max(-127, Math.min(127, q));
                }
                data.put(d, bytes);
            }
        }
        return new PackedWeights(format, rows, cols, rowBytes, data, scales);
    }

    /** Byte index of row {@code o}. */
    int rowByte(int o) {
        return o * rowBytes;
    }

    /** The stored weight {@code [o, k]} as float32 (what the kernels multiply with). */
    float get(int o, int k) {
        if (format == WeightFormat.BF16) {
            return WeightFormat.fromBf16(data.getShort(rowByte(o) + 2 * k));
        }
        return scales[o] * data.get(rowByte(o) + k);
    }

    /** Bytes one product streams: packed rows and scales. */
    long bytes() {
        return (long) rows * cols * format.bytesPerWeight() + (scales == null ? 0 : 4L * rows);
    }
}
