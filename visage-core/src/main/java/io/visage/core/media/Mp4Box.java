package io.visage.core.media;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * One box of an MP4 box tree, held in memory and immutable. A leaf keeps its whole payload; a
 * container keeps the bytes that precede its children (empty for {@code moov}/{@code trak}, the
 * version/flags and entry count for {@code stsd}) and the children themselves. Sizes are never
 * stored: {@link #size()} is computed from the contents, so a rebuilt tree always serialises with
 * correct sizes in every enclosing box.
 */
public final class Mp4Box {
    private static final long MAX_32 = 0xFFFF_FFFFL;

    private final String type;
    private final byte[] body;
    private final List<Mp4Box> children;
    private final boolean container;

    private Mp4Box(String type, byte[] body, List<Mp4Box> children, boolean container) {
        this.type = checkType(type);
        this.body = body.clone();
        this.children = List.copyOf(children);
        this.container = container;
    }

    /** A box whose payload is opaque bytes. */
    public static Mp4Box leaf(String type, byte[] payload) {
        return new Mp4Box(type, payload, List.of(), false);
    }

    /**
     * A box that holds other boxes.
     *
     * @param prefix bytes between the box header and the first child (may be empty)
     */
    public static Mp4Box container(String type, byte[] prefix, List<Mp4Box> children) {
        return new Mp4Box(type, prefix, children, true);
    }

    /** The four-character type, e.g. {@code "stsd"}. */
    public String type() {
        return type;
    }
    /** A read-only big-endian view of the payload (leaf) or of the bytes before the children (container). */
    public ByteBuffer body() {
        return ByteBuffer.wrap(body).asReadOnlyBuffer();
    }

    /** The payload (leaf) or the bytes before the children (container), as a copy. */
    public byte[] bodyBytes() {
        return body.clone();
    }

    /** Direct children in file order; empty for a leaf. */
    public List<Mp4Box> children() {
        return children;
    }

    /** The first direct child of the given type. */
    public Optional<Mp4Box> child(String childType) {
        return children.stream().filter(c -> c.type.equals(childType)).findFirst();
    }

    /** All direct children of the given type, in file order. */
    public List<Mp4Box> children(String childType) {
        return children.stream().filter(c -> c.type.equals(childType)).toList();
    }

    /** The first box reached by following the given child types from this box, e.g. {@code ("mdia", "hdlr")}. */
    public Optional<Mp4Box> find(String... path) {
        Mp4Box at = this;
        for (String step : path) {
            Optional<Mp4Box> next = at.child(step);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            at = next.get();
        }
        return Optional.of(at);
    }

    /** A copy with other children (same type and prefix). */
    public Mp4Box withChildren(List<Mp4Box> newChildren) {
        if (!container) {
            throw new IllegalStateException("box '" + type + "' is a leaf and has no children");
        }
        return new Mp4Box(type, body, newChildren, true);
    }

    /**
     * Rebuilds the tree bottom-up: every box (children first, then this one) is passed through
     * {@code f}; returning the argument keeps a box, returning {@code null} removes it
     * (for this root, {@code null} is returned).
     */
    public Mp4Box transform(UnaryOperator<Mp4Box> f) {
        Mp4Box rebuilt = this;
        if (container) {
            List<Mp4Box> kept = new ArrayList<>(children.size());
            for (Mp4Box c : children) {
                Mp4Box t = c.transform(f);
                if (t != null) {
                    kept.add(t);
                }
            }
            rebuilt = new Mp4Box(type, body, kept, true);
        }
        return f.apply(rebuilt);
    }

    /** Total serialised size in bytes, header included (16-byte header when over 4 GiB). */
    public long size() {
        long content = body.length;
        for (Mp4Box c : children) {
            content += c.size();
        }
        return content + 8 <= MAX_32 ? content + 8 : content + 16;
    }

    /** Serialises the box and its children. */
    public byte[] toBytes() {
        long size = size();
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("box '" + type + "' of " + size + " bytes is too large to hold in memory");
        }
        ByteBuffer out = ByteBuffer.allocate((int) size);
        writeTo(out);
        return out.array();
    }

    /** Writes the box (header, prefix or payload, children) at the buffer's position. */
    public void writeTo(ByteBuffer out) {
        long size = size();
        if (size <= MAX_32) {
            out.putInt((int) size);
            out.put(type.getBytes(StandardCharsets.ISO_8859_1));
        } else {
            out.putInt(1);
            out.put(type.getBytes(StandardCharsets.ISO_8859_1));
            out.putLong(size);
        }
        out.put(body);
        for (Mp4Box c : children) {
            c.writeTo(out);
        }
    }

    @Override
    public String toString() {
        return "'" + type + "' (" + size() + " bytes" + (container ? ", " + children.size() + " children)" : ")");
    }

    static String checkType(String type) {
        Objects.requireNonNull(type, "type");
        if (type.length() != 4 || !StandardCharsets.ISO_8859_1.newEncoder().canEncode(type)) {
            throw new IllegalArgumentException("box type must be 4 ISO-8859-1 characters but was '" + type + "'");
        }
        return type;
    }
}
