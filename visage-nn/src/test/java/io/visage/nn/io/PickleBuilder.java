package io.visage.nn.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds pickle byte streams opcode by opcode, and torch-style zips around them, for tests. */
final class PickleBuilder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleBuilder op(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    PickleBuilder proto(int v) {
        return op(0x80, v);
    }

    PickleBuilder global(String module, String name) {
        op('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
        return this;
    }

    PickleBuilder str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op('X');
        out.writeBytes(ByteBuffer.allocate(4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(b.length)
                .array());
        out.writeBytes(b);
        return this;
    }

    PickleBuilder shortStr(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op(0x8c, b.length);
        out.writeBytes(b);
        return this;
    }

    PickleBuilder integer(long v) {
        if (v >= 0 && v < 256) {
            return op('K', (int) v);
        }
        if (v >= 0 && v < 65536) {
            return op('M', (int) (v & 0xff), (int) (v >>> 8));
        }
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            op('J');
            out.writeBytes(ByteBuffer.allocate(4)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putInt((int) v)
                    .array());
            return this;
        }
        op(0x8a, 8);
        out.writeBytes(
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        return this;
    }

    PickleBuilder mark() {
        return op('(');
    }

    PickleBuilder tuple() {
        return op('t');
    }

    PickleBuilder emptyTuple() {
        return op(')');
    }

    PickleBuilder emptyDict() {
        return op('}');
    }

    PickleBuilder reduce() {
        return op('R');
    }

    PickleBuilder stop() {
        return op('.');
    }

    PickleBuilder ints(long... vs) {
        mark();
        for (long v : vs) {
            integer(v);
        }
        return tuple();
    }

    /** {@code collections.OrderedDict()} on the stack. */
    PickleBuilder orderedDict() {
        return global("collections", "OrderedDict").emptyTuple().reduce();
    }

    /**
     * Pushes a tensor the way torch.save does: {@code _rebuild_tensor_v2(persistent storage, offset,
     * size, stride, False, OrderedDict())}.
     */
    PickleBuilder tensor(String storageClass, String key, long numel, long offset, long[] size, long[] stride) {
        global("torch._utils", "_rebuild_tensor_v2");
        mark();
        mark().str("storage")
                .global("torch", storageClass)
                .str(key)
                .str("cpu")
                .integer(numel)
                .tuple();
        op('Q'); // BINPERSID
        integer(offset).ints(size).ints(stride).op(0x89).orderedDict();
        tuple();
        return reduce();
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /** One tensor of a state dict: its storage contents and view. */
    record Spec(
            String name,
            String storageClass,
            String key,
            byte[] storage,
            int elemBytes,
            long offset,
            long[] size,
            long[] stride) {}

    /** A state-dict pickle ({@code OrderedDict} of tensors, with the {@code _metadata} BUILD) for specs. */
    static byte[] stateDict(Iterable<Spec> specs) {
        PickleBuilder p = new PickleBuilder().proto(2).orderedDict().mark();
        for (Spec s : specs) {
            p.str(s.name())
                    .tensor(
                            s.storageClass(),
                            s.key(),
                            s.storage().length / s.elemBytes(),
                            s.offset(),
                            s.size(),
                            s.stride());
        }
        p.op('u'); // SETITEMS
        p.emptyDict().str("_metadata").orderedDict().op('s').op('b'); // BUILD {'_metadata': OrderedDict()}
        return p.stop().bytes();
    }

    /** Writes a torch-style zip: {@code archive/data.pkl}, {@code archive/data/<key>}, {@code archive/version}. */
    static void torchZip(Path file, byte[] pickle, Map<String, byte[]> storages, Map<String, byte[]> extra)
            throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("archive/data.pkl", pickle);
        storages.forEach((k, v) -> entries.put("archive/data/" + k, v));
        entries.put("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        entries.putAll(extra);
        zip(file, entries);
    }

    /** Writes a zip of stored entries. */
    static void zip(Path file, Map<String, byte[]> entries) throws IOException {
        try (OutputStream os = Files.newOutputStream(file);
                ZipOutputStream z = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry ze = new ZipEntry(e.getKey());
                ze.setMethod(ZipEntry.STORED);
                ze.setSize(e.getValue().length);
                CRC32 crc = new CRC32();
                crc.update(e.getValue());
                ze.setCrc(crc.getValue());
                z.putNextEntry(ze);
                z.write(e.getValue());
                z.closeEntry();
            }
        }
    }
}
