package io.visage.nn.io;

import io.visage.nn.CheckpointFormatException;
import io.visage.nn.io.RestrictedUnpickler.PyTuple;
import io.visage.nn.io.RestrictedUnpickler.StorageRef;
import io.visage.nn.io.RestrictedUnpickler.TensorRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A PyTorch checkpoint written by {@code torch.save} (PyTorch >= 1.6 zip format:
 * {@code pytorch_model.bin}, {@code .pt}, {@code .pth}), read without Python.
 *
 * <p>The zip holds {@code <stem>/data.pkl} (the pickled object), one {@code <stem>/data/<key>} entry
 * of raw little-endian bytes per storage, and {@code <stem>/version}. The pickle is interpreted by a
 * restricted unpickler that understands only what {@code torch.save} emits for a state dict and
 * accepts only the globals {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2},
 * {@code torch._utils._rebuild_parameter} and the {@code torch.*Storage} classes of {@link DType};
 * any other global (say {@code os.system}) or opcode is a {@link CheckpointFormatException}, and
 * nothing in the file is ever executed. Tensors honour their storage offset and strides (views are
 * gathered into c-order on load).
 *
 * <p>Tensor names:
 * <ul>
 *   <li>a plain (Ordered)dict of tensors, i.e. a {@code state_dict()}: its keys, in pickle order
 *       (nested dicts are flattened with dots); any non-tensor leaves go to {@link #metadata()} under
 *       their dotted path;</li>
 *   <li>the released-DAC container {@code {'state_dict': {...}, 'metadata': {'kwargs': {...}}}}: the
 *       state-dict keys, unprefixed, and {@link #metadata()} is the container's {@code metadata}.</li>
 * </ul>
 * The {@code _metadata} attribute torch attaches to state dicts (module versions) is ignored. The
 * legacy pre-1.6 (non-zip) format, in which older released weight files are written, is read too
 * (same restricted unpickler; storages are regions of the file). TorchScript archives
 * ({@code torch.jit.save}) are read for their tensors: module objects become inert attribute bags and
 * their tensor attributes are named by dotted path; the archive's code is never read or run.
 */
public final class TorchCheckpoint extends AbstractTensorSource {
    /** A {@code data.pkl} above this size is rejected as absurd before it is read. */
    public static final long MAX_PICKLE_BYTES = 100L << 20;

    private static final int MAX_DEPTH = 100;
    private static final int MAX_NODES = 10_000_000;

    private final StorageBytes bytes;
    private final ByteOrder byteOrder;
    private final Map<String, TensorRef> refs;
    private final Map<String, Object> metadata;
    private final boolean dacContainer;
    private final boolean torchScript;

    private TorchCheckpoint(
            Path file,
            List<TensorInfo> tensors,
            StorageBytes bytes,
            ByteOrder byteOrder,
            Map<String, TensorRef> refs,
            Map<String, Object> metadata,
            boolean dacContainer,
            boolean torchScript) {
        super(file, tensors);
        this.bytes = bytes;
        this.byteOrder = byteOrder;
        this.refs = refs;
        this.metadata = metadata;
        this.dacContainer = dacContainer;
        this.torchScript = torchScript;
    }

    /**
     * Opens a checkpoint: reads and interprets {@code data.pkl}, checks every storage entry is present
     * and large enough. Storage data is read on demand.
     *
     * @throws CheckpointFormatException when the file is not a readable, safe torch zip checkpoint
     * @throws UncheckedIOException when the file cannot be read
     */
    public static TorchCheckpoint open(Path file) {
        if (isLegacy(file)) {
            try {
                return readLegacy(file);
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": " + e.getMessage(), e);
            }
        }
        rejectNonZip(file);
        ZipFile zip = RawData.openZip(file);
        try {
            TorchCheckpoint c = read(file, zip);
            zip = null;
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        } finally {
            if (zip != null) {
                try {
                    zip.close();
                } catch (IOException ignored) {
                    // keep the original failure
                }
            }
        }
    }

    private static TorchCheckpoint read(Path file, ZipFile zip) throws IOException {
        String pkl = findDataPkl(file, zip);
        String prefix = pkl.substring(0, pkl.length() - "data.pkl".length());
        ByteOrder order = readByteOrder(file, zip, prefix);
        ZipEntry pe = zip.getEntry(pkl);
        if (pe.getSize() > MAX_PICKLE_BYTES) {
            throw new CheckpointFormatException(
                    file,
                    pkl + " is " + pe.getSize() + " bytes, absurd for a state dict" + " (limit " + MAX_PICKLE_BYTES
                            + ")");
        }
        byte[] pickle;
        try (InputStream in = zip.getInputStream(pe)) {
            pickle = in.readNBytes((int) MAX_PICKLE_BYTES + 1);
        } catch (ZipException e) {
            throw new CheckpointFormatException(file, "cannot read " + pkl + ": " + e.getMessage(), e);
        }
        if (pickle.length > MAX_PICKLE_BYTES) {
            throw new CheckpointFormatException(file, pkl + " exceeds " + MAX_PICKLE_BYTES + " bytes (absurd)");
        }
        RestrictedUnpickler u = new RestrictedUnpickler(file, pkl, pickle);
        Object root = u.load();
        return interpret(file, pkl, root, order, new ZipStorages(zip, prefix));
    }

    /** Names the tensors of an unpickled root object and checks that every storage holds them. */
    private static TorchCheckpoint interpret(Path file, String pkl, Object root, ByteOrder order, StorageBytes bytes) {
        Structure s = new Structure(file, pkl);
        Map<String, TensorRef> refs = new LinkedHashMap<>();
        Map<String, Object> metadata;
        boolean container = false;
        if (root instanceof RestrictedUnpickler.ScriptObject module) {
            // torch.jit.save archive: the module tree's tensor attributes are the state dict
            s.flattenScript(module, "", refs, 0);
            metadata = Map.of("torchscript_type", module.type());
        } else if (!(root instanceof Map<?, ?> top)) {
            throw new CheckpointFormatException(
                    file,
                    pkl + " holds a " + RestrictedUnpickler.typeName(root) + ", not a dict of tensors (state_dict)");
        } else if (top.get("state_dict") instanceof Map<?, ?> sd) {
            container = true;
            s.flatten(sd, "", refs, null, 0);
            Object md = top.get("metadata");
            if (md != null && !(md instanceof Map)) {
                throw new CheckpointFormatException(
                        file, "container 'metadata' is a " + RestrictedUnpickler.typeName(md) + ", not a dict");
            }
            metadata = md == null ? Map.of() : s.plainMap((Map<?, ?>) md, "metadata", 0);
        } else {
            Map<String, Object> extras = new LinkedHashMap<>();
            s.flatten(top, "", refs, extras, 0);
            metadata = Collections.unmodifiableMap(extras);
        }

        List<TensorInfo> infos = new ArrayList<>();
        for (Map.Entry<String, TensorRef> e : refs.entrySet()) {
            TensorRef r = e.getValue();
            checkStorage(file, bytes, r.storage(), e.getKey());
            infos.add(new TensorInfo(e.getKey(), r.storage().dtype(), r.size()));
        }
        return new TorchCheckpoint(
                file, infos, bytes, order, refs, metadata, container, root instanceof RestrictedUnpickler.ScriptObject);
    }

    /** The format's first bytes: a zip local header, or a clear message for legacy or foreign files. */
    private static void rejectNonZip(Path file) {
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, 4);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && (head[2] == 3 || head[2] == 5)) {
            return;
        }
        throw new CheckpointFormatException(file, "not a zip archive, so not a PyTorch (>= 1.6) checkpoint");
    }

    private static String findDataPkl(Path file, ZipFile zip) {
        String found = null;
        Enumeration<? extends ZipEntry> en = zip.entries();
        while (en.hasMoreElements()) {
            String name = en.nextElement().getName();
            int slash = name.indexOf('/');
            if (slash > 0 && name.endsWith("/data.pkl") && slash == name.length() - "/data.pkl".length()) {
                if (found != null && !found.equals(name)) {
                    throw new CheckpointFormatException(file, "zip holds two pickles, " + found + " and " + name);
                }
                found = name;
            }
        }
        if (found == null) {
            throw new CheckpointFormatException(
                    file, "zip archive has no <stem>/data.pkl entry, so it is not a" + " torch.save checkpoint");
        }
        return found;
    }

    private static ByteOrder readByteOrder(Path file, ZipFile zip, String prefix) throws IOException {
        ZipEntry e = zip.getEntry(prefix + "byteorder");
        if (e == null) {
            return ByteOrder.LITTLE_ENDIAN; // torch before 2.1 wrote none: always little-endian
        }
        String s;
        try (InputStream in = zip.getInputStream(e)) {
            s = new String(in.readNBytes(16), StandardCharsets.US_ASCII).trim();
        }
        return switch (s) {
            case "little" -> ByteOrder.LITTLE_ENDIAN;
            case "big" -> ByteOrder.BIG_ENDIAN;
            default ->
                throw new CheckpointFormatException(
                        file, prefix + "byteorder holds '" + s + "', expected 'little' or 'big'");
        };
    }

    private static void checkStorage(Path file, StorageBytes bytes, StorageRef s, String tensor) {
        long have = bytes.size(s);
        if (have < 0) {
            throw new CheckpointFormatException(file, "tensor '" + tensor + "': " + bytes.describe(s) + " is missing");
        }
        long need;
        try {
            need = Math.multiplyExact(s.numel(), (long) s.dtype().bytes());
        } catch (ArithmeticException x) {
            throw new CheckpointFormatException(
                    file, "tensor '" + tensor + "': storage '" + s.key() + "' numel " + s.numel() + " is absurd");
        }
        if (have < need) {
            throw new CheckpointFormatException(
                    file,
                    "tensor '" + tensor + "': " + bytes.describe(s) + " has " + have + " bytes but "
                            + s.dtype().torchStorage() + " of " + s.numel() + " elements needs " + need);
        }
    }

    /**
     * The non-tensor content: for the DAC container its {@code metadata} dict (e.g.
     * {@code {"kwargs": {...}}}), otherwise the non-tensor leaves of the dict by dotted path (usually
     * empty). Values are plain Java objects: {@code Map<String,Object>} (insertion-ordered), {@code List}
     * (Python lists and tuples), {@code String}, {@code Long} ({@code BigInteger} beyond 64 bits),
     * {@code Double}, {@code Boolean}, {@code null}; a tensor found there is described by its
     * {@link TensorInfo}. Non-string dict keys are turned into strings. Unmodifiable.
     */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /**
     * The DAC constructor arguments: {@code metadata()["kwargs"]} of the container, or an empty map
     * when absent.
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> kwargs() {
        return metadata.get("kwargs") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** True for a {@code torch.jit.save} archive (e.g. OpenAI's CLIP {@code ViT-B-32.pt}). */
    public boolean isTorchScript() {
        return torchScript;
    }

    /** True for the released-DAC container layout ({@code {'state_dict': ..., 'metadata': ...}}). */
    public boolean isDacContainer() {
        return dacContainer;
    }

    /** Byte order of the storages ({@code <stem>/byteorder}; little-endian when absent). */
    public ByteOrder byteOrder() {
        return byteOrder;
    }

    @Override
    ByteBuffer cOrderBytes(TensorInfo info) {
        TensorRef r = refs.get(info.name());
        int es = r.storage().dtype().bytes();
        long last = RawData.maxIndex(r.size(), r.stride());
        if (last < 0) {
            return ByteBuffer.allocate(0);
        }
        long count = last + 1; // elements spanned from the view's first element
        if (count * es > RawData.MAX_TENSOR_BYTES) {
            throw new CheckpointFormatException(
                    path(),
                    "tensor '" + info.name() + "' spans " + count * es
                            + " bytes of its storage; over 2 GiB is not supported by this reader");
        }
        String what = bytes.describe(r.storage());
        byte[] span;
        try (InputStream in = bytes.open(r.storage())) {
            in.skipNBytes(r.offset() * es);
            span = RawData.readExactly(in, (int) (count * es), path(), what);
        } catch (ZipException e) {
            throw new CheckpointFormatException(path(), "cannot read " + what + ": " + e.getMessage(), e);
        } catch (java.io.EOFException e) {
            throw new CheckpointFormatException(path(), what + " truncated", e);
        } catch (IOException e) {
            throw new UncheckedIOException(path() + ": " + e.getMessage(), e);
        }
        ByteBuffer buf = ByteBuffer.wrap(span);
        if (byteOrder == ByteOrder.LITTLE_ENDIAN && RawData.isCContiguous(r.size(), r.stride())) {
            return buf.order(ByteOrder.LITTLE_ENDIAN);
        }
        return RawData.gather(buf, byteOrder, es, r.size(), r.stride(), 0);
    }

    @Override
    void closeResources() {
        try {
            bytes.close();
        } catch (IOException e) {
            throw new UncheckedIOException(path() + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ legacy (pre-1.6) format

    /** {@code torch.serialization.MAGIC_NUMBER}, the first pickle of a legacy file. */
    private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);

    /** {@code torch.serialization.PROTOCOL_VERSION}, its second pickle. */
    private static final long LEGACY_PROTOCOL = 1001;

    /** The first pickle read as a whole; doubled until the pickles fit (at most {@link #MAX_PICKLE_BYTES}). */
    private static final int LEGACY_FIRST_READ = 1 << 20;

    /** Protocol-2 pickle of a LONG1 (the magic number): {@code 80 02 8a}. */
    private static boolean isLegacy(Path file) {
        byte[] head = new byte[3];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, 3);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        return n == 3 && (head[0] & 0xff) == 0x80 && head[1] == 2 && (head[2] & 0xff) == 0x8a;
    }

    /**
     * The legacy {@code torch.save} layout (PyTorch before 1.6, or {@code _use_new_zipfile_serialization=False}):
     * five pickles one after the other (magic number, protocol 1001, system info, the object with
     * persistent storage ids, the sorted storage keys), then per key an int64 element count and the
     * storage's raw bytes.
     */
    private static TorchCheckpoint readLegacy(Path file) throws IOException {
        long size = Files.size(file);
        long limit = Math.min(size, MAX_PICKLE_BYTES);
        for (long len = Math.min(limit, LEGACY_FIRST_READ); ; len = Math.min(limit, len * 4)) {
            byte[] head;
            try (InputStream in = Files.newInputStream(file)) {
                head = in.readNBytes((int) len);
            }
            try {
                return parseLegacy(file, head, size);
            } catch (CheckpointFormatException e) {
                if (len >= limit) {
                    throw e; // the pickles did not fit a shorter read, or the file is broken
                }
            }
        }
    }

    private static TorchCheckpoint parseLegacy(Path file, byte[] head, long fileSize) throws IOException {
        String what = "legacy torch.save pickles";
        RestrictedUnpickler u = new RestrictedUnpickler(file, what, head);
        Object magic = u.load();
        if (!LEGACY_MAGIC.equals(magic instanceof Long l ? BigInteger.valueOf(l) : magic)) {
            throw new CheckpointFormatException(file, "starts with a pickled integer that is not torch's magic number");
        }
        Object protocol = u.load();
        if (!Long.valueOf(LEGACY_PROTOCOL).equals(protocol)) {
            throw new CheckpointFormatException(
                    file, "legacy torch.save protocol " + protocol + ", expected " + LEGACY_PROTOCOL);
        }
        Object sysInfo = u.load();
        if (sysInfo instanceof Map<?, ?> info && Boolean.FALSE.equals(info.get("little_endian"))) {
            throw new CheckpointFormatException(file, "written on a big-endian machine; not supported");
        }
        Object root = u.load();
        Object keys = u.load();
        if (!(keys instanceof List<?> keyList)) {
            throw new CheckpointFormatException(
                    file, "legacy storage key list is a " + RestrictedUnpickler.typeName(keys) + ", not a list");
        }
        Map<String, long[]> regions = new LinkedHashMap<>();
        long at = u.position();
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            ByteBuffer count = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            for (Object k : keyList) {
                StorageRef ref = k instanceof String key ? u.storages().get(key) : null;
                if (ref == null) {
                    throw new CheckpointFormatException(
                            file, "legacy storage key " + k + " is not referenced by any tensor");
                }
                count.clear();
                while (count.hasRemaining() && ch.read(count, at + count.position()) > 0) {
                    // reads the 8-byte element count
                }
                if (count.hasRemaining()) {
                    throw new CheckpointFormatException(
                            file, "legacy storage '" + k + "' truncated (no element count)");
                }
                long numel = count.getLong(0);
                if (numel != ref.numel()) {
                    throw new CheckpointFormatException(
                            file,
                            "legacy storage '" + k + "' holds " + numel + " elements, its tensors say " + ref.numel());
                }
                long n = numel * ref.dtype().bytes();
                regions.put((String) k, new long[] {at + 8, Math.max(0, Math.min(n, fileSize - at - 8))});
                at += 8 + n;
            }
        }
        return interpret(file, what, root, ByteOrder.LITTLE_ENDIAN, new FileRegions(file, regions));
    }

    /** Where the storages' bytes are. */
    private interface StorageBytes {
        /** Bytes present for the storage, or −1 when there are none. */
        long size(StorageRef s);

        /** The storage's place, for messages. */
        String describe(StorageRef s);

        /** A stream positioned at the storage's first byte. */
        InputStream open(StorageRef s) throws IOException;

        void close() throws IOException;
    }

    /** Zip format: one {@code <stem>/data/<key>} entry per storage. */
    private record ZipStorages(ZipFile zip, String prefix) implements StorageBytes {
        @Override
        public long size(StorageRef s) {
            ZipEntry e = zip.getEntry(prefix + "data/" + s.key());
            return e == null ? -1 : e.getSize();
        }

        @Override
        public String describe(StorageRef s) {
            return "storage entry " + prefix + "data/" + s.key();
        }

        @Override
        public InputStream open(StorageRef s) throws IOException {
            return zip.getInputStream(zip.getEntry(prefix + "data/" + s.key()));
        }

        @Override
        public void close() throws IOException {
            zip.close();
        }
    }

    /** Legacy format: regions of the file, key → {first byte, length}. */
    private record FileRegions(Path file, Map<String, long[]> regions) implements StorageBytes {
        @Override
        public long size(StorageRef s) {
            long[] r = regions.get(s.key());
            return r == null ? -1 : r[1];
        }

        @Override
        public String describe(StorageRef s) {
            return "legacy storage '" + s.key() + "'";
        }

        @Override
        public InputStream open(StorageRef s) throws IOException {
            InputStream in = Files.newInputStream(file);
            in.skipNBytes(regions.get(s.key())[0]);
            return in;
        }

        @Override
        public void close() {
            // nothing held open between reads
        }
    }

    /** Walks the unpickled object graph with a depth limit, cycle detection and a node budget. */
    private static final class Structure {
        private final Path file;
        private final String pkl;
        private final Set<Object> path = Collections.newSetFromMap(new IdentityHashMap<>());
        private final Set<Object> scriptPath = Collections.newSetFromMap(new IdentityHashMap<>());
        private int nodes;

        Structure(Path file, String pkl) {
            this.file = file;
            this.pkl = pkl;
        }

        private void enter(Object o, String where, int depth) {
            if (depth > MAX_DEPTH) {
                throw new CheckpointFormatException(
                        file, pkl + ": nesting deeper than " + MAX_DEPTH + " at '" + where + "'");
            }
            if (++nodes > MAX_NODES) {
                throw new CheckpointFormatException(file, pkl + ": more than " + MAX_NODES + " objects (absurd)");
            }
            if ((o instanceof Map || o instanceof List || o instanceof PyTuple) && !path.add(o)) {
                throw new CheckpointFormatException(file, pkl + ": recursive structure at '" + where + "'");
            }
        }

        private void leave(Object o) {
            path.remove(o);
        }

        /** Tensors into {@code refs} by dotted name; non-tensors into {@code extras}, or an error if null. */
        void flatten(
                Map<?, ?> dict, String prefix, Map<String, TensorRef> refs, Map<String, Object> extras, int depth) {
            enter(dict, prefix, depth);
            for (Map.Entry<?, ?> e : dict.entrySet()) {
                Object k = e.getKey();
                if (!(k instanceof String) && !(k instanceof Long)) {
                    throw new CheckpointFormatException(
                            file,
                            pkl + ": dict key " + RestrictedUnpickler.typeName(k) + " under '" + prefix
                                    + "' is not a string");
                }
                String name = prefix.isEmpty() ? k.toString() : prefix + "." + k;
                Object v = e.getValue();
                if (v instanceof TensorRef t) {
                    if (refs.put(name, t) != null) {
                        throw new CheckpointFormatException(file, "duplicate tensor name '" + name + "'");
                    }
                } else if (v instanceof Map<?, ?> sub && !sub.isEmpty()) {
                    flatten(sub, name, refs, extras, depth + 1);
                } else if (extras != null) {
                    extras.put(name, plain(v, name, depth + 1));
                } else {
                    throw new CheckpointFormatException(
                            file,
                            "state_dict entry '" + name + "' is a " + RestrictedUnpickler.typeName(v)
                                    + ", not a tensor");
                }
            }
            leave(dict);
        }

        /**
         * Tensors of a TorchScript module tree by dotted attribute path (the names {@code state_dict()}
         * gives, plus any plain tensor attributes); non-tensor attributes (flags, None, lists) are skipped.
         */
        void flattenScript(
                RestrictedUnpickler.ScriptObject obj, String prefix, Map<String, TensorRef> refs, int depth) {
            enterScript(obj, prefix, depth);
            for (Map.Entry<String, Object> e : obj.attributes().entrySet()) {
                String name = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
                if (e.getValue() instanceof TensorRef t) {
                    if (refs.put(name, t) != null) {
                        throw new CheckpointFormatException(file, "duplicate tensor name '" + name + "'");
                    }
                } else if (e.getValue() instanceof RestrictedUnpickler.ScriptObject child) {
                    flattenScript(child, name, refs, depth + 1);
                }
            }
            scriptPath.remove(obj);
        }

        private void enterScript(RestrictedUnpickler.ScriptObject o, String where, int depth) {
            if (depth > MAX_DEPTH) {
                throw new CheckpointFormatException(
                        file, pkl + ": module nesting deeper than " + MAX_DEPTH + " at '" + where + "'");
            }
            if (++nodes > MAX_NODES) {
                throw new CheckpointFormatException(file, pkl + ": more than " + MAX_NODES + " objects (absurd)");
            }
            if (!scriptPath.add(o)) {
                throw new CheckpointFormatException(file, pkl + ": recursive module structure at '" + where + "'");
            }
        }

        Map<String, Object> plainMap(Map<?, ?> m, String where, int depth) {
            enter(m, where, depth);
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                Object k = e.getKey();
                String key;
                if (k instanceof String s) {
                    key = s;
                } else if (k == null
                        || k instanceof Long
                        || k instanceof BigInteger
                        || k instanceof Double
                        || k instanceof Boolean) {
                    key = k == null ? "None" : k instanceof Boolean b ? (b ? "True" : "False") : k.toString();
                } else {
                    throw new CheckpointFormatException(
                            file,
                            pkl + ": dict key of type " + RestrictedUnpickler.typeName(k) + " under '" + where
                                    + "' cannot be a metadata key");
                }
                out.put(key, plain(e.getValue(), where + "." + key, depth + 1));
            }
            leave(m);
            return Collections.unmodifiableMap(out);
        }

        Object plain(Object v, String where, int depth) {
            if (v == null
                    || v instanceof String
                    || v instanceof Long
                    || v instanceof BigInteger
                    || v instanceof Double
                    || v instanceof Boolean) {
                return v;
            }
            if (v instanceof Map<?, ?> m) {
                return plainMap(m, where, depth);
            }
            if (v instanceof List<?> || v instanceof PyTuple) {
                List<?> items = v instanceof PyTuple t ? t.items() : (List<?>) v;
                enter(v, where, depth);
                List<Object> out = new ArrayList<>(items.size());
                for (int i = 0; i < items.size(); i++) {
                    out.add(plain(items.get(i), where + "[" + i + "]", depth + 1));
                }
                leave(v);
                return Collections.unmodifiableList(out);
            }
            if (v instanceof TensorRef t) {
                return new TensorInfo(where, t.storage().dtype(), t.size());
            }
            throw new CheckpointFormatException(
                    file,
                    pkl + ": value at '" + where + "' is a " + RestrictedUnpickler.typeName(v)
                            + ", which is not plain data");
        }
    }
}
