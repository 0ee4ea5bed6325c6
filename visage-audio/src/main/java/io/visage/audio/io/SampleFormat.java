package io.visage.audio.io;

/** How one sample is stored in a WAV data chunk. */
public enum SampleFormat {
    /** Signed 16-bit little-endian integer PCM. */
    PCM_16(16, false),
    /** Signed 24-bit little-endian integer PCM (3 bytes). */
    PCM_24(24, false),
    /** Signed 32-bit little-endian integer PCM. */
    PCM_32(32, false),
    /** IEEE-754 32-bit float, little-endian. */
    FLOAT_32(32, true);

    private final int bits;
    private final boolean floating;

    SampleFormat(int bits, boolean floating) {
        this.bits = bits;
        this.floating = floating;
    }

    /** Bits per sample as stored (container size equals valid bits for every format here). */
    public int bits() {
        return bits;
    }

    /** Bytes per sample. */
    public int bytes() {
        return bits / 8;
    }

    /** True for IEEE float samples, false for integer PCM. */
    public boolean isFloat() {
        return floating;
    }

    /** The WAVE format tag of this encoding: 1 (PCM) or 3 (IEEE float). */
    int formatTag() {
        return floating ? 3 : 1;
    }

    /** The scale between the integer range and [-1, 1): {@code 2^(bits-1)}; 1 for float. */
    double fullScale() {
        return floating ? 1.0 : (double) (1L << (bits - 1));
    }
}
