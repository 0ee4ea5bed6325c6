package io.visage.audio.io;

import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * One-call WAV reading and writing on top of {@link WavReader} / {@link WavWriter}. Both stream in
 * blocks: the samples exist once, in the {@link AudioBuffer}, never also as a whole-file byte array.
 */
public final class Wav {
    private static final int BLOCK = 65536;

    private Wav() {}

    /**
     * Reads a whole WAV file (PCM 16/24/32-bit or float 32-bit, plain or WAVE_FORMAT_EXTENSIBLE).
     *
     * @return the samples [C, N] at the file's rate
     * @throws WavFormatException for a malformed file or one longer than {@code Integer.MAX_VALUE} frames
     * @throws UncheckedIOException when the file cannot be read
     */
    public static AudioBuffer read(Path file) {
        try (WavReader r = WavReader.open(file)) {
            if (r.frames() > Integer.MAX_VALUE) {
                throw new WavFormatException(
                        file,
                        r.frames() + " frames do not fit one array per channel (max " + Integer.MAX_VALUE
                                + "); read it with WavReader in blocks");
            }
            int n = (int) r.frames();
            float[][] ch = new float[r.format().channels()][n];
            int at = 0;
            while (at < n) {
                at += r.read(ch, at, Math.min(BLOCK, n - at));
            }
            return new AudioBuffer(r.format().sampleRate(), ch);
        }
    }

    /** The header of a WAV file (rate, channels, encoding) without reading the samples. */
    public static WavFormat format(Path file) {
        try (WavReader r = WavReader.open(file)) {
            return r.format();
        }
    }

    /**
     * Writes {@code audio} as a plain-header WAV (as torchaudio/soundfile do), atomically: the file
     * appears complete or not at all.
     */
    public static void write(Path file, AudioBuffer audio, SampleFormat format) {
        write(file, audio, WavFormat.of(audio.sampleRate(), audio.channelCount(), format));
    }

    /**
     * Writes {@code audio} with an explicit header layout (e.g. WAVE_FORMAT_EXTENSIBLE), atomically.
     *
     * @throws IllegalArgumentException when the format's rate or channel count differ from the audio
     */
    public static void write(Path file, AudioBuffer audio, WavFormat format) {
        if (format.sampleRate() != audio.sampleRate() || format.channels() != audio.channelCount()) {
            throw new IllegalArgumentException(file + ": format " + format.sampleRate() + " Hz x " + format.channels()
                    + " channels does not match the audio (" + audio.sampleRate() + " Hz x " + audio.channelCount()
                    + ")");
        }
        try (WavWriter w = WavWriter.create(file, format)) {
            int n = audio.frames();
            for (int at = 0; at < n; at += BLOCK) {
                w.write(audio.channels(), at, Math.min(BLOCK, n - at));
            }
            w.commit();
        }
    }
}
