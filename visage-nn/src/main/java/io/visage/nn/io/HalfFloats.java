package io.visage.nn.io;

/**
 * Exact widening of the two 16-bit float formats to float32. Java 17 has no
 * {@code Float.float16ToFloat}; these are the project's own, checked against all 65536 bit
 * patterns in the tests. Every half and bfloat16 value, including subnormals, signed zeros,
 * infinities and NaN payloads, is representable in float32, so the conversion is lossless.
 */
public final class HalfFloats {
    private HalfFloats() {}

    /**
     * IEEE 754 binary16 (1 sign, 5 exponent, 10 mantissa bits) to float32.
     *
     * @param bits the 16 bits in the low half of the argument (the high half is ignored)
     */
    public static float f16ToF32(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            // infinity (mant == 0) or NaN; the payload moves to the top of the float mantissa,
            // so quiet/signalling and payload bits survive
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            // zero or subnormal: mant * 2^-24 is exactly representable as a normal float32
            float magnitude = mant * 0x1p-24f;
            return sign != 0 ? -magnitude : magnitude;
        }
        // normal: rebias the exponent from 15 to 127
        return Float.intBitsToFloat(sign | ((exp + (127 - 15)) << 23) | (mant << 13));
    }

    /**
     * bfloat16 (1 sign, 8 exponent, 7 mantissa bits, the upper half of a float32) to float32.
     *
     * @param bits the 16 bits in the low half of the argument (the high half is ignored)
     */
    public static float bf16ToF32(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }
}
