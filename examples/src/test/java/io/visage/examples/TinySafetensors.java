package io.visage.examples;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a small safetensors file by hand (spec layout), so tests do not depend on the reader under test. */
final class TinySafetensors {
    private TinySafetensors() {}

    /**
     * Three tensors: {@code encoder.weight} F32 [2, 3] = 0..5, {@code encoder.positions} I64 [4] =
     * 10..13, {@code scale} F32 [] = 0.5; plus a {@code __metadata__} entry.
     */
    static Path write(Path file) throws IOException {
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"encoder.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                + "\"encoder.positions\":{\"dtype\":\"I64\",\"shape\":[4],\"data_offsets\":[24,56]},"
                + "\"scale\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[56,60]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded + 60).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded);
        b.put(h);
        for (int i = h.length; i < padded; i++) {
            b.put((byte) ' ');
        }
        for (int i = 0; i < 6; i++) {
            b.putFloat(i);
        }
        for (int i = 0; i < 4; i++) {
            b.putLong(10 + i);
        }
        b.putFloat(0.5f);
        Files.write(file, b.array());
        return file;
    }
}
