package io.visage.nn.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static io.visage.nn.io.IoAssert.assertFormatError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class NpzTest {
    @TempDir
    Path tmp;

    // Written by numpy 2.4 (zip64 local headers, as numpy writes them), base64.
    /** np.savez_compressed(weights=arange(12, '<f4').reshape(3, 4), ids=[5, -6] '<i8'): deflated. */
    static final String DEFLATED =
            "UEsDBC0AAAAIAAAAIQAtbyIm//////////8LABQAd2VpZ2h0cy5ucHkBABAAsAAAAAAAAABmAAAAAAAAAJvsF+o"
                    + "bEMnIUMZQrZ6SWpxcpG6loG6TZqKuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GsY6CiaaOgq1CmQDLgYwaLAHEg5ABMQNQLwAiA8A8QMg"
                    + "ZnBkYBAAYgUgNnAEAFBLAwQtAAAACAAAACEA57mOc///////////BwAUAGlkcy5ucHkBABAAkAAAAAAAAABLAAAAAAAAAJvsF+obEMnIUMZQrZ6SW"
                    + "pxcpG6loG6TaaGuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GkY6mjoKtQoUAC5WBgj49R8CAFBLAQItAy0AAAAIAAAAIQAtbyImZgAAALA"
                    + "AAAALAAAAAAAAAAAAAACAAQAAAAB3ZWlnaHRzLm5weVBLAQItAy0AAAAIAAAAIQDnuY5zSwAAAJAAAAAHAAAAAAAAAAAAAACAAaMAAABpZHMubnB5"
                    + "UEsFBgAAAAACAAIAbgAAACcBAAAAAA==";
    /** np.savez(x=[[1.25]] '>f4', **{'dir/y': [True, False, True]}): stored. */
    static final String STORED =
            "UEsDBC0AAAAAAAAAIQAA1Mzp//////////8FABQAeC5ucHkBABAAhAAAAAAAAACEAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJz5mNCcsIC"
                    + "dmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgxLCAxKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg"
                    + "ICAgICAgICAgICAgICAgICAKP6AAAFBLAwQtAAAAAAAAACEAFpOMu///////////CQAUAGRpci95Lm5weQEAEACDAAAAAAAAAIMAAAAAAAAAk0"
                    + "5VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAg"
                    + "ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAFQSwECLQMtAAAAAAAAACEAANTM6YQAAACEAAAABQAAAAAAAA"
                    + "AAAAAAgAEAAAAAeC5ucHlQSwECLQMtAAAAAAAAACEAFpOMu4MAAACDAAAACQAAAAAAAAAAAAAAgAG7AAAAZGlyL3kubnB5UEsFBgAAAAACAAIA"
                    + "agAAAHkBAAAAAA==";

    @Test
    void read_numpyDeflatedArchive_matchesValues() throws IOException {
        Path f = tmp.resolve("c.npz");
        Files.write(f, Base64.getDecoder().decode(DEFLATED));
        try (Npz z = Npz.open(f)) {
            assertEquals(List.of("weights", "ids"), IoAssert.names(z));
            assertEquals(new TensorInfo("weights", DType.F32, new long[] {3, 4}), z.info("weights"));
            float[] w = z.floats("weights");
            for (int i = 0; i < 12; i++) {
                assertEquals(i, w[i]);
            }
            assertArrayEquals(new long[] {5, -6}, z.longs("ids"));
        }
    }

    @Test
    void read_numpyStoredArchive_bigEndianAndNestedName() throws IOException {
        Path f = tmp.resolve("s.npz");
        Files.write(f, Base64.getDecoder().decode(STORED));
        try (Npz z = Npz.open(f)) {
            assertEquals(List.of("x", "dir/y"), IoAssert.names(z));
            assertArrayEquals(new float[] {1.25f}, z.floats("x"));
            assertArrayEquals(new long[] {1, 0, 1}, z.longs("dir/y"));
            assertEquals(DataType.BOOL, z.load("dir/y").dataType());
        }
    }

    @Test
    void write_severalArrays_roundTripsExactlyWithStoredEntries() throws IOException {
        Map<String, INDArray> in = new LinkedHashMap<>();
        in.put("f32", Nd4j.rand(DataType.FLOAT, 3, 4));
        in.put("f64.view", Nd4j.rand(DataType.DOUBLE, 4, 5).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 3)));
        in.put("f16", Nd4j.rand(DataType.FLOAT, 6).castTo(DataType.FLOAT16));
        in.put("i64", Nd4j.createFromArray(new long[] {-1, Long.MAX_VALUE}));
        in.put("i32", Nd4j.createFromArray(new int[] {7}));
        in.put("u8", Nd4j.createFromArray(new byte[] {(byte) 250}).castTo(DataType.UINT8));
        in.put("mask", Nd4j.createFromArray(new boolean[] {false, true}));
        in.put("scalar", Nd4j.scalar(DataType.DOUBLE, 2.5));
        in.put("empty", Nd4j.create(DataType.INT64, 2, 0));
        in.put("sub/dir", Nd4j.rand(DataType.FLOAT, 2, 2).dup('f'));
        Path f = tmp.resolve("rt.npz");
        Npz.write(f, in);
        try (ZipFile zip = new ZipFile(f.toFile())) {
            Enumeration<? extends ZipEntry> en = zip.entries();
            while (en.hasMoreElements()) {
                assertEquals(ZipEntry.STORED, en.nextElement().getMethod());
            }
        }
        try (Npz z = Npz.open(f)) {
            assertEquals(List.copyOf(in.keySet()), IoAssert.names(z));
            for (Map.Entry<String, INDArray> e : in.entrySet()) {
                INDArray back = z.load(e.getKey());
                assertEquals(e.getValue().dataType(), back.dataType(), e.getKey());
                assertArrayEquals(e.getValue().shape(), back.shape(), e.getKey());
                assertArrayEquals(IoAssert.rawBytes(e.getValue()), IoAssert.rawBytes(back), e.getKey());
            }
        }
    }

    // ---- malformed archives ----

    @Test
    void open_nonNpyEntry_throws() throws IOException {
        Path f = tmp.resolve("other.npz");
        PickleBuilder.zip(f, Map.of("notes.txt", new byte[] {1, 2}));
        assertFormatError(f, () -> Npz.open(f), "entry 'notes.txt'", "not a .npy");
    }

    @Test
    void open_entryWithLyingShape_throwsNamingEntry() throws IOException {
        Path one = tmp.resolve("one.npy");
        Npy.write(one, Nd4j.create(DataType.FLOAT, 2));
        byte[] npy = Files.readAllBytes(one);
        String text = new String(npy, java.nio.charset.StandardCharsets.ISO_8859_1).replace("(2,)", "(9,)");
        Path f = tmp.resolve("lie.npz");
        PickleBuilder.zip(f, Map.of("w.npy", text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
        assertFormatError(f, () -> Npz.open(f), "entry 'w.npy'", "shape [9]", "lying shape");
    }

    @Test
    void open_entryWithBadHeader_throwsNamingEntry() throws IOException {
        Path f = tmp.resolve("bad.npz");
        PickleBuilder.zip(f, Map.of("w.npy", "garbage-garbage".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        assertFormatError(f, () -> Npz.open(f), "entry 'w.npy'", "bad magic");
    }

    @Test
    void open_truncatedArchive_throws() throws IOException {
        Path src = tmp.resolve("full.npz");
        Npz.write(src, Map.of("a", Nd4j.rand(DataType.FLOAT, 8, 8)));
        Path f = IoAssert.truncated(src, Files.size(src) - 30, tmp.resolve("cut.npz"));
        assertFormatError(f, () -> Npz.open(f), "zip");
    }
}
