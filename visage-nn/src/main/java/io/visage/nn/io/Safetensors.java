package io.visage.nn.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visage.nn.CheckpointFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A <a href="https://github.com/huggingface/safetensors">safetensors</a> file, each tensor read on
 * demand with a positional read. Not memory-mapped: mapped pages count in the process's resident
 * set until the mapping is collected, which put a whole checkpoint on top of the arrays made from it
 * (peak RSS of loading the three full-size networks 4.95 GB mapped).
 *
 * <p>Layout: an unsigned 64-bit little-endian header length {@code N}, {@code N} bytes of UTF-8
 * JSON mapping each tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} plus an
 * optional {@code "__metadata__"} string map, then the data block (offsets are relative to its
 * start). {@link #open} validates the whole header before reading any tensor: length bounds, JSON
 * syntax, dtype whitelist ({@link DType}), shapes, offsets consistent with dtype and shape, in range,
 * and covering the data block exactly once (no overlaps, holes or trailing bytes), unique names.
 * Every problem is a {@link CheckpointFormatException} naming the file, and the tensor when there is one.
 *
 * <p>{@link #tensors()} lists tensors in header order. Instances are safe for concurrent reads.
 */
public final class Safetensors extends AbstractTensorSource {
    /** Headers above this size are rejected as absurd before anything is allocated. */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    private static final String METADATA_KEY = "__metadata__";
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, long[]> offsets;
    private final Map<String, String> metadata;

    private Safetensors(
            Path path,
            List<TensorInfo> tensors,
            Map<String, long[]> offsets,
            Map<String, String> metadata,
            FileChannel channel,
            long dataStart) {
        super(path, tensors);
        this.offsets = offsets;
        this.metadata = metadata;
        this.channel = channel;
        this.dataStart = dataStart;
    }

    /**
     * Opens and validates a safetensors file; tensor data is read on demand.
     *
     * @throws CheckpointFormatException when the file is malformed
     * @throws UncheckedIOException when the file cannot be read
     */
    public static Safetensors open(Path file) {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
            long size = ch.size();
            if (size < 8) {
                throw new CheckpointFormatException(
                        file, "file is " + size + " bytes, shorter than the 8-byte safetensors header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            RawData.readFully(ch, lenBuf, 0, file, "the header length");
            long n = lenBuf.getLong(0);
            if (n < 0 || n > MAX_HEADER_BYTES) {
                throw new CheckpointFormatException(
                        file,
                        "header length " + Long.toUnsignedString(n) + " bytes is absurd (limit " + MAX_HEADER_BYTES
                                + ")");
            }
            if (n > size - 8) {
                throw new CheckpointFormatException(
                        file,
                        "header length " + n + " bytes exceeds the " + (size - 8)
                                + " bytes that follow the length field (truncated file?)");
            }
            if (n < 2) {
                throw new CheckpointFormatException(file, "header length " + n + " is too small for a JSON object");
            }
            ByteBuffer header = ByteBuffer.allocate((int) n);
            RawData.readFully(ch, header, 8, file, "the header");
            long dataStart = 8 + n;
            long dataLength = size - dataStart;
            Map<String, long[]> offsets = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            List<TensorInfo> tensors = parseHeader(file, header.array(), dataLength, offsets, metadata);
            Safetensors st =
                    new Safetensors(file, tensors, offsets, Collections.unmodifiableMap(metadata), ch, dataStart);
            ch = null; // owned by the source now
            return st;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        } finally {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // the original exception matters more
                }
            }
        }
    }

    /** The {@code __metadata__} string map of the header (empty when absent), in header order. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The {@code [begin, end)} byte range of a tensor, relative to the start of the data block. */
    public long[] dataOffsets(String name) {
        info(name);
        return offsets.get(name).clone();
    }

    /** Reads little-endian non-bool tensors straight into the new array's buffer. */
    @Override
    INDArray readDirect(TensorInfo info) {
        long n = 1;
        for (long d : info.shape()) {
            n *= d;
        }
        if (n == 0 || info.dtype() == DType.BOOL) {
            return null;
        }
        INDArray arr =
                org.nd4j.linalg.factory.Nd4j.createUninitialized(info.dtype().nd4j(), info.shape(), 'c');
        ByteBuffer dst = arr.data().asNio();
        if (dst.order() != ByteOrder.LITTLE_ENDIAN && info.dtype().bytes() > 1) {
            return null;
        }
        long[] o = offsets.get(info.name());
        ByteBuffer window = dst.duplicate().clear().limit((int) (o[1] - o[0]));
        try {
            RawData.readFully(channel, window, dataStart + o[0], path(), "tensor '" + info.name() + "'");
        } catch (IOException e) {
            throw new UncheckedIOException(path() + ": reading tensor '" + info.name() + "': " + e.getMessage(), e);
        }
        return arr;
    }

    @Override
    ByteBuffer cOrderBytes(TensorInfo info) {
        long[] o = offsets.get(info.name());
        ByteBuffer buf = ByteBuffer.allocate((int) (o[1] - o[0])); // sizes were checked against 2 GiB
        try {
            RawData.readFully(channel, buf, dataStart + o[0], path(), "tensor '" + info.name() + "'");
        } catch (IOException e) {
            throw new UncheckedIOException(path() + ": reading tensor '" + info.name() + "': " + e.getMessage(), e);
        }
        return buf.flip().order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    void closeResources() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(path() + ": " + e.getMessage(), e);
        }
    }

    private record Span(String name, long begin, long end) {}

    private static List<TensorInfo> parseHeader(
            Path file, byte[] header, long dataLength, Map<String, long[]> offsets, Map<String, String> metadata) {
        // Top level by hand, so that names keep their order and duplicates are reported by name.
        Map<String, JsonNode> entries = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(header)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new CheckpointFormatException(file, "header is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (entries.containsKey(name)) {
                    throw new CheckpointFormatException(file, "duplicate tensor name '" + name + "' in header");
                }
                p.nextToken();
                entries.put(name, p.readValueAsTree());
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new CheckpointFormatException(file, "invalid JSON header: content after the top-level object");
            }
        } catch (StreamReadException e) {
            // strict duplicate detection also fires for top-level names: report those as tensor names
            JsonStreamContext ctx =
                    e.getProcessor() == null ? null : e.getProcessor().getParsingContext();
            if (ctx != null
                    && ctx.inObject()
                    && ctx.getParent() != null
                    && ctx.getParent().inRoot()
                    && e.getOriginalMessage().startsWith("Duplicate field")) {
                throw new CheckpointFormatException(
                        file, "duplicate tensor name '" + ctx.getCurrentName() + "' in header");
            }
            throw new CheckpointFormatException(file, "invalid JSON header: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new CheckpointFormatException(file, "invalid JSON header: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        List<TensorInfo> tensors = new ArrayList<>();
        List<Span> spans = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : entries.entrySet()) {
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals(METADATA_KEY)) {
                readMetadata(file, v, metadata);
                continue;
            }
            String what = "tensor '" + name + "'";
            if (!v.isObject()) {
                throw new CheckpointFormatException(file, what + ": header entry is not a JSON object but " + v);
            }
            JsonNode dt = v.get("dtype");
            if (dt == null || !dt.isTextual()) {
                throw new CheckpointFormatException(file, what + ": missing or non-string \"dtype\"");
            }
            DType dtype = DType.fromSafetensors(dt.asText());
            if (dtype == null) {
                throw new CheckpointFormatException(
                        file,
                        what + ": unknown dtype '" + dt.asText() + "' (supported: " + Arrays.toString(DType.values())
                                + ")");
            }
            long[] shape = longArray(file, what, "shape", v.get("shape"), -1);
            long[] off = longArray(file, what, "data_offsets", v.get("data_offsets"), 2);
            long bytes = RawData.byteSize(file, what, shape, dtype);
            if (off[0] > off[1] || off[1] > dataLength) {
                throw new CheckpointFormatException(
                        file,
                        what + ": data_offsets " + Arrays.toString(off) + " out of range (the data block has "
                                + dataLength + " bytes)");
            }
            if (off[1] - off[0] != bytes) {
                throw new CheckpointFormatException(
                        file,
                        what + ": data_offsets " + Arrays.toString(off) + " span "
                                + (off[1] - off[0]) + " bytes but " + dtype + " " + Arrays.toString(shape) + " needs "
                                + bytes);
            }
            tensors.add(new TensorInfo(name, dtype, shape));
            offsets.put(name, off);
            spans.add(new Span(name, off[0], off[1]));
        }
        checkCoverage(file, spans, dataLength);
        return tensors;
    }

    private static void readMetadata(Path file, JsonNode v, Map<String, String> metadata) {
        if (!v.isObject()) {
            throw new CheckpointFormatException(file, "__metadata__ is not a JSON object");
        }
        Iterator<Map.Entry<String, JsonNode>> it = v.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> m = it.next();
            if (!m.getValue().isTextual()) {
                throw new CheckpointFormatException(
                        file, "__metadata__ value of '" + m.getKey() + "' is not a string but " + m.getValue());
            }
            metadata.put(m.getKey(), m.getValue().asText());
        }
    }

    private static long[] longArray(Path file, String what, String key, JsonNode node, int requiredLength) {
        if (node == null || !node.isArray()) {
            throw new CheckpointFormatException(file, what + ": missing or non-array \"" + key + "\"");
        }
        if (requiredLength >= 0 && node.size() != requiredLength) {
            throw new CheckpointFormatException(
                    file, what + ": \"" + key + "\" " + node + " must have " + requiredLength + " entries");
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode x = node.get(i);
            if (!x.isIntegralNumber() || !x.canConvertToLong()) {
                throw new CheckpointFormatException(
                        file, what + ": \"" + key + "\" " + node + " holds a value that is not a 64-bit integer");
            }
            out[i] = x.longValue();
            if (out[i] < 0) {
                throw new CheckpointFormatException(
                        file, what + ": \"" + key + "\" " + node + " holds a negative value");
            }
        }
        return out;
    }

    /** The tensors must tile the data block: sorted by offset, each begins where the previous ended. */
    private static void checkCoverage(Path file, List<Span> spans, long dataLength) {
        List<Span> sorted = new ArrayList<>(spans);
        sorted.sort(Comparator.comparingLong(Span::begin).thenComparingLong(Span::end));
        long expected = 0;
        Span prev = null;
        for (Span s : sorted) {
            if (s.begin < expected) {
                throw new CheckpointFormatException(
                        file,
                        "tensors '" + prev.name + "' [" + prev.begin + ", " + prev.end + ") and '" + s.name + "' ["
                                + s.begin + ", " + s.end + ") overlap");
            }
            if (s.begin > expected) {
                throw new CheckpointFormatException(
                        file,
                        "hole of " + (s.begin - expected) + " bytes before tensor '"
                                + s.name + "' at offset " + s.begin
                                + (prev == null
                                        ? ""
                                        : " (previous tensor '" + prev.name + "' ends at " + expected + ")")
                                + "; safetensors data must be contiguous");
            }
            expected = s.end;
            prev = s;
        }
        if (expected != dataLength) {
            throw new CheckpointFormatException(
                    file,
                    (dataLength - expected) + " bytes after the last tensor"
                            + (prev == null ? "" : " '" + prev.name + "'")
                            + " are not covered by the header (data block has "
                            + dataLength + " bytes)");
        }
    }

    /**
     * Writes a safetensors file in the standard layout: 8-byte little-endian header length, JSON header
     * ({@code __metadata__} first when given) padded with spaces so the data starts at a multiple of 8,
     * then each tensor's c-order little-endian bytes, contiguous, in the map's iteration order.
     *
     * @param tensorsInOrder name → array (any ordering or view; written row-major); dtypes of {@link DType}
     * @param metadata       the {@code __metadata__} map, or null / empty for none
     * @throws IllegalArgumentException for a reserved name or an array type no safetensors dtype holds
     */
    public static void write(Path file, Map<String, INDArray> tensorsInOrder, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = header.putObject(METADATA_KEY);
            metadata.forEach((k, v) -> m.put(k, v));
        }
        List<ByteBuffer> data = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, INDArray> e : tensorsInOrder.entrySet()) {
            String name = e.getKey();
            if (name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException(METADATA_KEY + " is reserved and cannot name a tensor");
            }
            INDArray a = e.getValue();
            DType dtype;
            try {
                dtype = DType.of(a.dataType());
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("tensor '" + name + "': " + ex.getMessage(), ex);
            }
            ByteBuffer bytes = RawData.bytesOf(a, 'c');
            ObjectNode t = header.putObject(name);
            t.put("dtype", dtype.safetensorsName());
            ArrayNode shape = t.putArray("shape");
            for (long d : a.shape()) {
                shape.add(d);
            }
            ArrayNode off = t.putArray("data_offsets");
            off.add(offset);
            off.add(offset + bytes.remaining());
            offset += bytes.remaining();
            data.add(bytes);
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        int pad = (8 - (8 + json.length) % 8) % 8;
        ByteBuffer head = ByteBuffer.allocate(8 + json.length + pad).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(json.length + pad).put(json);
        for (int i = 0; i < pad; i++) {
            head.put((byte) ' ');
        }
        head.flip();
        try (FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            RawData.writeFully(ch, head);
            for (ByteBuffer b : data) {
                RawData.writeFully(ch, b.duplicate());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }
}
