// TEMPORARY stand-in; replaced by the audio branch
package io.visage.audio.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Minimal WAV reader/writer: 16-bit PCM and 32-bit float only (stand-in until the audio branch merges). */
public final class Wav {
    private Wav() {}

    public static AudioBuffer read(Path file) {
        ByteBuffer b;
        try {
            b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        if (b.remaining() < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) {
            throw new IllegalArgumentException(file + ": not a RIFF/WAVE file");
        }
        int pos = 12;
        int format = -1;
        int channels = 0;
        int rate = 0;
        int bits = 0;
        while (pos + 8 <= b.limit()) {
            int id = b.getInt(pos);
            int size = b.getInt(pos + 4);
            int body = pos + 8;
            if (id == 0x20746d66) { // "fmt "
                format = b.getShort(body) & 0xffff;
                channels = b.getShort(body + 2);
                rate = b.getInt(body + 4);
                bits = b.getShort(body + 14);
                if (format == 0xFFFE) {
                    format = b.getShort(body + 24) & 0xffff;
                }
            } else if (id == 0x61746164) { // "data"
                if (channels < 1) {
                    throw new IllegalArgumentException(file + ": data chunk before a valid fmt chunk");
                }
                int bytes = bits / 8;
                int frames = Math.min(size, b.limit() - body) / (bytes * channels);
                float[][] out = new float[channels][frames];
                for (int i = 0; i < frames; i++) {
                    for (int c = 0; c < channels; c++) {
                        int at = body + (i * channels + c) * bytes;
                        out[c][i] = format == 3 && bits == 32 ? b.getFloat(at)
                                : format == 1 && bits == 16 ? b.getShort(at) / 32768f
                                : unsupported(file, format, bits);
                    }
                }
                return new AudioBuffer(rate, out);
            }
            pos = body + size + (size & 1);
        }
        throw new IllegalArgumentException(file + ": no data chunk");
    }

    private static float unsupported(Path file, int format, int bits) {
        throw new IllegalArgumentException(file + ": WAV format " + format + " with " + bits + " bits not supported");
    }

    public static void write(Path file, AudioBuffer audio, SampleFormat format) {
        if (format != SampleFormat.PCM_16 && format != SampleFormat.FLOAT_32) {
            throw new IllegalArgumentException("stand-in writer supports PCM_16 and FLOAT_32 only, not " + format);
        }
        int ch = audio.channels().length;
        int frames = audio.channels()[0].length;
        int bytes = format == SampleFormat.PCM_16 ? 2 : 4;
        int data = frames * ch * bytes;
        ByteBuffer b = ByteBuffer.allocate(44 + data).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46464952).putInt(36 + data).putInt(0x45564157);
        b.putInt(0x20746d66).putInt(16).putShort((short) (format == SampleFormat.PCM_16 ? 1 : 3)).putShort((short) ch)
                .putInt(audio.sampleRate()).putInt(audio.sampleRate() * ch * bytes).putShort((short) (ch * bytes))
                .putShort((short) (bytes * 8));
        b.putInt(0x61746164).putInt(data);
        for (int i = 0; i < frames; i++) {
            for (int c = 0; c < ch; c++) {
                float v = audio.channels()[c][i];
                if (format == SampleFormat.FLOAT_32) {
                    b.putFloat(v);
                } else {
                    b.putShort((short) Math.max(-32768, Math.min(32767, Math.round(v * 32768.0))));
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
