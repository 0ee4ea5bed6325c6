package io.visage.nn.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static io.visage.nn.io.IoAssert.assertFormatError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyTest {
    @TempDir
    Path tmp;

    // Written by numpy 2.4 (np.save / np.lib.format.write_array), base64.
    /** np.asfortranarray((arange(6).reshape(2,3)*1.5-2).astype('>f8')): big-endian, Fortran order. */
    static final String BE_F_F8 =
            "k05VTVBZAQB2AHsnZGVzY3InOiAnPmY4JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMy"
                    + "ksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIArAAAAAAAAAAEAEAAAAAAAAv+AA"
                    + "AAAAAABAEAAAAAAAAD/wAAAAAAAAQBYAAAAAAAA=";
    /** [[1, -2], [3, 2**31-1]] '<i4'. */
    static final String I4_C =
            "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIpL"
                    + "CB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAAA/v///wMAAAD///9/";
    /** [1, -2.5, inf, 6e-8, -0.0] '<f2', format 2.0. */
    static final String F2_V2 =
            "k05VTVBZAgB0AAAAeydkZXNjcic6ICc8ZjInLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoNSwpLC"
                    + "B9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAPADBAHwBAACA";
    /** [[0, 7, 255]] '|u1', format 3.0. */
    static final String U8_V3 =
            "k05VTVBZAwB0AAAAeydkZXNjcic6ICd8dTEnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMSwgMy"
                    + "ksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAB/8=";
    /** np.array(True): a bool scalar. */
    static final String B1_SCALAR =
            "k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksI"
                    + "H0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoB";
    /** zeros((0, 3), '<i8'). */
    static final String I8_ZERO =
            "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDAsIDM"
                    + "pLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo=";
    /** np.asfortranarray(arange(24, '<f4').reshape(2, 3, 4)). */
    static final String F4_FORTRAN3D =
            "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMi"
                    + "wgMywgNCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAABAQQAAgEAAAIBBA"
                    + "AAAQQAAoEEAAIA/AABQQQAAoEAAAIhBAAAQQQAAqEEAAABAAABgQQAAwEAAAJBBAAAgQQAAsEEAAEBAAABwQQAA4EAAAJhBAAAwQQAAuEE=";
    /** [[1, -300], [7, 8]] '>i2'. */
    static final String BE_I2 =
            "k05VTVBZAQB2AHsnZGVzY3InOiAnPmkyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIpL"
                    + "CB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAf7UAAcACA==";

    private Path decode(String name, String b64) throws IOException {
        Path f = tmp.resolve(name);
        Files.write(f, Base64.getDecoder().decode(b64));
        return f;
    }

    @Test
    void read_numpyWrittenFiles_matchNumpyValues() throws IOException {
        try (Npy a = Npy.open(decode("be.npy", BE_F_F8))) {
            assertEquals("be", a.name());
            assertTrue(a.fortranOrder());
            assertEquals(ByteOrder.BIG_ENDIAN, a.byteOrder());
            assertEquals(new TensorInfo("be", DType.F64, new long[] {2, 3}), a.info("be"));
            assertArrayEquals(new double[] {-2.0, -0.5, 1.0, 2.5, 4.0, 5.5}, a.doubles("be"));
            assertEquals(5.5, a.load("be").getDouble(1, 2));
        }
        INDArray i4 = Npy.read(decode("i4.npy", I4_C));
        assertEquals(DataType.INT32, i4.dataType());
        assertArrayEquals(new int[] {1, -2, 3, Integer.MAX_VALUE}, i4.data().asInt());
        try (Npy h = Npy.open(decode("f2.npy", F2_V2))) {
            float[] v = h.floats("f2");
            assertArrayEquals(
                    new float[] {1f, -2.5f, Float.POSITIVE_INFINITY, HalfFloats.f16ToF32((short) 1)},
                    java.util.Arrays.copyOf(v, 4));
            assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(v[4]));
        }
        try (Npy u = Npy.open(decode("u8.npy", U8_V3))) {
            assertArrayEquals(new long[] {0, 7, 255}, u.longs("u8"));
            assertEquals(DataType.UINT8, u.load("u8").dataType());
        }
        try (Npy b = Npy.open(decode("b.npy", B1_SCALAR))) {
            assertArrayEquals(new long[] {}, b.shape("b"));
            assertArrayEquals(new long[] {1}, b.longs("b"));
            assertEquals(0, b.load("b").rank());
        }
        INDArray zero = Npy.read(decode("z.npy", I8_ZERO));
        assertArrayEquals(new long[] {0, 3}, zero.shape());
        try (Npy f = Npy.open(decode("f3.npy", F4_FORTRAN3D))) {
            float[] v = f.floats("f3");
            for (int i = 0; i < 24; i++) {
                assertEquals(i, v[i], "c-order element " + i);
            }
        }
        try (Npy s = Npy.open(decode("s.npy", BE_I2))) {
            assertArrayEquals(new long[] {1, -300, 7, 8}, s.longs("s"));
            assertArrayEquals(
                    new int[] {1, -300, 7, 8},
                    s.load("s").castTo(DataType.INT32).data().asInt());
        }
    }

    static Stream<Arguments> roundTripCases() {
        List<Arguments> out = new ArrayList<>();
        DataType[] types = {
            DataType.FLOAT16,
            DataType.FLOAT,
            DataType.DOUBLE,
            DataType.INT8,
            DataType.UINT8,
            DataType.INT16,
            DataType.INT32,
            DataType.INT64,
            DataType.BOOL
        };
        long[][] shapes = {{2, 3, 4}, {5}, {}, {0, 3}, {3, 0, 2}, {1, 4}};
        for (DataType t : types) {
            for (long[] s : shapes) {
                for (char order : new char[] {'c', 'f'}) {
                    out.add(Arguments.of(t, s, order));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("roundTripCases")
    void write_dtypeShapeOrder_roundTripsExactly(DataType type, long[] shape, char order) throws IOException {
        INDArray a = sample(type, shape);
        Path f = tmp.resolve("rt.npy");
        Npy.write(f, a, order);
        byte[] file = Files.readAllBytes(f);
        int headerLen = (file[8] & 0xff) | (file[9] & 0xff) << 8;
        assertEquals(0, (10 + headerLen) % 64, "numpy aligns data to 64 bytes");
        try (Npy npy = Npy.open(f)) {
            assertEquals(order == 'f', npy.fortranOrder());
            INDArray back = npy.load("rt");
            assertEquals(type, back.dataType());
            assertArrayEquals(shape, back.shape());
            assertArrayEquals(IoAssert.rawBytes(a), IoAssert.rawBytes(back));
        }
    }

    static INDArray sample(DataType type, long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n == 0) {
            return Nd4j.create(type, shape, 'c');
        }
        INDArray base = shape.length == 0
                ? Nd4j.scalar(DataType.DOUBLE, -3.25)
                : Nd4j.linspace(DataType.DOUBLE, -n / 2.0 + 0.25, 1.5, n).reshape(shape);
        return type == DataType.BOOL ? base.gt(0) : base.castTo(type);
    }

    @Test
    void header_thenStreamedBytes_readBackAsTheArray(@TempDir Path dir) throws IOException {
        long[] shape = {3, 2, 5};
        byte[] data = new byte[30];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (250 - 7 * i);
        }
        Path f = dir.resolve("u8.npy");
        try (var out = Files.newOutputStream(f)) {
            out.write(Npy.header(DType.U8, shape));
            out.write(data);
        }
        INDArray a = Npy.read(f);
        assertArrayEquals(shape, a.shape());
        for (int i = 0; i < data.length; i++) {
            assertEquals(data[i] & 0xff, a.getInt(i / 10, (i / 5) % 2, i % 5), "element " + i);
        }
        assertThrows(IllegalArgumentException.class, () -> Npy.header(DType.U8, 2, -1));
    }

    @Test
    void write_bfloat16_throwsBecauseNumpyHasNone() {
        INDArray bf = Nd4j.createFromArray(1f, 2f).castTo(DataType.BFLOAT16);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Npy.write(tmp.resolve("x.npy"), bf));
        assertTrue(e.getMessage().contains("BF16"));
    }

    // ---- malformed files ----

    /** A .npy with the given header dict (padded like numpy) and data bytes. */
    private Path npy(String name, int major, String dict, byte[] data) throws IOException {
        int pre = major == 1 ? 10 : 12;
        StringBuilder h = new StringBuilder(dict);
        while ((pre + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        byte[] hb = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(pre + hb.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(NpyFormat.MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) hb.length);
        } else {
            b.putInt(hb.length);
        }
        b.put(hb).put(data);
        Path f = tmp.resolve(name);
        Files.write(f, b.array());
        return f;
    }

    @Test
    void open_validHandBuiltHeader_opens() throws IOException {
        Path f = npy("ok.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", new byte[8]);
        try (Npy n = Npy.open(f)) {
            assertArrayEquals(new float[] {0f, 0f}, n.floats("ok"));
        }
    }

    @Test
    void open_lyingShape_throws() throws IOException {
        Path f = npy("lie.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1000, 1000), }", new byte[8]);
        assertFormatError(f, () -> Npy.open(f), "shape [1000, 1000]", "needs 4000000", "lying shape");
        Path g = npy("short.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[8]);
        assertFormatError(g, () -> Npy.open(g), "needs 4", "trailing");
    }

    @Test
    void open_truncatedFile_throws() throws IOException {
        Path src = tmp.resolve("full.npy");
        Npy.write(src, Nd4j.rand(DataType.FLOAT, 4, 4));
        Path f = IoAssert.truncated(src, Files.size(src) - 3, tmp.resolve("cut.npy"));
        assertFormatError(f, () -> Npy.open(f), "truncated");
        Path g = IoAssert.truncated(src, 40, tmp.resolve("cuthead.npy"));
        assertFormatError(g, () -> Npy.open(g), "header length", "exceeds");
        Path h = IoAssert.truncated(src, 5, tmp.resolve("tiny.npy"));
        assertFormatError(h, () -> Npy.open(h), "too short");
    }

    @Test
    void open_absurdHeaderLength_failsFast() throws IOException {
        Path f = tmp.resolve("absurd.npy");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.put(NpyFormat.MAGIC).put((byte) 2).put((byte) 0).putInt(0xfffffff0);
        Files.write(f, b.array());
        assertFormatError(f, () -> Npy.open(f), "header length", "absurd");
    }

    @Test
    void open_absurdShape_throws() throws IOException {
        Path f = npy(
                "ovf.npy",
                1,
                "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }",
                new byte[8]);
        assertFormatError(f, () -> Npy.open(f), "absurd");
        Path g = npy(
                "big.npy",
                1,
                "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }",
                new byte[8]);
        assertFormatError(g, () -> Npy.open(g), "absurd");
        Path h = npy("neg.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", new byte[8]);
        assertFormatError(h, () -> Npy.open(h), "negative");
    }

    @Test
    void open_badDictSyntax_throws() throws IOException {
        Path f = npy("syn.npy", 1, "{'descr': '<f4' 'fortran_order': False, 'shape': (2,), }", new byte[8]);
        assertFormatError(f, () -> Npy.open(f), "invalid .npy header", "expected ',' or '}'");
        Path g = npy(
                "eval.npy",
                1,
                "{'descr': __import__('os').system('id'), 'fortran_order': False, 'shape': (), }",
                new byte[8]);
        assertFormatError(g, () -> Npy.open(g), "invalid .npy header", "unexpected value for 'descr'");
        Path h = npy("extra.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", new byte[8]);
        assertFormatError(h, () -> Npy.open(h), "invalid .npy header");
        Path i = npy("missing.npy", 1, "{'descr': '<f4', 'shape': (2,), }", new byte[8]);
        assertFormatError(i, () -> Npy.open(i), "not exactly descr, fortran_order, shape");
    }

    @Test
    void open_unsupportedDescr_throws() throws IOException {
        Path f = npy("c16.npy", 1, "{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", new byte[16]);
        assertFormatError(f, () -> Npy.open(f), "unsupported dtype descr '<c16'");
        Path g = npy("obj.npy", 1, "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", new byte[8]);
        assertFormatError(g, () -> Npy.open(g), "object arrays");
        Path h = npy("rec.npy", 1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new byte[4]);
        assertFormatError(h, () -> Npy.open(h), "structured");
    }

    @Test
    void open_badMagicOrVersion_throws() throws IOException {
        Path f = tmp.resolve("magic.npy");
        Files.write(f, "NOTNUMPY-------------".getBytes(StandardCharsets.US_ASCII));
        assertFormatError(f, () -> Npy.open(f), "bad magic");
        Path g = npy("v4.npy", 2, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", new byte[4]);
        byte[] b = Files.readAllBytes(g);
        b[6] = 4;
        Files.write(g, b);
        assertFormatError(g, () -> Npy.open(g), "unsupported .npy format version 4.0");
    }

    @Test
    void writtenHeader_isNumpysExactDictLiteral() throws IOException {
        Path f = tmp.resolve("hdr.npy");
        Npy.write(f, Nd4j.create(DataType.FLOAT, 3));
        String header = new String(Files.readAllBytes(f), 10, 60, StandardCharsets.ISO_8859_1);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"), header);
        assertFalse(header.contains("\n"));
    }

    @Test
    void bytes_areWhatWriteWrites(@TempDir Path tmp) throws Exception {
        for (INDArray a : List.of(
                Nd4j.rand(DataType.FLOAT, 3, 5),
                Nd4j.createFromArray(new long[][] {{1, -2, 3}, {4, 5, 6}}),
                Nd4j.rand(DataType.DOUBLE, 4, 2).transpose())) {
            Path f = tmp.resolve("a.npy");
            Npy.write(f, a);
            assertArrayEquals(Files.readAllBytes(f), Npy.bytes(a), a.shapeInfoToString());
        }
    }
}
