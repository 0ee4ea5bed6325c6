package io.visage.nn.io;

import io.visage.nn.testing.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static io.visage.nn.io.IoAssert.assertFormatError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsTest {
    @TempDir
    Path tmp;

    static Stream<String> ioSets() {
        return IoAssert.setsWith(Fixtures.root(), "io.safetensors").stream()
                .map(p -> p.getFileName().toString());
    }

    @Test
    void fixtures_haveIoFiles_discovered() {
        assertFalse(IoAssert.setsWith(Fixtures.root(), "io.safetensors").isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ioSets")
    void open_fixtureIoFile_everyTensorReadable(String set) {
        Path f = Fixtures.root().resolve(set).resolve("io.safetensors");
        try (Safetensors st = Safetensors.open(f)) {
            assertEquals(set, st.metadata().get("fixture"));
            assertFalse(st.tensors().isEmpty());
            for (TensorInfo t : st.tensors()) {
                INDArray a = st.load(t.name());
                assertEquals(t.dtype().nd4j(), a.dataType(), t.name());
                assertArrayEquals(t.shape(), a.shape(), t.name());
                int n = (int) t.numel();
                if (t.dtype().isFloatingPoint()) {
                    assertEquals(n, st.floats(t.name()).length);
                    assertEquals(n, st.doubles(t.name()).length);
                } else {
                    assertEquals(n, st.longs(t.name()).length);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("weightSets")
    void open_fixtureWeights_metadataAndContiguousOffsets(String set) {
        try (Safetensors st = Safetensors.open(Fixtures.root().resolve(set).resolve("weights.safetensors"))) {
            assertEquals("pt", st.metadata().get("format"));
            long end = 0;
            for (TensorInfo t : st.tensors()) {
                long[] o = st.dataOffsets(t.name());
                assertEquals(end, o[0], t.name());
                end = o[1];
            }
        }
    }

    static Stream<String> weightSets() {
        return IoAssert.setsWith(Fixtures.root(), "weights.safetensors").stream()
                .map(p -> p.getFileName().toString());
    }

    @Test
    void write_everyDtypeScalarsZeroSizeAndViews_roundTripsExactly() throws IOException {
        Map<String, INDArray> in = new LinkedHashMap<>();
        in.put("f32", Nd4j.rand(DataType.FLOAT, 3, 5).subi(0.5));
        in.put("f64", Nd4j.rand(DataType.DOUBLE, 2, 2, 3));
        in.put("f16", Nd4j.rand(DataType.FLOAT, 7).castTo(DataType.FLOAT16));
        in.put("bf16", Nd4j.rand(DataType.FLOAT, 2, 3).castTo(DataType.BFLOAT16));
        in.put("i64", Nd4j.createFromArray(new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}));
        in.put("i32", Nd4j.createFromArray(new int[][] {{1, -2}, {3, Integer.MIN_VALUE}}));
        in.put("i16", Nd4j.createFromArray(new short[] {-3, 300}));
        in.put("i8", Nd4j.createFromArray(new byte[] {-128, 127}));
        in.put("u8", Nd4j.createFromArray(new byte[] {0, 1, (byte) 255}).castTo(DataType.UINT8));
        in.put("bool", Nd4j.createFromArray(new boolean[] {true, false, true}));
        in.put("scalar", Nd4j.scalar(DataType.FLOAT, -0.0f));
        in.put("empty", Nd4j.create(DataType.FLOAT, 0, 4));
        in.put("fview", Nd4j.rand(DataType.FLOAT, 4, 6).get(NDArrayIndex.interval(1, 3), NDArrayIndex.interval(2, 5)));
        in.put("forder", Nd4j.rand(DataType.DOUBLE, new long[] {3, 4}).dup('f'));
        in.put("special", Nd4j.createFromArray(Float.NaN, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -0.0f));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("note", "ünïcode \"quoted\"");
        Path f = tmp.resolve("rt.safetensors");
        Safetensors.write(f, in, meta);

        byte[] file = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, (8 + n) % 8, "data must start at a multiple of 8");
        try (Safetensors st = Safetensors.open(f)) {
            assertEquals(meta, st.metadata());
            assertEquals(List.copyOf(in.keySet()), IoAssert.names(st));
            long end = 0;
            for (Map.Entry<String, INDArray> e : in.entrySet()) {
                INDArray back = st.load(e.getKey());
                assertEquals(e.getValue().dataType(), back.dataType(), e.getKey());
                assertArrayEquals(e.getValue().shape(), back.shape(), e.getKey());
                assertArrayEquals(IoAssert.rawBytes(e.getValue()), IoAssert.rawBytes(back), e.getKey());
                long[] o = st.dataOffsets(e.getKey());
                assertEquals(end, o[0], "contiguous in the given order: " + e.getKey());
                end = o[1];
            }
            assertEquals(file.length - 8 - n, end);
            assertArrayEquals(new long[] {}, st.shape("scalar"));
            assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(st.floats("scalar")[0]));
            assertArrayEquals(new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}, st.longs("i64"));
            assertArrayEquals(new long[] {0, 1, 255}, st.longs("u8"));
            assertArrayEquals(new long[] {1, 0, 1}, st.longs("bool"));
            assertEquals(0, st.floats("empty").length);
        }
    }

    @Test
    void write_noMetadata_headerHasNoMetadataKey() throws IOException {
        Path f = tmp.resolve("nometa.safetensors");
        Safetensors.write(f, Map.of("x", Nd4j.createFromArray(1f, 2f)), null);
        try (Safetensors st = Safetensors.open(f)) {
            assertEquals(Map.of(), st.metadata());
            assertArrayEquals(new float[] {1f, 2f}, st.floats("x"));
        }
        assertFalse(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains("__metadata__"));
    }

    @Test
    void write_noTensors_opensEmpty() throws IOException {
        Path f = tmp.resolve("empty.safetensors");
        Safetensors.write(f, Map.of(), Map.of("k", "v"));
        try (Safetensors st = Safetensors.open(f)) {
            assertTrue(st.tensors().isEmpty());
            assertEquals(Map.of("k", "v"), st.metadata());
        }
    }

    @Test
    void accessors_wrongKindOrMissingName_throwClearly() throws IOException {
        Path f = tmp.resolve("kinds.safetensors");
        Safetensors.write(f, Map.of("i", Nd4j.createFromArray(1L), "x", Nd4j.createFromArray(1f)), null);
        try (Safetensors st = Safetensors.open(f)) {
            assertThrows(IllegalArgumentException.class, () -> st.floats("i"));
            assertThrows(IllegalArgumentException.class, () -> st.longs("x"));
            NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> st.load("nope"));
            assertTrue(e.getMessage().contains("kinds.safetensors")
                    && e.getMessage().contains("'nope'"));
            assertFalse(st.contains("nope"));
            assertTrue(st.contains("x"));
        }
    }

    // ---- malformed files: every check fires before allocation, naming file and problem ----

    /** A file with this JSON header (padded to 8) followed by {@code dataBytes} zero bytes. */
    private Path file(String name, String json, int dataBytes) throws IOException {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        int pad = (8 - (8 + h.length) % 8) % 8;
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + pad + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length + pad).put(h);
        for (int i = 0; i < pad; i++) {
            b.put((byte) ' ');
        }
        Path f = tmp.resolve(name);
        Files.write(f, b.array());
        return f;
    }

    @Test
    void open_fileShorterThan8Bytes_throws() throws IOException {
        Path f = tmp.resolve("tiny.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        assertFormatError(f, () -> Safetensors.open(f), "3 bytes", "shorter than");
    }

    @Test
    void open_headerLongerThanFile_throws() throws IOException {
        Path f = tmp.resolve("long.safetensors");
        Files.write(
                f,
                ByteBuffer.allocate(20)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(1000)
                        .put((byte) '{')
                        .array());
        assertFormatError(f, () -> Safetensors.open(f), "header length 1000", "exceeds");
    }

    @Test
    void open_absurdHeaderLength_failsFastWithoutAllocating() throws IOException {
        Path f = tmp.resolve("absurd.safetensors");
        Files.write(
                f,
                ByteBuffer.allocate(16)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(-2)
                        .array());
        assertFormatError(f, () -> Safetensors.open(f), "absurd");
        Files.write(
                f,
                ByteBuffer.allocate(16)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(1L << 40)
                        .array());
        assertFormatError(f, () -> Safetensors.open(f), "absurd");
    }

    @Test
    void open_truncatedData_throwsOutOfRange() throws IOException {
        Path src = tmp.resolve("full.safetensors");
        Safetensors.write(src, Map.of("x", Nd4j.rand(DataType.FLOAT, 16)), null);
        Path f = IoAssert.truncated(src, Files.size(src) - 10, tmp.resolve("cut.safetensors"));
        assertFormatError(f, () -> Safetensors.open(f), "tensor 'x'", "out of range");
    }

    @Test
    void open_invalidJson_throws() throws IOException {
        Path f = file("json.safetensors", "{\"x\": {\"dtype\": \"F32\",", 0);
        assertFormatError(f, () -> Safetensors.open(f), "invalid JSON header");
        Path g = file("arr.safetensors", "[1, 2]", 0);
        assertFormatError(g, () -> Safetensors.open(g), "not a JSON object");
    }

    @Test
    void open_nonObjectEntry_throws() throws IOException {
        Path f = file("entry.safetensors", "{\"x\": [1, 2]}", 0);
        assertFormatError(f, () -> Safetensors.open(f), "tensor 'x'", "not a JSON object");
    }

    @Test
    void open_unknownDtype_throws() throws IOException {
        Path f = file(
                "dtype.safetensors", "{\"x\": {\"dtype\": \"F8_E4M3\", \"shape\": [2], \"data_offsets\": [0, 2]}}", 2);
        assertFormatError(f, () -> Safetensors.open(f), "tensor 'x'", "unknown dtype 'F8_E4M3'");
    }

    @Test
    void open_negativeDimension_throws() throws IOException {
        Path f = file(
                "neg.safetensors", "{\"x\": {\"dtype\": \"F32\", \"shape\": [-1, 2], \"data_offsets\": [0, 8]}}", 8);
        assertFormatError(f, () -> Safetensors.open(f), "tensor 'x'", "negative");
    }

    @Test
    void open_overflowingShape_throwsAbsurd() throws IOException {
        Path f = file(
                "ovf.safetensors",
                "{\"x\": {\"dtype\": \"F32\", \"shape\": [4294967296, 4294967296]," + " \"data_offsets\": [0, 8]}}",
                8);
        assertFormatError(f, () -> Safetensors.open(f), "tensor 'x'", "absurd");
        Path g = file(
                "ovf2.safetensors",
                "{\"x\": {\"dtype\": \"F64\", \"shape\": [4611686018427387904]," + " \"data_offsets\": [0, 8]}}",
                8);
        assertFormatError(g, () -> Safetensors.open(g), "tensor 'x'", "absurd");
        Path h = file(
                "huge.safetensors",
                "{\"x\": {\"dtype\": \"F32\", \"shape\": [100000, 100000]," + " \"data_offsets\": [0, 8]}}",
                8);
        assertFormatError(h, () -> Safetensors.open(h), "tensor 'x'", "needs 40000000000");
    }

    @Test
    void open_offsetsNotMatchingSize_throws() throws IOException {
        Path f = file("size.safetensors", "{\"x\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 8]}}", 8);
        assertFormatError(f, () -> Safetensors.open(f), "tensor 'x'", "span 8 bytes", "needs 12");
    }

    @Test
    void open_offsetsOutOfRange_throws() throws IOException {
        Path f = file(
                "range.safetensors", "{\"x\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [8, 16]}}", 8);
        assertFormatError(f, () -> Safetensors.open(f), "tensor 'x'", "out of range");
        Path g = file("rev.safetensors", "{\"x\": {\"dtype\": \"F32\", \"shape\": [0], \"data_offsets\": [8, 4]}}", 8);
        assertFormatError(g, () -> Safetensors.open(g), "tensor 'x'", "out of range");
    }

    @Test
    void open_overlappingOffsets_throws() throws IOException {
        Path f = file(
                "overlap.safetensors",
                "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]},"
                        + " \"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}",
                12);
        assertFormatError(f, () -> Safetensors.open(f), "'a'", "'b'", "overlap");
    }

    @Test
    void open_holeBetweenTensors_throws() throws IOException {
        Path f = file(
                "hole.safetensors",
                "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]},"
                        + " \"b\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [8, 12]}}",
                12);
        assertFormatError(f, () -> Safetensors.open(f), "hole of 4 bytes", "'b'");
        Path g = file(
                "trail.safetensors", "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}", 12);
        assertFormatError(g, () -> Safetensors.open(g), "8 bytes after the last tensor");
    }

    @Test
    void open_duplicateName_throws() throws IOException {
        Path f = file(
                "dup.safetensors",
                "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]},"
                        + " \"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}",
                8);
        assertFormatError(f, () -> Safetensors.open(f), "duplicate tensor name 'a'");
        Path g = file(
                "dupfield.safetensors",
                "{\"a\": {\"dtype\": \"F32\", \"dtype\": \"F64\", \"shape\": [1]," + " \"data_offsets\": [0, 4]}}",
                4);
        assertFormatError(g, () -> Safetensors.open(g), "invalid JSON header", "duplicate field 'dtype'");
    }

    @Test
    void open_nonStringMetadata_throws() throws IOException {
        Path f = file("meta.safetensors", "{\"__metadata__\": {\"epoch\": 3}}", 0);
        assertFormatError(f, () -> Safetensors.open(f), "__metadata__", "'epoch'", "not a string");
    }

    @Test
    void open_missingFields_throw() throws IOException {
        Path f = file("noshape.safetensors", "{\"x\": {\"dtype\": \"F32\", \"data_offsets\": [0, 4]}}", 4);
        assertFormatError(f, () -> Safetensors.open(f), "tensor 'x'", "shape");
        Path g = file(
                "fshape.safetensors", "{\"x\": {\"dtype\": \"F32\", \"shape\": [1.5], \"data_offsets\": [0, 4]}}", 4);
        assertFormatError(g, () -> Safetensors.open(g), "tensor 'x'", "not a 64-bit integer");
    }
}
