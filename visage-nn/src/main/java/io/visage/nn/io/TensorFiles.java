// TEMPORARY stand-in; replaced by the io branch
package io.visage.nn.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.nn.CheckpointFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Opens tensor files. This stand-in reads safetensors only, so the CLI branch compiles and its
 * tests run; the io branch replaces it with the content-sniffing reader for safetensors, PyTorch
 * zip checkpoints, .npy and .npz.
 */
public final class TensorFiles {
    private static final long MAX_HEADER = 100L << 20;

    private TensorFiles() {}

    /**
     * Opens a tensor file and validates its header.
     *
     * @throws CheckpointFormatException naming the file when it is not a valid safetensors file
     * @throws UncheckedIOException when the file cannot be read
     */
    public static TensorSource open(Path file) {
        try {
            return SafetensorsSource.open(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    private static final class SafetensorsSource implements TensorSource {
        private final Path path;
        private final FileChannel channel;
        private final long dataStart;
        private final Map<String, TensorInfo> infos;
        private final Map<String, long[]> offsets;

        private SafetensorsSource(Path path, FileChannel channel, long dataStart, Map<String, TensorInfo> infos,
                Map<String, long[]> offsets) {
            this.path = path;
            this.channel = channel;
            this.dataStart = dataStart;
            this.infos = infos;
            this.offsets = offsets;
        }

        static SafetensorsSource open(Path file) throws IOException {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            try {
                long size = ch.size();
                if (size < 8) {
                    throw new CheckpointFormatException(file, "file has " + size
                            + " bytes, too short for a safetensors header (not a safetensors file?)");
                }
                ByteBuffer head = readFully(ch, 0, 8);
                if (head.get(0) == 'P' && head.get(1) == 'K') {
                    throw new CheckpointFormatException(file, "zip archive (PyTorch checkpoint or .npz); this build"
                            + " reads safetensors only");
                }
                long n = head.order(ByteOrder.LITTLE_ENDIAN).getLong();
                if (n <= 1 || n > MAX_HEADER || n > size - 8) {
                    throw new CheckpointFormatException(file, "safetensors header length " + Long.toUnsignedString(n)
                            + " does not fit a file of " + size + " bytes (truncated, or not a safetensors file)");
                }
                ByteBuffer hb = readFully(ch, 8, (int) n);
                byte[] bytes = new byte[(int) n];
                hb.get(bytes);
                if (bytes[0] != '{') {
                    throw new CheckpointFormatException(file, "safetensors header does not start with '{'");
                }
                JsonNode root;
                try {
                    root = new ObjectMapper().readTree(bytes);
                } catch (JsonProcessingException e) {
                    throw new CheckpointFormatException(file, "safetensors header is not valid JSON: "
                            + e.getOriginalMessage(), e);
                }
                long dataStart = 8 + n;
                long dataSize = size - dataStart;
                Map<String, TensorInfo> infos = new LinkedHashMap<>();
                Map<String, long[]> offsets = new LinkedHashMap<>();
                List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
                    entries.add(it.next());
                }
                for (Map.Entry<String, JsonNode> e : entries) {
                    String name = e.getKey();
                    if (name.equals("__metadata__")) {
                        continue;
                    }
                    JsonNode t = e.getValue();
                    DType dtype = DType.fromSafetensors(t.path("dtype").asText(""));
                    if (dtype == null) {
                        throw new CheckpointFormatException(file, "tensor '" + name + "': unknown dtype "
                                + t.path("dtype"));
                    }
                    JsonNode sh = t.path("shape");
                    JsonNode off = t.path("data_offsets");
                    if (!sh.isArray() || !off.isArray() || off.size() != 2) {
                        throw new CheckpointFormatException(file, "tensor '" + name
                                + "': header entry needs 'shape' and two 'data_offsets'");
                    }
                    long[] shape = new long[sh.size()];
                    for (int i = 0; i < shape.length; i++) {
                        shape[i] = sh.get(i).asLong(-1);
                        if (shape[i] < 0) {
                            throw new CheckpointFormatException(file, "tensor '" + name + "': bad shape " + sh);
                        }
                    }
                    TensorInfo info = new TensorInfo(name, dtype, shape);
                    long begin = off.get(0).asLong(-1);
                    long end = off.get(1).asLong(-1);
                    long expected = info.numel() * dtype.bytes();
                    if (begin < 0 || end < begin || end - begin != expected) {
                        throw new CheckpointFormatException(file, "tensor '" + name + "': data_offsets " + off
                                + " do not span " + expected + " bytes (" + dtype + " " + sh + ")");
                    }
                    if (end > dataSize) {
                        throw new CheckpointFormatException(file, "tensor '" + name + "' ends at byte " + end
                                + " of the data block but the file holds only " + dataSize
                                + " data bytes (truncated file?)");
                    }
                    infos.put(name, info);
                    offsets.put(name, new long[] {begin, end});
                }
                return new SafetensorsSource(file, ch, dataStart, infos, offsets);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        }

        private static ByteBuffer readFully(FileChannel ch, long pos, int len) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(len);
            while (b.hasRemaining()) {
                if (ch.read(b, pos + b.position()) < 0) {
                    break;
                }
            }
            b.flip();
            return b;
        }

        @Override
        public Path path() {
            return path;
        }

        @Override
        public List<TensorInfo> tensors() {
            return Collections.unmodifiableList(new ArrayList<>(infos.values()));
        }

        @Override
        public boolean contains(String name) {
            return infos.containsKey(name);
        }

        @Override
        public TensorInfo info(String name) {
            TensorInfo i = infos.get(name);
            if (i == null) {
                throw new NoSuchElementException(path + ": no tensor '" + name + "'");
            }
            return i;
        }

        private ByteBuffer data(String name) {
            info(name);
            long[] o = offsets.get(name);
            try {
                return readFully(channel, dataStart + o[0], Math.toIntExact(o[1] - o[0]))
                        .order(ByteOrder.LITTLE_ENDIAN);
            } catch (IOException e) {
                throw new UncheckedIOException(path + ": reading '" + name + "': " + e.getMessage(), e);
            }
        }

        @Override
        public INDArray load(String name) {
            TensorInfo i = info(name);
            INDArray a = switch (i.dtype()) {
                case F16, BF16, F32 -> Nd4j.createFromArray(floats(name));
                case F64 -> Nd4j.createFromArray(doubles(name));
                default -> Nd4j.createFromArray(longs(name));
            };
            return a.castTo(i.dtype().nd4j()).reshape('c', i.shape());
        }

        @Override
        public float[] floats(String name) {
            double[] d = doubles(name);
            float[] f = new float[d.length];
            for (int k = 0; k < d.length; k++) {
                f[k] = (float) d[k];
            }
            return f;
        }

        @Override
        public double[] doubles(String name) {
            TensorInfo i = info(name);
            if (!i.dtype().isFloatingPoint()) {
                throw new IllegalArgumentException(path + ": tensor '" + name + "' is " + i.dtype()
                        + ", not floating point");
            }
            ByteBuffer b = data(name);
            double[] out = new double[Math.toIntExact(i.numel())];
            for (int k = 0; k < out.length; k++) {
                out[k] = switch (i.dtype()) {
                    case F16 -> halfToFloat(b.getShort());
                    case BF16 -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
                    case F32 -> b.getFloat();
                    default -> b.getDouble();
                };
            }
            return out;
        }

        @Override
        public long[] longs(String name) {
            TensorInfo i = info(name);
            if (i.dtype().isFloatingPoint()) {
                throw new IllegalArgumentException(path + ": tensor '" + name + "' is " + i.dtype()
                        + ", not an integer or bool tensor");
            }
            ByteBuffer b = data(name);
            long[] out = new long[Math.toIntExact(i.numel())];
            for (int k = 0; k < out.length; k++) {
                out[k] = switch (i.dtype()) {
                    case I8, BOOL -> b.get();
                    case U8 -> b.get() & 0xff;
                    case I16 -> b.getShort();
                    case I32 -> b.getInt();
                    default -> b.getLong();
                };
            }
            return out;
        }

        private static float halfToFloat(short h) {
            int bits = h & 0xffff;
            int sign = (bits & 0x8000) << 16;
            int exp = (bits >>> 10) & 0x1f;
            int mant = bits & 0x3ff;
            if (exp == 0x1f) {
                return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
            }
            if (exp == 0) {
                float v = mant * 0x1p-24f;
                return sign == 0 ? v : -v;
            }
            return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException(path + ": " + e.getMessage(), e);
            }
        }
    }
}
