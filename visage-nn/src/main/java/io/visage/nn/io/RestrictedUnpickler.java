package io.visage.nn.io;

import io.visage.nn.CheckpointFormatException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pickle interpreter for the subset {@code torch.save} emits for state dicts, and nothing more.
 *
 * <p>It builds only inert Java values: {@code String}, {@code Long} (or {@code BigInteger} beyond
 * 64 bits), {@code Double}, {@code Boolean}, {@code null}, {@link PyTuple}, {@code ArrayList},
 * {@code LinkedHashMap} (for {@code dict} and {@code collections.OrderedDict}), and the torch
 * records {@link StorageRef} and {@link TensorRef}. Globals are looked up in a fixed whitelist
 * ({@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2},
 * {@code torch._utils._rebuild_parameter}, the {@code torch.*Storage} classes of {@link DType});
 * REDUCE is interpreted only for those, by code here. Any other global or opcode is a
 * {@link CheckpointFormatException} naming it. Nothing is ever executed, loaded or instantiated
 * reflectively. The work is iterative (no recursion on input structure) and every length is checked
 * against the remaining input before anything is allocated.
 */
final class RestrictedUnpickler {
    /** An immutable Python tuple. */
    record PyTuple(List<Object> items) {
        PyTuple {
            items = java.util.Collections.unmodifiableList(new ArrayList<>(items));
        }
    }

    /** A whitelisted global (class or function) reference. */
    record PyGlobal(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    /** A torch storage: persistent id {@code ('storage', torch.XStorage, key, location, numel)}. */
    record StorageRef(DType dtype, String key, String location, long numel) {}

    /** A tensor view of a storage, from {@code _rebuild_tensor_v2}. Offset and strides are in elements. */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {}

    /**
     * A TorchScript class ({@code __torch__.*} global of a {@code torch.jit.save} archive such as
     * OpenAI's CLIP {@code ViT-B-32.pt}): only ever instantiated as an inert attribute bag by NEWOBJ;
     * its code (under {@code code/} in the archive) is never read.
     */
    record ScriptClass(String qualified) {}

    /** An instance of a {@link ScriptClass}: the attributes BUILD gave it (modules, tensors, flags). */
    static final class ScriptObject {
        private final String type;
        private final Map<String, Object> attributes = new LinkedHashMap<>();

        ScriptObject(String type) {
            this.type = type;
        }

        String type() {
            return type;
        }

        Map<String, Object> attributes() {
            return attributes;
        }
    }

    static final PyGlobal ORDERED_DICT = new PyGlobal("collections", "OrderedDict");
    static final PyGlobal REBUILD_TENSOR_V2 = new PyGlobal("torch._utils", "_rebuild_tensor_v2");
    static final PyGlobal REBUILD_PARAMETER = new PyGlobal("torch._utils", "_rebuild_parameter");
    /** TorchScript pickler helpers: they only restore a value's static type ({@code (value, type)} → value). */
    static final PyGlobal RESTORE_TYPE_TAG = new PyGlobal("torch.jit._pickle", "restore_type_tag");

    static final List<PyGlobal> BUILD_LISTS = List.of(
            new PyGlobal("torch.jit._pickle", "build_intlist"),
            new PyGlobal("torch.jit._pickle", "build_doublelist"),
            new PyGlobal("torch.jit._pickle", "build_boollist"),
            new PyGlobal("torch.jit._pickle", "build_tensorlist"));
    private static final String TORCHSCRIPT_PREFIX = "__torch__";

    private static final Map<String, PyGlobal> ALLOWED = new HashMap<>();
    private static final Map<PyGlobal, DType> STORAGE_TYPES = new HashMap<>();

    static {
        for (PyGlobal g : List.of(ORDERED_DICT, REBUILD_TENSOR_V2, REBUILD_PARAMETER, RESTORE_TYPE_TAG)) {
            ALLOWED.put(g.qualified(), g);
        }
        for (PyGlobal g : BUILD_LISTS) {
            ALLOWED.put(g.qualified(), g);
        }
        for (DType d : DType.values()) {
            PyGlobal g = new PyGlobal("torch", d.torchStorage());
            ALLOWED.put(g.qualified(), g);
            STORAGE_TYPES.put(g, d);
        }
    }

    /** Pushes plus memo stores a pickle may make; torch.save needs about 30 per tensor. */
    static final long DEFAULT_MAX_OBJECTS = 5_000_000;

    private final Path file;
    private final String source;
    private final ByteBuffer in;
    private final long maxObjects;
    private long objects;
    private final List<Object> stack = new ArrayList<>();
    private final Deque<Integer> marks = new ArrayDeque<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private final Map<String, StorageRef> storages = new LinkedHashMap<>();
    private int opPos;

    /**
     * @param file   the checkpoint, for messages
     * @param source the pickle's name inside it (e.g. {@code weights/data.pkl}), for messages
     */
    RestrictedUnpickler(Path file, String source, byte[] pickle) {
        this(file, source, pickle, DEFAULT_MAX_OBJECTS);
    }

    /** @param maxObjects budget of pushes and memo stores, so a hostile pickle cannot exhaust memory */
    RestrictedUnpickler(Path file, String source, byte[] pickle, long maxObjects) {
        this.file = file;
        this.source = source;
        this.in = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
        this.maxObjects = maxObjects;
    }

    /** Every storage referenced, by key, in first-use order. */
    Map<String, StorageRef> storages() {
        return storages;
    }

    /** Bytes consumed so far: after {@link #load()}, the offset just past its STOP. */
    int position() {
        return in.position();
    }

    /**
     * Interprets the pickle up to STOP and returns the top object. Several pickles written one after
     * the other (the legacy torch.save format) are read by calling this again: the stack and memo start
     * empty, the storages seen accumulate.
     */
    Object load() {
        stack.clear();
        marks.clear();
        memo.clear();
        while (true) {
            if (!in.hasRemaining()) {
                throw fail("pickle ends without STOP (truncated?)");
            }
            opPos = in.position();
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80 -> { // PROTO
                    int v = u8();
                    if (v < 2 || v > 5) {
                        throw fail("unsupported pickle protocol " + v);
                    }
                }
                case 0x95 -> { // FRAME: framing only, the content follows inline
                    long len = in.getLong(need(8));
                    if (len < 0 || len > in.remaining()) {
                        throw fail("FRAME of " + len + " bytes exceeds the " + in.remaining() + " remaining");
                    }
                }
                case '.' -> { // STOP
                    return pop();
                }
                case '(' -> marks.push(stack.size()); // MARK
                case '}' -> push(new LinkedHashMap<Object, Object>()); // EMPTY_DICT
                case ']' -> push(new ArrayList<Object>()); // EMPTY_LIST
                case ')' -> push(new PyTuple(List.of())); // EMPTY_TUPLE
                case 't' -> push(new PyTuple(popMark())); // TUPLE
                case 0x85 -> push(new PyTuple(popN(1))); // TUPLE1
                case 0x86 -> push(new PyTuple(popN(2))); // TUPLE2
                case 0x87 -> push(new PyTuple(popN(3))); // TUPLE3
                case 'X' -> push(string(u32())); // BINUNICODE
                case 0x8c -> push(string(u8())); // SHORT_BINUNICODE
                case 0x8d -> push(string(in.getLong(need(8)))); // BINUNICODE8
                case 'q' -> memoPut(u8()); // BINPUT
                case 'r' -> memoPut(u32()); // LONG_BINPUT
                case 0x94 -> memoPut(memo.size()); // MEMOIZE
                case 'h' -> push(memoGet(u8())); // BINGET
                case 'j' -> push(memoGet(u32())); // LONG_BINGET
                case 'J' -> push((long) in.getInt(need(4))); // BININT
                case 'K' -> push((long) u8()); // BININT1
                case 'M' -> push((long) (in.getShort(need(2)) & 0xffff)); // BININT2
                case 0x8a -> push(long1()); // LONG1
                case 'G' ->
                    push(Double.longBitsToDouble(Long.reverseBytes(in.getLong(need(8))))); // BINFLOAT (big-endian)
                case 0x88 -> push(Boolean.TRUE); // NEWTRUE
                case 0x89 -> push(Boolean.FALSE); // NEWFALSE
                case 'N' -> push(null); // NONE
                case 'c' -> push(global(line(), line())); // GLOBAL
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw fail("STACK_GLOBAL needs two strings");
                    }
                    push(global(m, n));
                }
                case 'R' -> { // REDUCE
                    Object args = pop();
                    Object callable = pop();
                    push(reduce(callable, args));
                }
                case 'b' -> build(pop(), top()); // BUILD
                case 0x81 -> { // NEWOBJ: cls.__new__(cls, *args), only for TorchScript classes with no args
                    Object args = pop();
                    Object cls = pop();
                    if (!(cls instanceof ScriptClass sc)) {
                        throw fail("NEWOBJ on a " + typeName(cls) + " (only TorchScript __torch__ classes are"
                                + " instantiated, as inert attribute holders)");
                    }
                    if (!(args instanceof PyTuple t) || !t.items().isEmpty()) {
                        throw fail("NEWOBJ of " + sc.qualified() + " with arguments " + describe(args));
                    }
                    push(new ScriptObject(sc.qualified()));
                }
                case 's' -> { // SETITEM
                    Object v = pop();
                    Object k = pop();
                    dict(top(), "SETITEM").put(key(k), v);
                }
                case 'u' -> { // SETITEMS
                    List<Object> items = popMark();
                    if (items.size() % 2 != 0) {
                        throw fail("SETITEMS with an odd number of items");
                    }
                    Map<Object, Object> d = dict(top(), "SETITEMS");
                    for (int i = 0; i < items.size(); i += 2) {
                        d.put(key(items.get(i)), items.get(i + 1));
                    }
                }
                case 'a' -> { // APPEND
                    Object v = pop();
                    list(top(), "APPEND").add(v);
                }
                case 'e' -> { // APPENDS
                    List<Object> items = popMark();
                    list(top(), "APPENDS").addAll(items);
                }
                case 'Q' -> push(persistentLoad(pop())); // BINPERSID
                case '0' -> { // POP
                    if (!marks.isEmpty() && marks.peek() == stack.size()) {
                        marks.pop();
                    } else {
                        pop();
                    }
                }
                case '1' -> popMark(); // POP_MARK
                default ->
                    throw fail("unsupported pickle opcode " + opName(op)
                            + " (torch.save never emits it; refusing to interpret)");
            }
        }
    }

    // ---- REDUCE / BUILD / persistent ids: the only places where meaning is given to globals ----

    private Object reduce(Object callable, Object argsObj) {
        if (!(callable instanceof PyGlobal g)) {
            throw fail("REDUCE on a " + typeName(callable) + ", not a whitelisted callable");
        }
        if (!(argsObj instanceof PyTuple t)) {
            throw fail("REDUCE of " + g.qualified() + " with " + typeName(argsObj) + " arguments, not a tuple");
        }
        List<Object> a = t.items();
        if (g.equals(ORDERED_DICT)) {
            if (!a.isEmpty()) {
                throw fail("collections.OrderedDict called with arguments (torch.save passes none)");
            }
            return new LinkedHashMap<Object, Object>();
        }
        if (g.equals(REBUILD_TENSOR_V2)) {
            return rebuildTensor(a);
        }
        if (g.equals(REBUILD_PARAMETER)) {
            // (data, requires_grad, backward_hooks): the parameter is its data tensor
            if (a.size() != 3
                    || !(a.get(0) instanceof TensorRef data)
                    || !(a.get(1) instanceof Boolean)
                    || !(a.get(2) instanceof Map)) {
                throw fail(
                        "torch._utils._rebuild_parameter expects (tensor, bool, OrderedDict) but got " + describe(a));
            }
            return data;
        }
        if (g.equals(RESTORE_TYPE_TAG)) {
            if (a.size() != 2 || !(a.get(1) instanceof String)) {
                throw fail("torch.jit._pickle.restore_type_tag expects (value, str) but got " + describe(a));
            }
            return a.get(0);
        }
        if (BUILD_LISTS.contains(g)) {
            if (a.size() != 1 || !(a.get(0) instanceof List)) {
                throw fail(g.qualified() + " expects (list,) but got " + describe(a));
            }
            return a.get(0);
        }
        throw fail("REDUCE of " + g.qualified() + " is not allowed (a storage class is never called)");
    }

    /** {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])}. */
    private TensorRef rebuildTensor(List<Object> a) {
        if ((a.size() != 6 && a.size() != 7)
                || !(a.get(0) instanceof StorageRef s)
                || !(a.get(1) instanceof Long off)
                || !(a.get(2) instanceof PyTuple size)
                || !(a.get(3) instanceof PyTuple stride)
                || !(a.get(4) instanceof Boolean)
                || !(a.get(5) instanceof Map)
                || (a.size() == 7 && a.get(6) != null && !(a.get(6) instanceof Map))) {
            throw fail("torch._utils._rebuild_tensor_v2 expects (storage, int, tuple, tuple, bool, OrderedDict"
                    + "[, dict]) but got " + describe(a));
        }
        long[] sz = longs(size, "size");
        long[] st = longs(stride, "stride");
        if (sz.length != st.length) {
            throw fail("tensor size " + Arrays.toString(sz) + " and stride " + Arrays.toString(st)
                    + " have different ranks");
        }
        if (off < 0) {
            throw fail("negative storage offset " + off);
        }
        long last;
        try {
            RawData.numel(file, source + " tensor of storage '" + s.key() + "'", sz);
            last = RawData.maxIndex(sz, st);
            if (last >= 0) {
                last = Math.addExact(last, off);
            }
        } catch (ArithmeticException e) {
            throw fail("tensor size " + Arrays.toString(sz) + " with stride " + Arrays.toString(st) + " is absurd");
        }
        if (last >= s.numel()) {
            throw fail("tensor (offset " + off + ", size " + Arrays.toString(sz) + ", stride " + Arrays.toString(st)
                    + ") reaches element " + last + " but storage '" + s.key() + "' has only " + s.numel());
        }
        return new TensorRef(s, off, sz, st);
    }

    private long[] longs(PyTuple t, String what) {
        long[] out = new long[t.items().size()];
        for (int i = 0; i < out.length; i++) {
            if (!(t.items().get(i) instanceof Long v) || v < 0) {
                throw fail("tensor " + what + " " + describe(t.items()) + " must hold non-negative ints");
            }
            out[i] = v;
        }
        return out;
    }

    private void build(Object state, Object target) {
        if (target instanceof ScriptObject obj) {
            if (!(state instanceof Map<?, ?> attrs)) {
                throw fail("BUILD of TorchScript object " + obj.type() + " with a " + typeName(state)
                        + " state (only attribute dicts are read)");
            }
            for (Map.Entry<?, ?> e : attrs.entrySet()) {
                if (!(e.getKey() instanceof String name)) {
                    throw fail("TorchScript object " + obj.type() + " has a non-string attribute name "
                            + describe(e.getKey()));
                }
                obj.attributes().put(name, e.getValue());
            }
            return;
        }
        // torch.save gives the state dict an `_metadata` attribute this way; it is not needed to read
        // tensors, so the state is checked to be plain data and dropped.
        if (!(target instanceof Map)) {
            throw fail("BUILD on a " + typeName(target) + " (only dict attributes are accepted)");
        }
        if (!(state instanceof Map) && !(state instanceof PyTuple)) {
            throw fail("BUILD with a " + typeName(state) + " state");
        }
    }

    private StorageRef persistentLoad(Object pid) {
        if (!(pid instanceof PyTuple t)
                || t.items().size() < 5
                || t.items().size() > 6
                || !"storage".equals(t.items().get(0))) {
            throw fail("persistent id " + describe(pid) + " is not ('storage', type, key, location, numel)");
        }
        if (t.items().size() == 6 && t.items().get(5) != null) {
            // legacy format: (..., numel, view_metadata); views of storages predate torch 1.0
            throw fail("persistent id " + describe(pid) + " is a view of another storage (torch < 1.0),"
                    + " which this reader does not support; re-save the file with a current torch");
        }
        List<Object> a = t.items();
        if (!(a.get(1) instanceof PyGlobal g) || !STORAGE_TYPES.containsKey(g)) {
            throw fail("persistent id names storage type " + describe(a.get(1)) + ", not a torch.*Storage class");
        }
        if (!(a.get(2) instanceof String key)
                || !(a.get(3) instanceof String location)
                || !(a.get(4) instanceof Long numel)
                || numel < 0) {
            throw fail("persistent id " + describe(pid) + " must be ('storage', type, str, str, non-negative int)");
        }
        StorageRef ref = new StorageRef(STORAGE_TYPES.get(g), key, location, numel);
        StorageRef seen = storages.putIfAbsent(key, ref);
        if (seen != null && (seen.dtype() != ref.dtype() || seen.numel() != ref.numel())) {
            throw fail("storage '" + key + "' is referenced as " + seen.dtype() + "[" + seen.numel() + "] and as "
                    + ref.dtype() + "[" + ref.numel() + "]");
        }
        return seen != null ? seen : ref;
    }

    private Object global(String module, String name) {
        if (module.equals(TORCHSCRIPT_PREFIX) || module.startsWith(TORCHSCRIPT_PREFIX + ".")) {
            return new ScriptClass(module + "." + name);
        }
        PyGlobal g = ALLOWED.get(module + "." + name);
        if (g == null || !g.module().equals(module)) {
            throw fail("global '" + module + "." + name + "' is not allowed (a state-dict checkpoint only uses"
                    + " collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter,"
                    + " torch.*Storage, and in TorchScript archives __torch__.* classes and torch.jit._pickle type"
                    + " tags; nothing is executed)");
        }
        return g;
    }

    // ---- stack and input primitives ----

    private void push(Object o) {
        count();
        stack.add(o);
    }

    private void memoPut(long index) {
        count();
        memo.put(index, top());
    }

    private void count() {
        if (++objects > maxObjects) {
            throw fail("pickle builds more than " + maxObjects + " objects (absurd for a state dict)");
        }
    }

    private Object top() {
        int floor = marks.isEmpty() ? 0 : marks.peek();
        if (stack.size() <= floor) {
            throw fail("stack underflow");
        }
        return stack.get(stack.size() - 1);
    }

    private Object pop() {
        Object o = top();
        stack.remove(stack.size() - 1);
        return o;
    }

    private List<Object> popN(int n) {
        int floor = marks.isEmpty() ? 0 : marks.peek();
        if (stack.size() - floor < n) {
            throw fail("stack underflow");
        }
        List<Object> sub = stack.subList(stack.size() - n, stack.size());
        List<Object> out = new ArrayList<>(sub);
        sub.clear();
        return out;
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) {
            throw fail("no MARK on the stack");
        }
        int at = marks.pop();
        List<Object> sub = stack.subList(at, stack.size());
        List<Object> out = new ArrayList<>(sub);
        sub.clear();
        return out;
    }

    private Object memoGet(long index) {
        if (!memo.containsKey(index)) {
            throw fail("memo entry " + index + " was never stored");
        }
        return memo.get(index);
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o, String op) {
        if (!(o instanceof Map)) {
            throw fail(op + " on a " + typeName(o) + ", not a dict");
        }
        return (Map<Object, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o, String op) {
        if (!(o instanceof ArrayList)) {
            throw fail(op + " on a " + typeName(o) + ", not a list");
        }
        return (List<Object>) o;
    }

    /** Dict keys must be hashable in Python: immutable scalars and tuples of them. */
    private Object key(Object k) {
        if (k == null
                || k instanceof String
                || k instanceof Long
                || k instanceof BigInteger
                || k instanceof Double
                || k instanceof Boolean) {
            return k;
        }
        if (k instanceof PyTuple t) {
            for (Object x : t.items()) {
                key(x);
            }
            return k;
        }
        throw fail("unhashable or unsupported dict key of type " + typeName(k));
    }

    private int need(int n) {
        if (in.remaining() < n) {
            throw fail("pickle truncated: opcode needs " + n + " bytes, " + in.remaining() + " remain");
        }
        int p = in.position();
        in.position(p + n);
        return p;
    }

    private int u8() {
        return in.get(need(1)) & 0xff;
    }

    private long u32() {
        return in.getInt(need(4)) & 0xffffffffL;
    }

    private Object long1() {
        int n = u8();
        if (n == 0) {
            return 0L;
        }
        byte[] le = new byte[n];
        in.get(need(n), le);
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) {
            be[i] = le[n - 1 - i];
        }
        BigInteger v = new BigInteger(be); // two's complement
        return v.bitLength() <= 63 ? (Object) v.longValue() : v;
    }

    private String string(long len) {
        if (len < 0 || len > in.remaining()) {
            throw fail("string of " + Long.toUnsignedString(len) + " bytes exceeds the " + in.remaining()
                    + " remaining (truncated or corrupt pickle)");
        }
        int p = need((int) len);
        return new String(in.array(), p, (int) len, StandardCharsets.UTF_8);
    }

    private String line() {
        int start = in.position();
        for (int i = start; i < in.limit(); i++) {
            if (in.get(i) == '\n') {
                in.position(i + 1);
                return new String(in.array(), start, i - start, StandardCharsets.UTF_8);
            }
        }
        throw fail("GLOBAL name not terminated by a newline (truncated pickle)");
    }

    private CheckpointFormatException fail(String problem) {
        return new CheckpointFormatException(file, source + " at byte " + opPos + ": " + problem);
    }

    private static String opName(int op) {
        String hex = String.format("0x%02x", op);
        return op >= 0x20 && op < 0x7f ? hex + " ('" + (char) op + "')" : hex;
    }

    static String typeName(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof PyTuple) {
            return "tuple";
        }
        if (o instanceof Map) {
            return "dict";
        }
        if (o instanceof List) {
            return "list";
        }
        if (o instanceof ScriptObject so) {
            return "TorchScript object " + so.type();
        }
        if (o instanceof ScriptClass sc) {
            return "TorchScript class " + sc.qualified();
        }
        if (o instanceof PyGlobal g) {
            return "global " + g.qualified();
        }
        if (o instanceof StorageRef) {
            return "storage";
        }
        if (o instanceof TensorRef) {
            return "tensor";
        }
        return o.getClass().getSimpleName();
    }

    /** A short, bounded description of a value for messages (no recursion into containers). */
    private static String describe(Object o) {
        if (o instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < l.size() && i < 8; i++) {
                sb.append(i == 0 ? "" : ", ").append(scalar(l.get(i)));
            }
            return sb.append(l.size() > 8 ? ", ...)" : ")").toString();
        }
        if (o instanceof PyTuple t) {
            return describe(t.items());
        }
        return scalar(o);
    }

    private static String scalar(Object o) {
        if (o instanceof String s) {
            return "'" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
        }
        if (o instanceof Long || o instanceof Boolean || o instanceof Double) {
            return String.valueOf(o);
        }
        return typeName(o);
    }
}
