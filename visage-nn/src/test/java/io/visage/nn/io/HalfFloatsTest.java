package io.visage.nn.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class HalfFloatsTest {
    /** binary16 by its definition, in double arithmetic: (-1)^s * 2^(e-15) * (1 + m/1024), subnormals 2^-14 * m/1024. */
    private static double f16Reference(int h) {
        int s = (h >> 15) & 1;
        int e = (h >> 10) & 0x1f;
        int m = h & 0x3ff;
        double sign = s == 1 ? -1.0 : 1.0;
        if (e == 31) {
            return m == 0 ? sign * Double.POSITIVE_INFINITY : Double.NaN;
        }
        double mag = e == 0 ? Math.scalb(m / 1024.0, -14) : Math.scalb(1.0 + m / 1024.0, e - 15);
        return sign * mag;
    }

    /** bfloat16 by its definition: (-1)^s * 2^(e-127) * (1 + m/128), subnormals 2^-126 * m/128. */
    private static double bf16Reference(int h) {
        int s = (h >> 15) & 1;
        int e = (h >> 7) & 0xff;
        int m = h & 0x7f;
        double sign = s == 1 ? -1.0 : 1.0;
        if (e == 255) {
            return m == 0 ? sign * Double.POSITIVE_INFINITY : Double.NaN;
        }
        double mag = e == 0 ? Math.scalb(m / 128.0, -126) : Math.scalb(1.0 + m / 128.0, e - 127);
        return sign * mag;
    }

    @Test
    void f16ToF32_all65536Patterns_matchDefinition() {
        for (int h = 0; h < 65536; h++) {
            float actual = HalfFloats.f16ToF32((short) h);
            check("f16", h, f16Reference(h), actual, (h & 0x3ff) << 13);
        }
    }

    @Test
    void bf16ToF32_all65536Patterns_matchDefinition() {
        for (int h = 0; h < 65536; h++) {
            float actual = HalfFloats.bf16ToF32((short) h);
            check("bf16", h, bf16Reference(h), actual, (h & 0x7f) << 16);
        }
    }

    private static void check(String fmt, int h, double expected, float actual, int nanPayload) {
        boolean negative = (h & 0x8000) != 0;
        if (Double.isNaN(expected)) {
            int bits = Float.floatToRawIntBits(actual);
            if (!Float.isNaN(actual) || (bits & 0x7fffff) != nanPayload || (bits < 0) != negative) {
                fail(String.format(
                        "%s 0x%04x: expected NaN with payload 0x%x, sign %s but got bits 0x%08x",
                        fmt, h, nanPayload, negative, bits));
            }
            return;
        }
        // every value is exactly representable in float32: the double must convert without rounding
        assertEquals(expected, (double) (float) expected, () -> String.format("%s 0x%04x not float-exact", fmt, h));
        if (Float.floatToRawIntBits(actual) != Float.floatToRawIntBits((float) expected)) {
            fail(String.format(
                    "%s 0x%04x: expected %s (0x%08x) but got %s (0x%08x)",
                    fmt,
                    h,
                    (float) expected,
                    Float.floatToRawIntBits((float) expected),
                    actual,
                    Float.floatToRawIntBits(actual)));
        }
        assertEquals(negative, (Float.floatToRawIntBits(actual) & 0x80000000) != 0, "sign of zero");
    }

    @Test
    void f16ToF32_nonNaNPatterns_agreeWithNd4jHalfCast() {
        INDArray half = Nd4j.createUninitialized(DataType.FLOAT16, new long[] {65536}, 'c');
        ByteBuffer b = half.data().asNio().order(ByteOrder.LITTLE_ENDIAN);
        for (int h = 0; h < 65536; h++) {
            b.putShort(h * 2, (short) h);
        }
        float[] nd4j = half.castTo(DataType.FLOAT).toFloatVector();
        int compared = 0;
        for (int h = 0; h < 65536; h++) {
            float ours = HalfFloats.f16ToF32((short) h);
            if (Float.isNaN(ours)) {
                assertTrue(Float.isNaN(nd4j[h]), String.format("0x%04x", h));
                continue;
            }
            assertEquals(Float.floatToRawIntBits(ours), Float.floatToRawIntBits(nd4j[h]), String.format("0x%04x", h));
            compared++;
        }
        assertEquals(65536 - 2 * 1023, compared);
    }
}
