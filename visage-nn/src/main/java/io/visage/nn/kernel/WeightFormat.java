package io.visage.nn.kernel;

import java.util.Locale;

/**
 * How the decode kernels store a dense layer's weight. The products always accumulate in float32;
 * only the stored weight changes.
 * <ul>
 *   <li>{@link #FP32}: the model's own float32 array, read in place (the reference's numerics).</li>
 *   <li>{@link #BF16}: bfloat16, converted once (round to nearest even), half the bytes; a weight
 *       keeps 8 significant bits.</li>
 *   <li>{@link #INT8}: symmetric int8 per output row, {@code w ≈ scale[o] · q}, {@code q ∈ [−127, 127]},
 *       {@code scale[o] = max|W[o, :]| / 127}; a quarter of the bytes plus one float per row.</li>
 * </ul>
 */
public enum WeightFormat {
    FP32(4),
    BF16(2),
    INT8(1);

    private final int bytesPerWeight;

    WeightFormat(int bytesPerWeight) {
        this.bytesPerWeight = bytesPerWeight;
    }

    /** Stored bytes per weight element (scales and bias not counted). */
    public int bytesPerWeight() {
        return bytesPerWeight;
    }

    /** The format named {@code fp32}, {@code bf16} or {@code int8} (any case). */
    public static WeightFormat parse(String name) {
        for (WeightFormat f : values()) {
            if (f.name().equalsIgnoreCase(name.trim())) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown weight format '" + name + "'; choose fp32, bf16 or int8");
    }

    /** Lower-case name, as on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** float32 → bfloat16 bits, rounding to nearest even (as PyTorch's {@code .to(torch.bfloat16)}); NaN stays NaN. */
    public static short toBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    /** bfloat16 bits → float32 (exact). */
    public static float fromBf16(short b) {
        return Float.intBitsToFloat((b & 0xFFFF) << 16);
    }
}
