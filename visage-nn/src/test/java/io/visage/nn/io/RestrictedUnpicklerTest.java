package io.visage.nn.io;

import io.visage.nn.io.RestrictedUnpickler.PyTuple;
import io.visage.nn.io.RestrictedUnpickler.TensorRef;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static io.visage.nn.io.IoAssert.assertFormatError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

class RestrictedUnpicklerTest {
    private static final Path FILE = Path.of("unit.pt");

    private static Object load(PickleBuilder p) {
        return new RestrictedUnpickler(FILE, "archive/data.pkl", p.bytes()).load();
    }

    @Test
    void load_scalarOpcodes_giveInertJavaValues() {
        PickleBuilder p = new PickleBuilder().proto(2).mark();
        p.integer(255).integer(65535).integer(-7).integer(1L << 40); // BININT1, BININT2, BININT, LONG1
        p.op(0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1); // LONG1 of 2^64
        p.op(0x8a, 0); // LONG1 zero
        p.op('G', 0xc0, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18); // -pi, big-endian
        p.op(0x88).op(0x89).op('N').str("ü").tuple().stop();
        List<Object> v = ((PyTuple) load(p)).items();
        assertEquals(
                Arrays.asList(
                        255L,
                        65535L,
                        -7L,
                        1L << 40,
                        BigInteger.ONE.shiftLeft(64),
                        0L,
                        -Math.PI,
                        true,
                        false,
                        null,
                        "ü"),
                v);
    }

    @Test
    void load_protocol4Framing_memoizeAndShortStrings() {
        PickleBuilder p = new PickleBuilder().proto(4).op(0x95, 20, 0, 0, 0, 0, 0, 0, 0); // FRAME
        p.op('}').op(0x94); // EMPTY_DICT, MEMOIZE -> memo[0]
        p.shortStr("k").op(0x94).op(0x8d, 1, 0, 0, 0, 0, 0, 0, 0, 'v').op('s'); // BINUNICODE8 value
        p.op('h', 1).op('0'); // BINGET memo[1] ('k') then POP
        p.mark().integer(1).op('1'); // POP_MARK discards
        p.stop();
        assertEquals(Map.of("k", "v"), load(p));
    }

    @Test
    void load_listsTuplesAndAppends_buildContainers() {
        PickleBuilder p = new PickleBuilder()
                .proto(2)
                .op(']')
                .integer(1)
                .op('a')
                .mark()
                .integer(2)
                .integer(3)
                .op('e');
        p.integer(4).integer(5).op(0x86).op(0x86).stop(); // TUPLE2(list, TUPLE2(4, 5))
        PyTuple t = (PyTuple) load(p);
        assertEquals(List.of(1L, 2L, 3L), t.items().get(0));
        assertEquals(new PyTuple(List.of(4L, 5L)), t.items().get(1));
    }

    @Test
    void load_rebuildTensorV2WithMetadataArgument_accepted() {
        PickleBuilder p = new PickleBuilder().proto(2);
        p.global("torch._utils", "_rebuild_tensor_v2").mark();
        p.mark()
                .str("storage")
                .global("torch", "FloatStorage")
                .str("0")
                .str("cuda:0")
                .integer(6)
                .tuple()
                .op('Q');
        p.integer(0)
                .ints(2, 3)
                .ints(3, 1)
                .op(0x88)
                .orderedDict()
                .op('}')
                .tuple()
                .reduce()
                .stop();
        TensorRef t = assertInstanceOf(TensorRef.class, load(p));
        assertEquals("cuda:0", t.storage().location());
        assertEquals(DType.F32, t.storage().dtype());
        assertEquals("[2, 3]", Arrays.toString(t.size()));
    }

    @Test
    void load_objectBudgetExceeded_failsFast() {
        PickleBuilder p = new PickleBuilder().proto(2).op(']').mark();
        for (int i = 0; i < 1000; i++) {
            p.op('}');
        }
        p.op('e').stop();
        RestrictedUnpickler u = new RestrictedUnpickler(FILE, "archive/data.pkl", p.bytes(), 500);
        assertFormatError(FILE, u::load, "more than 500 objects");
    }

    @Test
    void load_storageClassCalledOrBuildOnTensor_rejected() {
        PickleBuilder call = new PickleBuilder()
                .proto(2)
                .global("torch", "FloatStorage")
                .emptyTuple()
                .reduce()
                .stop();
        assertFormatError(FILE, () -> load(call), "REDUCE of torch.FloatStorage is not allowed");
        PickleBuilder build =
                new PickleBuilder().proto(2).op(']').op('}').op('b').stop();
        assertFormatError(FILE, () -> load(build), "BUILD on a list");
        PickleBuilder pid = new PickleBuilder()
                .proto(2)
                .mark()
                .str("storage")
                .str("x")
                .str("0")
                .str("cpu")
                .integer(1)
                .tuple()
                .op('Q')
                .stop();
        assertFormatError(FILE, () -> load(pid), "not a torch.*Storage class");
    }

    @Test
    void load_unhashableKeyOrOddSetitems_rejected() {
        PickleBuilder key =
                new PickleBuilder().proto(2).op('}').op(']').integer(1).op('s').stop();
        assertFormatError(FILE, () -> load(key), "unhashable");
        PickleBuilder odd =
                new PickleBuilder().proto(2).op('}').mark().integer(1).op('u').stop();
        assertFormatError(FILE, () -> load(odd), "odd number");
        PickleBuilder under = new PickleBuilder().proto(2).op('s').stop();
        assertFormatError(FILE, () -> load(under), "stack underflow");
        PickleBuilder proto = new PickleBuilder().proto(9).stop();
        assertFormatError(FILE, () -> load(proto), "protocol 9");
        assertNull(load(new PickleBuilder().proto(2).op('N').stop()));
    }
}
