package io.visage.audio.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Streaming WAV writer. Frames are appended in blocks to a temporary file next to the target;
 * {@link #commit()} writes the final chunk sizes and moves the file into place atomically.
 * {@link #close()} without a successful {@code commit()} deletes the temporary file, so an error
 * (or an exception in the caller between writes) never leaves a half-written WAV behind:
 *
 * <pre>{@code
 * try (WavWriter w = WavWriter.create(path, WavFormat.of(16000, 4, SampleFormat.FLOAT_32))) {
 *     w.write(block, 0, n);   // any number of times
 *     w.commit();
 * }
 * }</pre>
 *
 * <p>Headers: plain PCM ({@code fmt } of 16 bytes), plain float ({@code fmt } of 18 bytes plus a
 * {@code fact} chunk), or WAVE_FORMAT_EXTENSIBLE (40-byte {@code fmt }) when the format asks for it.
 * Integer PCM is scaled by {@code 2^(bits-1)}, rounded half to even and clipped; NaN becomes 0.
 * Float samples are written bit for bit.
 */
public final class WavWriter implements AutoCloseable {
    private static final int BLOCK_FRAMES = 8192;
    private static final long MAX_RIFF = 0xFFFFFFFFL;

    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final WavFormat format;
    private final int headerBytes;
    private final ByteBuffer block;
    private long frames;
    private boolean committed;
    private boolean closed;

    private WavWriter(Path target, Path temp, FileChannel channel, WavFormat format) {
        this.target = target;
        this.temp = temp;
        this.channel = channel;
        this.format = format;
        this.headerBytes = header(format, 0).remaining();
        this.block = ByteBuffer.allocate(BLOCK_FRAMES * format.blockAlign()).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Starts writing {@code target} (created or replaced on {@link #commit()}).
     *
     * @throws UncheckedIOException when the temporary file cannot be created in the target's folder
     */
    public static WavWriter create(Path target, WavFormat format) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Path temp = null;
        try {
            FileChannel ch = null;
            while (ch == null) {
                // not Files.createTempFile: that makes the file owner-only (0600); this one gets the umask default
                Path candidate = dir.resolve("." + abs.getFileName() + "." + java.util.UUID.randomUUID() + ".part");
                try {
                    ch = FileChannel.open(candidate, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
                    temp = candidate;
                } catch (FileAlreadyExistsException taken) {
                    // try another name
                }
            }
            WavWriter w = new WavWriter(target, temp, ch, format);
            w.writeFully(header(format, 0), 0);
            return w;
        } catch (IOException e) {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new UncheckedIOException(target + ": cannot create: " + e.getMessage(), e);
        }
    }

    /** The stream parameters being written. */
    public WavFormat format() {
        return format;
    }

    /** Frames written so far. */
    public long frames() {
        return frames;
    }

    /**
     * Appends {@code count} frames taken from {@code src[c][offset ...]}.
     *
     * @param src [C, &ge; offset + count], C equal to {@link WavFormat#channels()}
     */
    public void write(float[][] src, int offset, int count) {
        if (committed || closed) {
            throw new IllegalStateException(target + ": writer already " + (committed ? "committed" : "closed"));
        }
        int channels = format.channels();
        if (src.length != channels) {
            throw new IllegalArgumentException(target + ": expected " + channels + " channels but got " + src.length);
        }
        for (int c = 0; c < channels; c++) {
            if (offset < 0 || count < 0 || src[c].length < offset + count) {
                throw new IllegalArgumentException(target + ": channel " + c + " has " + src[c].length
                        + " samples, cannot take " + count + " from offset " + offset);
            }
        }
        long dataBytes = (frames + count) * format.blockAlign();
        if (headerBytes - 8 + dataBytes + (dataBytes & 1) > MAX_RIFF) {
            throw new IllegalArgumentException(target + ": a RIFF/WAVE file holds at most 4 GiB; " + (frames + count)
                    + " frames of " + format.blockAlign() + " bytes do not fit");
        }
        SampleFormat sf = format.sampleFormat();
        int done = 0;
        while (done < count) {
            int n = Math.min(BLOCK_FRAMES, count - done);
            block.clear();
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < channels; c++) {
                    encode(block, sf, src[c][offset + done + i]);
                }
            }
            block.flip();
            writeFully(block, headerBytes + (frames + done) * format.blockAlign());
            done += n;
        }
        frames += count;
    }

    /** Writes the chunk sizes and atomically moves the finished file to the target path. */
    public void commit() {
        if (committed || closed) {
            throw new IllegalStateException(target + ": writer already " + (committed ? "committed" : "closed"));
        }
        long dataBytes = frames * format.blockAlign();
        if ((dataBytes & 1) == 1) {
            writeFully(ByteBuffer.allocate(1), headerBytes + dataBytes);
        }
        writeFully(header(format, frames), 0);
        try {
            channel.force(true);
            channel.close();
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(target + ": cannot finish writing: " + e.getMessage(), e);
        }
        committed = true;
    }

    /** Releases the file; without a prior {@link #commit()} the partial output is deleted. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (committed) {
            return;
        }
        try {
            channel.close();
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            throw new UncheckedIOException(temp + ": cannot delete partial output: " + e.getMessage(), e);
        }
    }

    static void encode(ByteBuffer b, SampleFormat sf, float v) {
        switch (sf) {
            case PCM_16 -> b.putShort((short) quantize(v, 32768.0));
            case PCM_24 -> {
                int s = (int) quantize(v, 8388608.0);
                b.put((byte) s).put((byte) (s >> 8)).put((byte) (s >> 16));
            }
            case PCM_32 -> b.putInt((int) quantize(v, 2147483648.0));
            default -> b.putFloat(v);
        }
    }

    /** {@code v * scale} rounded half to even and clipped to [-scale, scale - 1]; NaN gives 0. */
    static long quantize(float v, double scale) {
        if (Float.isNaN(v)) {
            return 0;
        }
        double s = v * scale;
        if (s >= scale - 1) {
            return (long) scale - 1;
        }
        if (s <= -scale) {
            return -(long) scale;
        }
        return (long) Math.rint(s);
    }

    /** The header bytes (RIFF, fmt, optional fact, data chunk header) for {@code frames} frames. */
    static ByteBuffer header(WavFormat f, long frames) {
        SampleFormat sf = f.sampleFormat();
        boolean fact = sf.isFloat() || f.extensible();
        int fmtLen = f.extensible() ? 40 : sf.isFloat() ? 18 : 16;
        int total = 12 + 8 + fmtLen + (fact ? 12 : 0) + 8;
        long dataBytes = frames * f.blockAlign();
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF"))
                .putInt((int) (total - 8 + dataBytes + (dataBytes & 1)))
                .put(ascii("WAVE"));
        b.put(ascii("fmt ")).putInt(fmtLen);
        b.putShort((short) (f.extensible() ? WavReader.TAG_EXTENSIBLE : sf.formatTag()));
        b.putShort((short) f.channels()).putInt(f.sampleRate()).putInt(f.sampleRate() * f.blockAlign());
        b.putShort((short) f.blockAlign()).putShort((short) sf.bits());
        if (fmtLen >= 18) {
            b.putShort((short) (fmtLen - 18));
        }
        if (f.extensible()) {
            b.putShort((short) sf.bits())
                    .putInt(f.channelMask())
                    .putShort((short) sf.formatTag())
                    .put(WavReader.GUID_TAIL);
        }
        if (fact) {
            b.put(ascii("fact")).putInt(4).putInt((int) frames);
        }
        b.put(ascii("data")).putInt((int) dataBytes);
        return b.flip();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private void writeFully(ByteBuffer b, long at) {
        try {
            long pos = at;
            while (b.hasRemaining()) {
                pos += channel.write(b, pos);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(target + ": write failed: " + e.getMessage(), e);
        }
    }
}
