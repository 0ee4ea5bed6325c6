package io.visage.nn.io;

import io.visage.nn.CheckpointFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The .npy format (versions 1.0, 2.0, 3.0): magic {@code \x93NUMPY}, version bytes, a 2-byte (1.0)
 * or 4-byte (2.0/3.0) little-endian header length, a Python dict literal
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }} padded with spaces and ended
 * by a newline, then the raw data. Shared by {@link Npy} and {@link Npz}.
 */
final class NpyFormat {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Header dicts above this size are rejected as absurd (numpy itself refuses more than 10000 bytes). */
    static final int MAX_HEADER_BYTES = 1 << 20;

    private static final int ALIGN = 64;

    private NpyFormat() {}

    /**
     * A parsed header.
     *
     * @param dataOffset bytes from the start of the .npy to its data
     * @param dataBytes  numel * element size
     */
    record Header(
            String descr,
            DType dtype,
            ByteOrder order,
            boolean fortran,
            long[] shape,
            long dataOffset,
            long dataBytes) {}

    /**
     * Reads and validates a header from the start of a .npy stream whose total size is {@code available}
     * bytes; the data size implied by dtype and shape must equal what follows the header.
     *
     * @param what prefix for messages: {@code ""} or {@code "entry 'x.npy': "}
     */
    static Header read(InputStream in, long available, Path file, String what) throws IOException {
        if (available < 10) {
            throw new CheckpointFormatException(
                    file, what + "file is " + available + " bytes, too short for a .npy header (truncated?)");
        }
        byte[] pre = RawData.readExactly(in, 8, file, what + ".npy preamble");
        for (int i = 0; i < MAGIC.length; i++) {
            if (pre[i] != MAGIC[i]) {
                throw new CheckpointFormatException(file, what + "bad magic: not a .npy array");
            }
        }
        int major = pre[6] & 0xff;
        int minor = pre[7] & 0xff;
        long headerLen;
        int lenBytes;
        if (major == 1) {
            lenBytes = 2;
            byte[] b = RawData.readExactly(in, 2, file, what + ".npy header length");
            headerLen = (b[0] & 0xff) | (b[1] & 0xff) << 8;
        } else if (major == 2 || major == 3) {
            lenBytes = 4;
            byte[] b = RawData.readExactly(in, 4, file, what + ".npy header length");
            headerLen = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
        } else {
            throw new CheckpointFormatException(file, what + "unsupported .npy format version " + major + "." + minor);
        }
        long dataOffset = 8 + lenBytes + headerLen;
        if (headerLen > MAX_HEADER_BYTES) {
            throw new CheckpointFormatException(
                    file, what + "header length " + headerLen + " bytes is absurd (limit " + MAX_HEADER_BYTES + ")");
        }
        if (dataOffset > available) {
            throw new CheckpointFormatException(
                    file,
                    what + "header length " + headerLen + " exceeds the " + (available - 8 - lenBytes)
                            + " bytes that follow it (truncated?)");
        }
        byte[] h = RawData.readExactly(in, (int) headerLen, file, what + ".npy header");
        String text = new String(h, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Header parsed = new DictParser(file, what, text).parse(dataOffset);
        long rest = available - dataOffset;
        if (parsed.dataBytes() != rest) {
            throw new CheckpointFormatException(
                    file,
                    what + "shape " + Arrays.toString(parsed.shape()) + " of '"
                            + parsed.descr() + "' needs " + parsed.dataBytes() + " data bytes but " + rest
                            + (rest < parsed.dataBytes()
                                    ? " follow the header (truncated file or lying shape)"
                                    : " follow the header (trailing bytes or lying shape)"));
        }
        return parsed;
    }

    /** The c-order little-endian bytes of raw .npy data (gathering Fortran order, swapping big-endian). */
    static ByteBuffer toCOrder(ByteBuffer raw, Header h) {
        int es = h.dtype().bytes();
        boolean le = h.order() == ByteOrder.LITTLE_ENDIAN || es == 1;
        if (le && (!h.fortran() || RawData.isCContiguous(h.shape(), RawData.fStrides(h.shape())))) {
            return raw.order(ByteOrder.LITTLE_ENDIAN);
        }
        long[] strides = h.fortran() ? RawData.fStrides(h.shape()) : RawData.cStrides(h.shape());
        return RawData.gather(raw, h.order(), es, h.shape(), strides, 0);
    }

    /** A complete .npy header (preamble, dict, padding, newline) for an array, numpy's own layout. */
    static byte[] header(DType dtype, long[] shape, boolean fortran) {
        String descr = dtype.numpyDescr();
        if (descr == null) {
            throw new IllegalArgumentException("numpy has no " + dtype + " dtype; cast the array first");
        }
        StringBuilder sb = new StringBuilder("{'descr': '")
                .append(descr)
                .append("', 'fortran_order': ")
                .append(fortran ? "True" : "False")
                .append(", 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        sb.append(shape.length == 1 ? ",), }" : "), }");
        int dictLen = sb.length() + 1; // + newline
        boolean v1 = 10 + dictLen + ALIGN <= 0xffff;
        int pre = v1 ? 10 : 12;
        int pad = (ALIGN - (pre + dictLen) % ALIGN) % ALIGN;
        sb.append(" ".repeat(pad)).append('\n');
        byte[] dict = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(pre + dict.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) (v1 ? 1 : 2)).put((byte) 0);
        if (v1) {
            out.putShort((short) dict.length);
        } else {
            out.putInt(dict.length);
        }
        out.put(dict);
        return out.array();
    }

    /** The dtype of a numpy {@code descr} such as {@code '<f4'}; byte order goes to the header. */
    private static DType dtypeOf(String code) {
        return switch (code) {
            case "f2" -> DType.F16;
            case "f4" -> DType.F32;
            case "f8" -> DType.F64;
            case "i1" -> DType.I8;
            case "u1" -> DType.U8;
            case "b1" -> DType.BOOL;
            case "i2" -> DType.I16;
            case "i4" -> DType.I32;
            case "i8" -> DType.I64;
            default -> null;
        };
    }

    /** A parser for exactly the dict literal numpy writes; no evaluation of any kind. */
    private static final class DictParser {
        private final Path file;
        private final String what;
        private final String s;
        private int pos;

        DictParser(Path file, String what, String s) {
            this.file = file;
            this.what = what;
            this.s = s;
        }

        Header parse(long dataOffset) {
            Map<String, Object> dict = new HashMap<>();
            ws();
            expect('{');
            while (true) {
                ws();
                if (peek() == '}') {
                    pos++;
                    break;
                }
                String key = string();
                ws();
                expect(':');
                ws();
                Object value = value(key);
                if (dict.put(key, value) != null) {
                    throw error("duplicate key '" + key + "'");
                }
                ws();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != '}') {
                    throw error("expected ',' or '}' at column " + pos);
                }
            }
            ws();
            if (pos != s.length()) {
                throw error("unexpected text after the dict at column " + pos);
            }
            if (!dict.keySet().equals(java.util.Set.of("descr", "fortran_order", "shape"))) {
                throw error("keys " + dict.keySet() + " are not exactly descr, fortran_order, shape");
            }
            if (!(dict.get("descr") instanceof String descr)) {
                throw error("'descr' is not a string (structured dtypes are not supported)");
            }
            if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
                throw error("'fortran_order' is not True or False");
            }
            if (!(dict.get("shape") instanceof long[] shape)) {
                throw error("'shape' is not a tuple of integers");
            }
            if (descr.length() < 2) {
                throw error("unknown dtype descr '" + descr + "'");
            }
            char bo = descr.charAt(0);
            String code = descr.substring(1);
            DType dtype = dtypeOf(code);
            if (code.startsWith("O")) {
                throw error("object arrays ('" + descr + "', pickled Python objects) are not supported");
            }
            if (dtype == null || "<>|=".indexOf(bo) < 0) {
                throw error("unsupported dtype descr '" + descr + "' (supported: f2 f4 f8 i1 i2 i4 i8 u1 b1)");
            }
            ByteOrder order;
            if (dtype.bytes() == 1) {
                order = ByteOrder.LITTLE_ENDIAN;
            } else if (bo == '<') {
                order = ByteOrder.LITTLE_ENDIAN;
            } else if (bo == '>') {
                order = ByteOrder.BIG_ENDIAN;
            } else {
                throw error("dtype descr '" + descr + "' does not state a byte order");
            }
            String where = what.isEmpty() ? "array" : what.substring(0, what.length() - 2);
            long bytes = RawData.byteSize(file, where, shape, dtype);
            return new Header(descr, dtype, order, fortran, shape, dataOffset, bytes);
        }

        private Object value(String key) {
            char c = peek();
            if (c == '\'' || c == '"') {
                return string();
            }
            if (s.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            if (c == '(') {
                pos++;
                List<Long> dims = new ArrayList<>();
                while (true) {
                    ws();
                    if (peek() == ')') {
                        pos++;
                        break;
                    }
                    dims.add(integer(key));
                    ws();
                    if (peek() == ',') {
                        pos++;
                    } else if (peek() != ')') {
                        throw error("expected ',' or ')' in '" + key + "' at column " + pos);
                    }
                }
                long[] out = new long[dims.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = dims.get(i);
                }
                return out;
            }
            if (c == '[') {
                throw error("'" + key + "' is a list (structured dtypes are not supported)");
            }
            throw error("unexpected value for '" + key + "' at column " + pos);
        }

        private long integer(String key) {
            if (peek() == '-') {
                throw error("'" + key + "' has a negative dimension");
            }
            int start = pos;
            while (pos < s.length() && Character.isDigit(s.charAt(pos)) && s.charAt(pos) < 128) {
                pos++;
            }
            if (start == pos) {
                throw error("expected an integer in '" + key + "' at column " + pos);
            }
            String digits = s.substring(start, pos);
            if (pos < s.length() && s.charAt(pos) == 'L') {
                pos++; // Python 2 long literal
            }
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw error("dimension " + digits + " in '" + key + "' is absurd (over 64 bits)");
            }
        }

        private String string() {
            char q = peek();
            if (q != '\'' && q != '"') {
                throw error("expected a quoted string at column " + pos);
            }
            int end = s.indexOf(q, pos + 1);
            if (end < 0) {
                throw error("unterminated string at column " + pos);
            }
            String v = s.substring(pos + 1, end);
            pos = end + 1;
            return v;
        }

        private void ws() {
            while (pos < s.length()
                    && (s.charAt(pos) == ' '
                            || s.charAt(pos) == '\n'
                            || s.charAt(pos) == '\t'
                            || s.charAt(pos) == '\r')) {
                pos++;
            }
        }

        private char peek() {
            if (pos >= s.length()) {
                throw error("header dict ends unexpectedly");
            }
            return s.charAt(pos);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "' at column " + pos);
            }
            pos++;
        }

        private CheckpointFormatException error(String problem) {
            String shown = s.length() > 120 ? s.substring(0, 120) + "..." : s.strip();
            return new CheckpointFormatException(file, what + "invalid .npy header " + shown + ": " + problem);
        }
    }
}
