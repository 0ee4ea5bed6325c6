package io.visage.core.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reading the MP4 box structure: a scan of the top-level boxes of a file (without loading
 * {@code mdat}) and parsing of an in-memory box into an {@link Mp4Box} tree. Which boxes are
 * descended into is fixed by {@link #CONTAINERS}; everything else (sample entries included) is
 * kept as an opaque leaf and copied byte for byte when the tree is written back.
 */
public final class Mp4Boxes {
    /** Boxes whose payload is nothing but child boxes. */
    public static final Set<String> CONTAINERS =
            Set.of("moov", "trak", "mdia", "minf", "stbl", "dinf", "edts", "mvex", "moof", "traf", "mfra");

    /** {@code stsd}: 4 bytes version/flags and 4 bytes entry count precede the sample entries. */
    static final int STSD_PREFIX = 8;

    private Mp4Boxes() {}

    /**
     * A box found by {@link #scanTopLevel}.
     *
     * @param offset     file offset of the box header
     * @param size       total size including the header
     * @param headerSize 8, or 16 for a 64-bit size
     */
    public record TopLevelBox(String type, long offset, long size, int headerSize) {
        /** File offset of the first payload byte. */
        public long payloadOffset() {
            return offset + headerSize;
        }

        /** Payload length in bytes. */
        public long payloadSize() {
            return size - headerSize;
        }
    }

    /**
     * Lists the top-level boxes of an MP4 file, reading only their headers.
     *
     * @throws Mp4FormatException if the file is not a sequence of well-formed boxes
     */
    public static List<TopLevelBox> scanTopLevel(FileChannel ch, Path file) throws IOException {
        long fileSize = ch.size();
        List<TopLevelBox> boxes = new ArrayList<>();
        long pos = 0;
        ByteBuffer header = ByteBuffer.allocate(16);
        while (pos < fileSize) {
            if (fileSize - pos < 8) {
                throw notMp4(
                        file,
                        boxes,
                        fileSize - pos + " trailing bytes at offset " + pos
                                + " are too short for a box header (8 bytes)");
            }
            header.clear().limit(8);
            readFully(ch, header, pos);
            header.flip();
            long size = Integer.toUnsignedLong(header.getInt());
            String type = fourcc(header);
            int headerSize = 8;
            if (!isPlausibleType(type)) {
                throw notMp4(file, boxes, "bytes at offset " + pos + " are not a box type: " + printable(type));
            }
            if (size == 1) {
                if (fileSize - pos < 16) {
                    throw notMp4(file, boxes, "box '" + type + "' at offset " + pos + " is cut off in its 64-bit size");
                }
                header.clear().limit(8);
                readFully(ch, header, pos + 8);
                header.flip();
                size = header.getLong();
                headerSize = 16;
            } else if (size == 0) {
                size = fileSize - pos; // box extends to the end of the file
            }
            if (size < headerSize || size > fileSize - pos) {
                throw notMp4(
                        file,
                        boxes,
                        "box '" + type + "' at offset " + pos + " declares " + size + " bytes but " + (fileSize - pos)
                                + " remain in the file (header " + headerSize + ")");
            }
            boxes.add(new TopLevelBox(type, pos, size, headerSize));
            pos += size;
        }
        if (boxes.isEmpty()) {
            throw new Mp4FormatException(file, "not an MP4 file: it is empty");
        }
        return boxes;
    }

    /** Reads a top-level box fully into memory and parses it into a tree. */
    public static Mp4Box readBox(FileChannel ch, TopLevelBox box, Path file) throws IOException {
        if (box.payloadSize() > Integer.MAX_VALUE - 16) {
            throw new Mp4FormatException(
                    file, "box '" + box.type() + "' of " + box.size() + " bytes is too large to load into memory");
        }
        ByteBuffer payload = ByteBuffer.allocate((int) box.payloadSize());
        readFully(ch, payload, box.payloadOffset());
        payload.flip();
        return parseBody(box.type(), payload, file, box.type());
    }

    /**
     * Parses a sequence of boxes filling the buffer between its position and limit.
     *
     * @param where path of the enclosing box for error messages, e.g. {@code "moov/trak[1]/mdia"}
     */
    public static List<Mp4Box> parseChildren(ByteBuffer buf, Path file, String where) {
        List<Mp4Box> out = new ArrayList<>();
        while (buf.hasRemaining()) {
            int start = buf.position();
            int remaining = buf.remaining();
            if (remaining < 8) {
                if (allZero(buf)) { // QuickTime allows a 32-bit zero terminator after the last child
                    break;
                }
                throw new Mp4FormatException(
                        file,
                        where + ": " + remaining + " trailing bytes at offset " + start
                                + " are too short for a box header");
            }
            long size = Integer.toUnsignedLong(buf.getInt());
            String type = fourcc(buf);
            int headerSize = 8;
            if (size == 1) {
                if (buf.remaining() < 8) {
                    throw new Mp4FormatException(file, where + "/" + type + ": cut off in its 64-bit size");
                }
                size = buf.getLong();
                headerSize = 16;
            } else if (size == 0) {
                size = remaining;
            }
            if (size < headerSize || size > remaining) {
                throw new Mp4FormatException(
                        file,
                        where + "/" + escaped(type) + ": declares " + size + " bytes but its parent has " + remaining
                                + " left");
            }
            ByteBuffer payload = buf.duplicate();
            payload.position(start + headerSize).limit(start + (int) size);
            out.add(parseBody(type, payload.slice(), file, where + "/" + escaped(type)));
            buf.position(start + (int) size);
        }
        return out;
    }

    private static Mp4Box parseBody(String type, ByteBuffer payload, Path file, String where) {
        if (CONTAINERS.contains(type)) {
            return Mp4Box.container(type, new byte[0], parseChildren(payload, file, where));
        }
        if (type.equals("stsd")) {
            if (payload.remaining() < STSD_PREFIX) {
                throw new Mp4FormatException(
                        file, where + ": " + payload.remaining() + " bytes, expected at least " + STSD_PREFIX);
            }
            byte[] prefix = new byte[STSD_PREFIX];
            payload.get(prefix);
            List<Mp4Box> entries = parseChildren(payload, file, where);
            long declared = Integer.toUnsignedLong(ByteBuffer.wrap(prefix).getInt(4));
            if (declared != entries.size()) {
                throw new Mp4FormatException(
                        file,
                        where + ": entry count says " + declared + " but " + entries.size() + " sample entries follow");
            }
            return Mp4Box.container(type, prefix, entries);
        }
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        return Mp4Box.leaf(type, bytes);
    }

    /**
     * Length of the fixed part of a sound sample entry payload (reserved bytes, data reference
     * index and the QuickTime/ISO sound description), after which child boxes such as {@code esds}
     * or {@code SA3D} start.
     *
     * @param version the sound description version at payload offset 8 (0, 1 or 2)
     */
    static int soundEntryFixedLength(int version, Path file, String where) {
        return switch (version) {
            case 0 -> 28;
            case 1 -> 28 + 16;
            case 2 -> 64;
            default ->
                throw new Mp4FormatException(
                        file,
                        where + ": unknown sound sample description version " + version + " (expected 0, 1 or 2)");
        };
    }

    /** The child boxes of a sound sample entry (e.g. {@code mp4a}, {@code sowt}) parsed from its payload. */
    static List<Mp4Box> soundEntryChildren(Mp4Box entry, Path file, String where) {
        ByteBuffer body = entry.body();
        if (body.remaining() < 28) {
            throw new Mp4FormatException(
                    file, where + ": sound sample entry has " + body.remaining() + " bytes, expected at least 28");
        }
        int fixed = soundEntryFixedLength(body.getShort(8) & 0xFFFF, file, where);
        if (body.remaining() < fixed) {
            throw new Mp4FormatException(
                    file,
                    where + ": sound sample entry has " + body.remaining() + " bytes, its version needs " + fixed);
        }
        body.position(fixed);
        return parseChildren(body.slice(), file, where);
    }

    static String fourcc(ByteBuffer buf) {
        byte[] b = new byte[4];
        buf.get(b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static void readFully(FileChannel ch, ByteBuffer dst, long position) throws IOException {
        long pos = position;
        while (dst.hasRemaining()) {
            int n = ch.read(dst, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file at offset " + pos);
            }
            pos += n;
        }
    }

    private static boolean isPlausibleType(String type) {
        for (int i = 0; i < 4; i++) {
            char c = type.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                return false;
            }
        }
        return true;
    }

    private static boolean allZero(ByteBuffer buf) {
        for (int i = buf.position(); i < buf.limit(); i++) {
            if (buf.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    private static String printable(String type) {
        return "'" + escaped(type) + "'";
    }

    private static String escaped(String type) {
        StringBuilder sb = new StringBuilder();
        for (char c : type.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return sb.toString();
    }

    private static Mp4FormatException notMp4(Path file, List<TopLevelBox> seen, String problem) {
        String context = seen.isEmpty()
                ? "not an MP4 (ISO base media) file: "
                : "malformed MP4 after " + seen.size() + " top-level boxes: ";
        return new Mp4FormatException(file, context + problem);
    }
}
