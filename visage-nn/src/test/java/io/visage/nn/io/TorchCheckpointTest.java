package io.visage.nn.io;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.nn.io.PickleBuilder.Spec;
import io.visage.nn.testing.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static io.visage.nn.io.IoAssert.assertFormatError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TorchCheckpointTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> checkpointFixtures() {
        Path root = Fixtures.root();
        List<Arguments> out = new ArrayList<>();
        for (String file : List.of("weights.pt", "weights.dac.pth", "weights.legacy.pt")) {
            for (Path set : IoAssert.setsWith(root, file)) {
                out.add(Arguments.of(set.getFileName().toString(), file));
            }
        }
        return out.stream();
    }

    @Test
    void fixtures_haveCheckpoints_discovered() {
        assertFalse(
                IoAssert.setsWith(Fixtures.root(), "weights.pt").isEmpty(),
                "no fixture set under " + Fixtures.root() + " has a weights.pt");
    }

    @Test
    void fixtures_haveLegacyCheckpoint_discovered() {
        assertFalse(
                IoAssert.setsWith(Fixtures.root(), "weights.legacy.pt").isEmpty(),
                "no fixture set under " + Fixtures.root() + " has a weights.legacy.pt (pre-1.6 torch.save)");
    }

    @Test
    void open_truncatedLegacyCheckpoint_namesTheShortStorage() throws IOException {
        Path src =
                IoAssert.setsWith(Fixtures.root(), "weights.legacy.pt").get(0).resolve("weights.legacy.pt");
        Path f = IoAssert.truncated(src, Files.size(src) - 100, tmp.resolve("cut-legacy.pt"));
        assertFormatError(f, () -> TorchCheckpoint.open(f), "legacy storage", "bytes but");
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("checkpointFixtures")
    void open_fixtureCheckpoint_equalsSafetensorsBitForBit(String set, String file) {
        Path dir = Fixtures.root().resolve(set);
        try (TorchCheckpoint pt = TorchCheckpoint.open(dir.resolve(file));
                Safetensors st = Safetensors.open(dir.resolve("weights.safetensors"))) {
            assertFalse(st.tensors().isEmpty());
            IoAssert.assertSameTensors(st, pt);
            for (TensorInfo t : st.tensors()) {
                if (t.dtype().isFloatingPoint()) {
                    assertArrayEquals(bits(st.floats(t.name())), bits(pt.floats(t.name())), t.name());
                } else {
                    assertArrayEquals(st.longs(t.name()), pt.longs(t.name()), t.name());
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dacContainers")
    void metadata_dacContainer_equalsConfigJson(String set) throws IOException {
        Path dir = Fixtures.root().resolve(set);
        Map<?, ?> config = new ObjectMapper()
                .enable(DeserializationFeature.USE_LONG_FOR_INTS)
                .readValue(dir.resolve("config.json").toFile(), Map.class);
        try (TorchCheckpoint c = TorchCheckpoint.open(dir.resolve("weights.dac.pth"))) {
            assertTrue(c.isDacContainer());
            assertEquals(Map.of("kwargs", config), c.metadata());
            assertEquals(config, c.kwargs());
        }
    }

    static Stream<String> dacContainers() {
        return IoAssert.setsWith(Fixtures.root(), "weights.dac.pth").stream()
                .map(p -> p.getFileName().toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plainCheckpoints")
    void metadata_plainStateDict_isEmpty(String set) {
        try (TorchCheckpoint c =
                TorchCheckpoint.open(Fixtures.root().resolve(set).resolve("weights.pt"))) {
            assertFalse(c.isDacContainer());
            assertEquals(Map.of(), c.metadata());
        }
    }

    static Stream<String> plainCheckpoints() {
        return IoAssert.setsWith(Fixtures.root(), "weights.pt").stream()
                .map(p -> p.getFileName().toString());
    }

    // ---- hand-built checkpoints: views, dtypes, byte order ----

    @Test
    void load_stridedViewWithOffset_gathersInCOrder() throws IOException {
        float[] storage = new float[24];
        for (int i = 0; i < storage.length; i++) {
            storage[i] = i;
        }
        // a [3, 4] view at offset 2 with stride (1, 5): element [i][j] = storage[2 + i + 5j]
        Path f = tmp.resolve("view.pt");
        write(
                f,
                List.of(
                        new Spec("w", "FloatStorage", "0", f32(storage), 4, 2, new long[] {3, 4}, new long[] {1, 5}),
                        new Spec("b", "FloatStorage", "0", f32(storage), 4, 20, new long[] {4}, new long[] {1})));
        try (TorchCheckpoint c = TorchCheckpoint.open(f)) {
            assertEquals(List.of("w", "b"), IoAssert.names(c));
            float[] w = c.floats("w");
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 4; j++) {
                    assertEquals(2 + i + 5 * j, w[i * 4 + j], "w[" + i + "][" + j + "]");
                }
            }
            INDArray arr = c.load("w");
            assertArrayEquals(new long[] {3, 4}, arr.shape());
            assertEquals(2 + 2 + 5 * 3, arr.getFloat(2, 3));
            assertArrayEquals(new float[] {20, 21, 22, 23}, c.floats("b"));
        }
    }

    @Test
    void load_eachStorageType_readsExactValues() throws IOException {
        ByteBuffer half = le(8).putShort((short) 0x3c00)
                .putShort((short) 0xc000)
                .putShort((short) 0x7c00)
                .putShort((short) 0x0001);
        ByteBuffer bf = le(4).putShort((short) 0x3f80).putShort((short) 0xff80);
        ByteBuffer lng = le(16).putLong(-5).putLong(Long.MAX_VALUE);
        ByteBuffer dbl = le(8).putDouble(Math.PI);
        byte[] bools = {1, 0, 1};
        ByteBuffer ints = le(8).putInt(-7).putInt(1 << 30);
        Path f = tmp.resolve("dtypes.pt");
        write(
                f,
                List.of(
                        new Spec("h", "HalfStorage", "h", half.array(), 2, 0, new long[] {4}, new long[] {1}),
                        new Spec("bf", "BFloat16Storage", "bf", bf.array(), 2, 0, new long[] {2}, new long[] {1}),
                        new Spec("l", "LongStorage", "l", lng.array(), 8, 0, new long[] {2}, new long[] {1}),
                        new Spec("d", "DoubleStorage", "d", dbl.array(), 8, 0, new long[] {}, new long[] {}),
                        new Spec("m", "BoolStorage", "m", bools, 1, 0, new long[] {3}, new long[] {1}),
                        new Spec("i", "IntStorage", "i", ints.array(), 4, 0, new long[] {2}, new long[] {1}),
                        new Spec("u", "ByteStorage", "u", new byte[] {(byte) 200}, 1, 0, new long[] {1}, new long[] {1
                        })));
        try (TorchCheckpoint c = TorchCheckpoint.open(f)) {
            assertArrayEquals(new float[] {1f, -2f, Float.POSITIVE_INFINITY, 0x1p-24f}, c.floats("h"));
            assertEquals(DataType.FLOAT16, c.load("h").dataType());
            assertArrayEquals(new float[] {1f, Float.NEGATIVE_INFINITY}, c.floats("bf"));
            assertArrayEquals(new long[] {-5, Long.MAX_VALUE}, c.longs("l"));
            assertArrayEquals(new double[] {Math.PI}, c.doubles("d"));
            assertEquals(0, c.load("d").rank());
            assertArrayEquals(new long[] {1, 0, 1}, c.longs("m"));
            assertEquals(DataType.BOOL, c.load("m").dataType());
            assertArrayEquals(new long[] {-7, 1 << 30}, c.longs("i"));
            assertArrayEquals(new long[] {200}, c.longs("u"));
        }
    }

    @Test
    void load_bigEndianByteorderEntry_swapsBytes() throws IOException {
        ByteBuffer be = ByteBuffer.allocate(12)
                .order(ByteOrder.BIG_ENDIAN)
                .putFloat(1.5f)
                .putFloat(-3f)
                .putFloat(7f);
        Path f = tmp.resolve("be.pt");
        byte[] pkl = PickleBuilder.stateDict(
                List.of(new Spec("x", "FloatStorage", "0", be.array(), 4, 0, new long[] {3}, new long[] {1})));
        PickleBuilder.torchZip(
                f,
                pkl,
                Map.of("0", be.array()),
                Map.of("archive/byteorder", "big".getBytes(StandardCharsets.US_ASCII)));
        try (TorchCheckpoint c = TorchCheckpoint.open(f)) {
            assertEquals(ByteOrder.BIG_ENDIAN, c.byteOrder());
            assertArrayEquals(new float[] {1.5f, -3f, 7f}, c.floats("x"));
        }
    }

    @Test
    void open_parameterAndNestedDicts_flattensNames() throws IOException {
        byte[] storage = f32(new float[] {4, 5});
        PickleBuilder p = new PickleBuilder().proto(2).emptyDict().mark();
        p.str("model")
                .emptyDict()
                .str("p")
                .global("torch._utils", "_rebuild_parameter")
                .mark()
                .tensor("FloatStorage", "0", 2, 0, new long[] {2}, new long[] {1})
                .op(0x88)
                .orderedDict()
                .tuple()
                .reduce()
                .op('s');
        p.str("epoch").integer(7).str("lr").op('G').op(0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a); // 0.1
        p.op('u').stop();
        Path f = tmp.resolve("nested.pt");
        PickleBuilder.torchZip(f, p.bytes(), Map.of("0", storage), Map.of());
        try (TorchCheckpoint c = TorchCheckpoint.open(f)) {
            assertEquals(List.of("model.p"), IoAssert.names(c));
            assertArrayEquals(new float[] {4, 5}, c.floats("model.p"));
            assertEquals(Map.of("epoch", 7L, "lr", 0.1), c.metadata());
        }
    }

    @Test
    void metadata_containerWithNestedValues_convertsToPlainJava() throws IOException {
        byte[] storage = f32(new float[] {1, 2, 3});
        PickleBuilder p = new PickleBuilder().proto(2).emptyDict().mark();
        p.str("state_dict")
                .orderedDict()
                .str("conv.weight")
                .tensor("FloatStorage", "0", 3, 0, new long[] {3}, new long[] {1})
                .op('s');
        p.str("metadata")
                .emptyDict()
                .mark()
                .str("kwargs")
                .emptyDict()
                .mark()
                .str("rates")
                .op(']')
                .mark()
                .integer(2)
                .integer(4)
                .op('e')
                .str("pair")
                .ints(1, 2)
                .str("none")
                .op('N')
                .str("flag")
                .op(0x88)
                .str("w")
                .op('G')
                .op(0x3f, 0xe0, 0, 0, 0, 0, 0, 0)
                .op('u')
                .str("version")
                .str("1.0.0")
                .integer(3)
                .str("int key")
                .op('u');
        p.op('u').stop();
        Path f = tmp.resolve("container.pth");
        PickleBuilder.torchZip(f, p.bytes(), Map.of("0", storage), Map.of());
        try (TorchCheckpoint c = TorchCheckpoint.open(f)) {
            assertTrue(c.isDacContainer());
            assertEquals(List.of("conv.weight"), IoAssert.names(c));
            Map<String, Object> kwargs = new LinkedHashMap<>();
            kwargs.put("rates", List.of(2L, 4L));
            kwargs.put("pair", List.of(1L, 2L));
            kwargs.put("none", null);
            kwargs.put("flag", true);
            kwargs.put("w", 0.5);
            assertEquals(kwargs, c.kwargs());
            assertEquals(
                    List.of("kwargs", "version", "3"), List.copyOf(c.metadata().keySet()));
            assertEquals("int key", c.metadata().get("3"));
            assertThrowsUnsupported(() -> c.metadata().put("x", 1));
        }
    }

    private static void assertThrowsUnsupported(org.junit.jupiter.api.function.Executable e) {
        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class, e);
    }

    @Test
    void open_containerStateDictWithNonTensor_throws() throws IOException {
        PickleBuilder p = new PickleBuilder()
                .proto(2)
                .emptyDict()
                .str("state_dict")
                .emptyDict()
                .str("step")
                .integer(5)
                .op('s')
                .op('s')
                .stop();
        Path f = tmp.resolve("bad-container.pth");
        PickleBuilder.torchZip(f, p.bytes(), Map.of(), Map.of());
        assertFormatError(f, () -> TorchCheckpoint.open(f), "state_dict entry 'step'", "not a tensor");
    }

    // ---- hostile and malformed input ----

    @ParameterizedTest
    @ValueSource(
            strings = {
                "os system",
                "builtins eval",
                "subprocess Popen",
                "posix system",
                "torch.storage " + "_load_from_bytes",
                "__builtin__ exec",
                "torch Tensor"
            })
    void open_hostileGlobal_rejectedWithoutExecution(String global) throws IOException {
        String[] mn = global.split(" ");
        Path marker = tmp.resolve("pwned");
        byte[] pkl = new PickleBuilder()
                .proto(2)
                .global(mn[0], mn[1])
                .str("touch " + marker)
                .op(0x85)
                .reduce()
                .stop()
                .bytes();
        Path f = tmp.resolve("evil.pt");
        PickleBuilder.torchZip(f, pkl, Map.of(), Map.of());
        assertFormatError(f, () -> TorchCheckpoint.open(f), "global '" + mn[0] + "." + mn[1] + "'", "not allowed");
        assertFalse(Files.exists(marker), "the payload ran");
    }

    @Test
    void open_hostileStackGlobal_rejected() throws IOException {
        // protocol 4 style: STACK_GLOBAL from two strings, hidden inside a dict value
        byte[] pkl = new PickleBuilder()
                .proto(4)
                .emptyDict()
                .shortStr("x")
                .shortStr("os")
                .shortStr("system")
                .op(0x93)
                .shortStr("id")
                .op(0x85)
                .reduce()
                .op('s')
                .stop()
                .bytes();
        Path f = tmp.resolve("evil4.pt");
        PickleBuilder.torchZip(f, pkl, Map.of(), Map.of());
        assertFormatError(f, () -> TorchCheckpoint.open(f), "os.system", "not allowed");
    }

    @ParameterizedTest
    @ValueSource(ints = {'i', 'o', 0x92, 0xff, 'S', 'I'})
    void open_unknownOpcode_rejectedNamingIt(int opcode) throws IOException {
        byte[] pkl = new PickleBuilder()
                .proto(2)
                .emptyDict()
                .op(opcode)
                .op('\n')
                .stop()
                .bytes();
        Path f = tmp.resolve("op.pt");
        PickleBuilder.torchZip(f, pkl, Map.of(), Map.of());
        assertFormatError(f, () -> TorchCheckpoint.open(f), "opcode " + String.format("0x%02x", opcode), "data.pkl");
    }

    @Test
    void open_storageEntryTooSmall_throws() throws IOException {
        Path f = tmp.resolve("small.pt");
        byte[] pkl = PickleBuilder.stateDict(
                List.of(new Spec("w", "FloatStorage", "0", new byte[40], 4, 0, new long[] {10}, new long[] {1})));
        PickleBuilder.torchZip(f, pkl, Map.of("0", new byte[20]), Map.of());
        assertFormatError(f, () -> TorchCheckpoint.open(f), "tensor 'w'", "has 20 bytes", "needs 40");
    }

    @Test
    void open_storageEntryMissing_throws() throws IOException {
        Path f = tmp.resolve("missing.pt");
        byte[] pkl = PickleBuilder.stateDict(
                List.of(new Spec("w", "FloatStorage", "7", new byte[8], 4, 0, new long[] {2}, new long[] {1})));
        PickleBuilder.torchZip(f, pkl, Map.of(), Map.of());
        assertFormatError(f, () -> TorchCheckpoint.open(f), "tensor 'w'", "archive/data/7", "missing");
    }

    @Test
    void open_viewBeyondStorage_throws() throws IOException {
        Path f = tmp.resolve("beyond.pt");
        byte[] pkl = PickleBuilder.stateDict(
                List.of(new Spec("w", "FloatStorage", "0", new byte[24], 4, 2, new long[] {2, 3}, new long[] {3, 1})));
        PickleBuilder.torchZip(f, pkl, Map.of("0", new byte[24]), Map.of());
        assertFormatError(f, () -> TorchCheckpoint.open(f), "reaches element 7", "has only 6");
    }

    @Test
    void open_absurdTensorShape_throwsFast() throws IOException {
        Path f = tmp.resolve("absurd.pt");
        long big = 1L << 40;
        byte[] pkl = PickleBuilder.stateDict(List.of(
                new Spec("w", "FloatStorage", "0", new byte[8], 4, 0, new long[] {big, big}, new long[] {big, 1})));
        PickleBuilder.torchZip(f, pkl, Map.of("0", new byte[8]), Map.of());
        assertFormatError(f, () -> TorchCheckpoint.open(f), "absurd");
    }

    @Test
    void open_stringLongerThanPickle_failsFast() throws IOException {
        byte[] pkl = new PickleBuilder()
                .proto(2)
                .op('X', 0xf0, 0xff, 0xff, 0x7f)
                .op('a', 'b')
                .stop()
                .bytes();
        Path f = tmp.resolve("str.pt");
        PickleBuilder.torchZip(f, pkl, Map.of(), Map.of());
        assertFormatError(f, () -> TorchCheckpoint.open(f), "exceeds", "remaining");
    }

    @Test
    void open_pickleWithoutStop_throwsTruncated() throws IOException {
        byte[] pkl = new PickleBuilder().proto(2).emptyDict().str("a").bytes();
        Path f = tmp.resolve("nostop.pt");
        PickleBuilder.torchZip(f, pkl, Map.of(), Map.of());
        assertFormatError(f, () -> TorchCheckpoint.open(f), "without STOP");
    }

    @Test
    void open_memoNeverStored_throws() throws IOException {
        byte[] pkl = new PickleBuilder().proto(2).op('h', 9).stop().bytes();
        Path f = tmp.resolve("memo.pt");
        PickleBuilder.torchZip(f, pkl, Map.of(), Map.of());
        assertFormatError(f, () -> TorchCheckpoint.open(f), "memo entry 9");
    }

    @Test
    void open_recursiveList_rejectedWithoutStackOverflow() throws IOException {
        // l = []; l.append(l); {'x': l}
        byte[] pkl = new PickleBuilder()
                .proto(2)
                .emptyDict()
                .str("x")
                .op(']')
                .op('q', 0)
                .op('h', 0)
                .op('a')
                .op('s')
                .stop()
                .bytes();
        Path f = tmp.resolve("rec.pt");
        PickleBuilder.torchZip(f, pkl, Map.of(), Map.of());
        assertFormatError(f, () -> TorchCheckpoint.open(f), "recursive");
    }

    @Test
    void open_topLevelNotDict_throws() throws IOException {
        byte[] pkl = new PickleBuilder().proto(2).op(']').stop().bytes();
        Path f = tmp.resolve("list.pt");
        PickleBuilder.torchZip(f, pkl, Map.of(), Map.of());
        assertFormatError(f, () -> TorchCheckpoint.open(f), "list", "not a dict");
    }

    @Test
    void open_truncatedZip_throws() throws IOException {
        Path src = Fixtures.root()
                .resolve(IoAssert.setsWith(Fixtures.root(), "weights.pt").get(0).getFileName())
                .resolve("weights.pt");
        Path f = IoAssert.truncated(src, Files.size(src) / 2, tmp.resolve("cut.pt"));
        assertFormatError(f, () -> TorchCheckpoint.open(f), "zip");
    }

    @Test
    void open_legacyMagicNumberOnly_saysTheNextPickleIsMissing() throws IOException {
        Path f = tmp.resolve("legacy.pt");
        Files.write(f, new byte[] {
            (byte) 0x80,
            2,
            (byte) 0x8a,
            0x0a,
            0x6c,
            (byte) 0xfc,
            (byte) 0x9c,
            0x46,
            (byte) 0xf9,
            0x20,
            0x6a,
            (byte) 0xa8,
            0x50,
            0x19,
            0x2e
        });
        assertFormatError(f, () -> TorchCheckpoint.open(f), "legacy torch.save pickles", "without STOP");
    }

    @Test
    void open_zipWithoutDataPkl_throws() throws IOException {
        Path f = tmp.resolve("other.zip");
        PickleBuilder.zip(f, Map.of("a.txt", new byte[] {1}));
        assertFormatError(f, () -> TorchCheckpoint.open(f), "data.pkl");
    }

    @Test
    void load_missingName_throwsNoSuchElementNamingFileAndTensor() {
        Path f = Fixtures.root()
                .resolve(IoAssert.setsWith(Fixtures.root(), "weights.pt").get(0).getFileName())
                .resolve("weights.pt");
        try (TorchCheckpoint c = TorchCheckpoint.open(f)) {
            java.util.NoSuchElementException e = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.NoSuchElementException.class, () -> c.load("no.such.tensor"));
            assertTrue(e.getMessage().contains("weights.pt") && e.getMessage().contains("no.such.tensor"));
        }
    }

    // ---- helpers ----

    private static void write(Path f, List<Spec> specs) throws IOException {
        Map<String, byte[]> storages = new LinkedHashMap<>();
        for (Spec s : specs) {
            storages.put(s.key(), s.storage());
        }
        PickleBuilder.torchZip(f, PickleBuilder.stateDict(specs), storages, Map.of());
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] f32(float[] v) {
        ByteBuffer b = le(v.length * 4);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    private static int[] bits(float[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Float.floatToRawIntBits(v[i]);
        }
        return out;
    }
}
