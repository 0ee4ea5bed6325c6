// TEMPORARY stand-in; replaced by the audio branch
package io.visage.audio.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Minimal RIFF/WAVE reader and writer (PCM 16/24/32, IEEE float 32, WAVE_FORMAT_EXTENSIBLE). */
public final class Wav {
    private Wav() {
    }

    /** Reads a WAV file into float samples in [-1, 1]. */
    public static AudioBuffer read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) {
            throw new IllegalArgumentException(file + ": not a RIFF/WAVE file");
        }
        int pos = 12;
        int format = -1;
        int channels = 0;
        int rate = 0;
        int bits = 0;
        while (pos + 8 <= bytes.length) {
            int id = b.getInt(pos);
            int size = b.getInt(pos + 4);
            int body = pos + 8;
            if (id == 0x20746d66) { // "fmt "
                format = b.getShort(body) & 0xffff;
                channels = b.getShort(body + 2) & 0xffff;
                rate = b.getInt(body + 4);
                bits = b.getShort(body + 14) & 0xffff;
                if (format == 0xFFFE && size >= 40) {
                    format = b.getShort(body + 24) & 0xffff;
                }
            } else if (id == 0x61746164) { // "data"
                if (format < 0) {
                    throw new IllegalArgumentException(file + ": data chunk before fmt chunk");
                }
                int len = Math.min(size, bytes.length - body);
                return decode(file, b, body, len, format, channels, rate, bits);
            }
            pos = body + size + (size & 1);
        }
        throw new IllegalArgumentException(file + ": no data chunk");
    }

    private static AudioBuffer decode(Path file, ByteBuffer b, int off, int len, int format, int channels, int rate,
            int bits) {
        int bytesPer = bits / 8;
        if (channels <= 0 || !(format == 1 && (bits == 16 || bits == 24 || bits == 32) || format == 3 && bits == 32)) {
            throw new IllegalArgumentException(file + ": unsupported WAV encoding (format " + format + ", " + bits
                    + " bits, " + channels + " channels)");
        }
        int frames = len / (bytesPer * channels);
        float[][] out = new float[channels][frames];
        int p = off;
        for (int n = 0; n < frames; n++) {
            for (int c = 0; c < channels; c++) {
                float v;
                if (format == 3) {
                    v = b.getFloat(p);
                } else if (bits == 16) {
                    v = b.getShort(p) / 32768f;
                } else if (bits == 24) {
                    int x = (b.get(p) & 0xff) | (b.get(p + 1) & 0xff) << 8 | b.get(p + 2) << 16;
                    v = x / 8388608f;
                } else {
                    v = (float) (b.getInt(p) / 2147483648.0);
                }
                out[c][n] = v;
                p += bytesPer;
            }
        }
        return new AudioBuffer(rate, out);
    }

    /** Writes audio as a canonical 44-byte-header WAV in the given sample format. */
    public static void write(Path file, AudioBuffer audio, SampleFormat format) {
        int bits = format == SampleFormat.PCM_16 ? 16 : format == SampleFormat.PCM_24 ? 24 : 32;
        int ch = audio.channelCount();
        int frames = audio.frames();
        int dataLen = frames * ch * bits / 8;
        ByteBuffer b = ByteBuffer.allocate(44 + dataLen).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46464952).putInt(36 + dataLen).putInt(0x45564157);
        b.putInt(0x20746d66).putInt(16).putShort((short) (format == SampleFormat.FLOAT_32 ? 3 : 1))
                .putShort((short) ch).putInt(audio.sampleRate()).putInt(audio.sampleRate() * ch * bits / 8)
                .putShort((short) (ch * bits / 8)).putShort((short) bits);
        b.putInt(0x61746164).putInt(dataLen);
        for (int n = 0; n < frames; n++) {
            for (int c = 0; c < ch; c++) {
                float v = audio.channels()[c][n];
                switch (format) {
                    case FLOAT_32 -> b.putFloat(v);
                    case PCM_16 -> b.putShort((short) Math.max(-32768, Math.min(32767, Math.round(v * 32768.0))));
                    case PCM_24 -> {
                        int x = (int) Math.max(-8388608, Math.min(8388607, Math.round(v * 8388608.0)));
                        b.put((byte) x).put((byte) (x >> 8)).put((byte) (x >> 16));
                    }
                    case PCM_32 -> b.putInt((int) Math.max(Integer.MIN_VALUE,
                            Math.min(Integer.MAX_VALUE, Math.round(v * 2147483648.0))));
                }
            }
        }
        try {
            Files.write(file, b.array());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }
}
