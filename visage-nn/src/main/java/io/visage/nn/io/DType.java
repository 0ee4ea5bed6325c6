package io.visage.nn.io;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * Element types that tensor files may hold, with their on-disk names in each format. Anything
 * else found in a file is rejected by the readers with a {@link io.visage.nn.CheckpointFormatException}.
 */
public enum DType {
    F16(2, "F16", "<f2", "HalfStorage", DataType.HALF),
    BF16(2, "BF16", null, "BFloat16Storage", DataType.BFLOAT16),
    F32(4, "F32", "<f4", "FloatStorage", DataType.FLOAT),
    F64(8, "F64", "<f8", "DoubleStorage", DataType.DOUBLE),
    I8(1, "I8", "|i1", "CharStorage", DataType.BYTE),
    U8(1, "U8", "|u1", "ByteStorage", DataType.UBYTE),
    I16(2, "I16", "<i2", "ShortStorage", DataType.SHORT),
    I32(4, "I32", "<i4", "IntStorage", DataType.INT),
    I64(8, "I64", "<i8", "LongStorage", DataType.LONG),
    BOOL(1, "BOOL", "|b1", "BoolStorage", DataType.BOOL);

    private final int bytes;
    private final String safetensorsName;
    private final String numpyDescr;
    private final String torchStorage;
    private final DataType nd4j;

    DType(int bytes, String safetensorsName, String numpyDescr, String torchStorage, DataType nd4j) {
        this.bytes = bytes;
        this.safetensorsName = safetensorsName;
        this.numpyDescr = numpyDescr;
        this.torchStorage = torchStorage;
        this.nd4j = nd4j;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }

    /** The dtype string of the safetensors header ({@code "F32"}). */
    public String safetensorsName() {
        return safetensorsName;
    }

    /** The little-endian numpy {@code descr} ({@code "<f4"}), or null where numpy has none. */
    public String numpyDescr() {
        return numpyDescr;
    }

    /** The torch storage class name ({@code "FloatStorage"}). */
    public String torchStorage() {
        return torchStorage;
    }

    /** The ND4J data type arrays of this dtype are loaded as. */
    public DataType nd4j() {
        return nd4j;
    }

    public boolean isFloatingPoint() {
        return this == F16 || this == BF16 || this == F32 || this == F64;
    }

    /** The dtype of an ND4J array, or an exception for ND4J types no tensor file format here holds. */
    public static DType of(DataType t) {
        for (DType d : values()) {
            if (d.nd4j == t) {
                return d;
            }
        }
        throw new IllegalArgumentException("no tensor-file dtype for ND4J type " + t);
    }

    /** Looks up a safetensors dtype name; null when unknown. */
    public static DType fromSafetensors(String name) {
        for (DType d : values()) {
            if (d.safetensorsName.equals(name)) {
                return d;
            }
        }
        return null;
    }
}
