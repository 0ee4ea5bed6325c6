package io.visage.audio.io;

/**
 * The stream parameters of a WAV file.
 *
 * @param sampleRate frames per second, &gt; 0
 * @param channels channel count C, &ge; 1
 * @param sampleFormat how each sample is stored
 * @param channelMask the WAVE_FORMAT_EXTENSIBLE speaker mask (0 = none, the usual value for ambisonics)
 * @param extensible whether the header is WAVE_FORMAT_EXTENSIBLE rather than a plain PCM/float header
 */
public record WavFormat(int sampleRate, int channels, SampleFormat sampleFormat, int channelMask, boolean extensible) {
    public WavFormat {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be > 0 but was " + sampleRate);
        }
        if (channels < 1 || channels > 65535) {
            throw new IllegalArgumentException("channel count must be in 1..65535 but was " + channels);
        }
        if (sampleFormat == null) {
            throw new IllegalArgumentException("sample format is null");
        }
    }

    /** A plain (non-extensible) header, as torchaudio/soundfile write by default. */
    public static WavFormat of(int sampleRate, int channels, SampleFormat sampleFormat) {
        return new WavFormat(sampleRate, channels, sampleFormat, 0, false);
    }

    /** The same format with a WAVE_FORMAT_EXTENSIBLE header and the given speaker mask. */
    public WavFormat withExtensible(int mask) {
        return new WavFormat(sampleRate, channels, sampleFormat, mask, true);
    }

    /** Bytes per frame (all channels of one sample instant). */
    public int blockAlign() {
        return channels * sampleFormat.bytes();
    }
}
