package io.visage.audio.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Streaming WAV reader: the header is parsed and validated by {@link #open(Path)}; samples are then
 * read in blocks of frames into caller-owned {@code float[C][...]} arrays, so memory use is one block
 * buffer regardless of the file length.
 *
 * <p>Reads RIFF/WAVE with a plain PCM (tag 1), IEEE float (tag 3) or WAVE_FORMAT_EXTENSIBLE (tag
 * 0xFFFE with the PCM or float sub-format GUID) {@code fmt } chunk: 16-, 24- and 32-bit PCM and
 * 32-bit float, any channel count. Unknown chunks are skipped (with their pad byte). PCM is scaled by
 * {@code 1 / 2^(bits-1)} (see the package documentation).
 *
 * <p>Errors: a malformed file throws {@link WavFormatException} naming the file, the chunk and the
 * expected vs found values; I/O failures throw {@link UncheckedIOException}.
 */
public final class WavReader implements AutoCloseable {
    /** Frames decoded per read from disk. */
    private static final int BLOCK_FRAMES = 8192;

    static final int TAG_PCM = 1;
    static final int TAG_FLOAT = 3;
    static final int TAG_EXTENSIBLE = 0xFFFE;
    /** Bytes 2..15 of the KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT GUIDs (bytes 0..1 hold the tag). */
    static final byte[] GUID_TAIL = {0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71};

    private final Path file;
    private final FileChannel channel;
    private final WavFormat format;
    private final long frames;
    private final long dataOffset;
    private final ByteBuffer block;
    private long position;

    private WavReader(Path file, FileChannel channel, WavFormat format, long frames, long dataOffset) {
        this.file = file;
        this.channel = channel;
        this.format = format;
        this.frames = frames;
        this.dataOffset = dataOffset;
        this.block = ByteBuffer.allocate(BLOCK_FRAMES * format.blockAlign()).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Opens a WAV file and validates its header.
     *
     * @throws WavFormatException when the file is not a WAV this reader accepts (the message names
     *     the file and the problem)
     * @throws UncheckedIOException when the file cannot be read
     */
    public static WavReader open(Path file) {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot open: " + e.getMessage(), e);
        }
        try {
            return parse(file, ch);
        } catch (RuntimeException e) {
            closeQuietly(ch, e);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel ch, RuntimeException pending) {
        try {
            ch.close();
        } catch (IOException suppressed) {
            pending.addSuppressed(suppressed);
        }
    }

    private static WavReader parse(Path file, FileChannel ch) {
        long size = size(file, ch);
        if (size < 12) {
            throw new WavFormatException(
                    file, "too short for a RIFF/WAVE header: expected at least 12 bytes but the" + " file has " + size);
        }
        ByteBuffer head = readAt(file, ch, 0, 12);
        String riff = fourCc(head, 0);
        if (riff.equals("RF64") || riff.equals("BW64")) {
            throw new WavFormatException(file, "unsupported " + riff + " (64-bit RIFF) file; only RIFF/WAVE is read");
        }
        if (!riff.equals("RIFF") || !fourCc(head, 8).equals("WAVE")) {
            throw new WavFormatException(
                    file,
                    "not a RIFF/WAVE file: expected 'RIFF'....'WAVE' but found '" + printable(riff) + "'....'"
                            + printable(fourCc(head, 8)) + "'");
        }
        long riffEnd = 8 + u32(head, 4);
        if (riffEnd > size) {
            throw new WavFormatException(
                    file,
                    "wrong RIFF chunk size: the header declares " + (riffEnd - 8)
                            + " bytes after 'RIFF' but the file holds only " + (size - 8)
                            + " (truncated file or bad size field)");
        }
        if (riffEnd < 12) {
            throw new WavFormatException(file, "wrong RIFF chunk size: " + (riffEnd - 8) + " bytes cannot hold 'WAVE'");
        }
        WavFormat format = null;
        long pos = 12;
        while (pos + 8 <= riffEnd) {
            ByteBuffer ck = readAt(file, ch, pos, 8);
            String id = fourCc(ck, 0);
            long len = u32(ck, 4);
            long body = pos + 8;
            long remaining = riffEnd - body;
            if (id.equals("data")) {
                if (format == null) {
                    throw new WavFormatException(
                            file, "'data' chunk at offset " + pos + " comes before any 'fmt ' chunk");
                }
                if (len > remaining) {
                    throw new WavFormatException(
                            file,
                            "truncated data: the 'data' chunk declares " + len + " bytes ("
                                    + (len / format.blockAlign()) + " frames) but only " + remaining
                                    + " bytes are present");
                }
                if (len % format.blockAlign() != 0) {
                    throw new WavFormatException(
                            file,
                            "wrong 'data' chunk size: " + len + " bytes is not a multiple of"
                                    + " the frame size " + format.blockAlign() + " (" + format.channels()
                                    + " channels x "
                                    + format.sampleFormat().bytes() + " bytes)");
                }
                return new WavReader(file, ch, format, len / format.blockAlign(), body);
            }
            if (len > remaining) {
                throw new WavFormatException(
                        file,
                        "wrong chunk size: chunk '" + printable(id) + "' at offset " + pos + " declares " + len
                                + " bytes but only " + remaining + " remain in the RIFF chunk");
            }
            if (id.equals("fmt ")) {
                if (format != null) {
                    throw new WavFormatException(file, "second 'fmt ' chunk at offset " + pos);
                }
                format = parseFormat(file, readAt(file, ch, body, (int) Math.min(len, 64)), len);
            }
            pos = body + len + (len & 1);
        }
        throw new WavFormatException(file, format == null ? "no 'fmt ' chunk" : "no 'data' chunk");
    }

    private static WavFormat parseFormat(Path file, ByteBuffer b, long len) {
        if (len < 16) {
            throw new WavFormatException(file, "wrong 'fmt ' chunk size: expected at least 16 bytes but found " + len);
        }
        int tag = u16(b, 0);
        int channels = u16(b, 2);
        long rate = u32(b, 4);
        int blockAlign = u16(b, 12);
        int bits = u16(b, 14);
        int mask = 0;
        boolean extensible = tag == TAG_EXTENSIBLE;
        if (extensible) {
            if (len < 40 || u16(b, 16) < 22) {
                throw new WavFormatException(
                        file,
                        "wrong 'fmt ' chunk size for WAVE_FORMAT_EXTENSIBLE: expected 40"
                                + " bytes with cbSize 22 but found " + len + " bytes"
                                + (len >= 18 ? " with cbSize " + u16(b, 16) : ""));
            }
            int validBits = u16(b, 18);
            if (validBits > bits || validBits == 0) {
                throw new WavFormatException(
                        file,
                        "WAVE_FORMAT_EXTENSIBLE valid bits " + validBits + " must be in 1.." + bits
                                + " (the container size)");
            }
            mask = (int) u32(b, 20);
            tag = u16(b, 24);
            for (int i = 0; i < GUID_TAIL.length; i++) {
                if (b.get(26 + i) != GUID_TAIL[i]) {
                    throw new WavFormatException(
                            file,
                            "unsupported WAVE_FORMAT_EXTENSIBLE sub-format GUID (not the" + " PCM or IEEE float GUID)");
                }
            }
        }
        if (channels == 0) {
            throw new WavFormatException(file, "zero channels in the 'fmt ' chunk (expected at least 1)");
        }
        if (rate == 0 || rate > Integer.MAX_VALUE) {
            throw new WavFormatException(file, "sample rate " + rate + " in the 'fmt ' chunk is not a positive int");
        }
        SampleFormat sf = sampleFormat(tag, bits);
        if (sf == null) {
            throw new WavFormatException(
                    file,
                    "unsupported encoding: format tag " + tag + " with " + bits
                            + " bits per sample (supported: PCM 16/24/32-bit, IEEE float 32-bit)");
        }
        if (blockAlign != channels * sf.bytes()) {
            throw new WavFormatException(
                    file,
                    "wrong block align in the 'fmt ' chunk: expected " + channels * sf.bytes() + " (" + channels
                            + " channels x " + sf.bytes() + " bytes) but found " + blockAlign);
        }
        return new WavFormat((int) rate, channels, sf, mask, extensible);
    }

    private static SampleFormat sampleFormat(int tag, int bits) {
        if (tag == TAG_PCM) {
            return switch (bits) {
                case 16 -> SampleFormat.PCM_16;
                case 24 -> SampleFormat.PCM_24;
                case 32 -> SampleFormat.PCM_32;
                default -> null;
            };
        }
        return tag == TAG_FLOAT && bits == 32 ? SampleFormat.FLOAT_32 : null;
    }

    /** The file being read. */
    public Path file() {
        return file;
    }

    /** Stream parameters from the header. */
    public WavFormat format() {
        return format;
    }

    /** Total frames (samples per channel) in the data chunk. */
    public long frames() {
        return frames;
    }

    /** Frames not yet read. */
    public long remaining() {
        return frames - position;
    }

    /**
     * Reads up to {@code maxFrames} frames into {@code dst[c][offset ...]} for every channel c.
     *
     * @param dst [C, &ge; offset + maxFrames], C equal to {@link WavFormat#channels()}
     * @return frames read; 0 at the end of the data
     */
    public int read(float[][] dst, int offset, int maxFrames) {
        int channels = format.channels();
        if (dst.length != channels) {
            throw new IllegalArgumentException(
                    file + ": destination has " + dst.length + " channels but the file has " + channels);
        }
        int total = (int) Math.min(maxFrames, remaining());
        int done = 0;
        SampleFormat sf = format.sampleFormat();
        while (done < total) {
            int n = Math.min(BLOCK_FRAMES, total - done);
            block.clear().limit(n * format.blockAlign());
            long at = dataOffset + (position + done) * format.blockAlign();
            fill(block, at);
            block.flip();
            int o = offset + done;
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < channels; c++) {
                    dst[c][o + i] = decode(block, sf);
                }
            }
            done += n;
        }
        position += total;
        return total;
    }

    private static float decode(ByteBuffer b, SampleFormat sf) {
        switch (sf) {
            case PCM_16:
                return b.getShort() * (1f / 32768f);
            case PCM_24: {
                int lo = b.get() & 0xFF;
                int mid = b.get() & 0xFF;
                int hi = b.get();
                return ((hi << 16) | (mid << 8) | lo) * (1f / 8388608f);
            }
            case PCM_32:
                return (float) b.getInt() * (1f / 2147483648f);
            default:
                return b.getFloat();
        }
    }

    private void fill(ByteBuffer dst, long at) {
        try {
            while (dst.hasRemaining()) {
                int r = channel.read(dst, at + dst.position());
                if (r < 0) {
                    throw new WavFormatException(
                            file,
                            "truncated data: file ended at byte " + (at + dst.position()) + " inside the 'data' chunk");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": read failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": close failed: " + e.getMessage(), e);
        }
    }

    private static long size(Path file, FileChannel ch) {
        try {
            return ch.size();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read size: " + e.getMessage(), e);
        }
    }

    private static ByteBuffer readAt(Path file, FileChannel ch, long pos, int n) {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        try {
            while (b.hasRemaining()) {
                if (ch.read(b, pos + b.position()) < 0) {
                    throw new WavFormatException(
                            file,
                            "unexpected end of file at byte " + (pos + b.position()) + " while reading " + n
                                    + " header bytes at offset " + pos);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": read failed: " + e.getMessage(), e);
        }
        return b.flip();
    }

    private static String fourCc(ByteBuffer b, int at) {
        byte[] id = new byte[4];
        for (int i = 0; i < 4; i++) {
            id[i] = b.get(at + i);
        }
        return new String(id, StandardCharsets.ISO_8859_1);
    }

    private static String printable(String id) {
        StringBuilder s = new StringBuilder();
        for (char c : id.toCharArray()) {
            s.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return s.toString();
    }

    private static int u16(ByteBuffer b, int at) {
        return b.getShort(at) & 0xFFFF;
    }

    private static long u32(ByteBuffer b, int at) {
        return b.getInt(at) & 0xFFFFFFFFL;
    }
}
