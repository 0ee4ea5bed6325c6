package io.visage.audio.io;

import io.visage.nn.ShapeMismatchException;
import java.util.Arrays;

/**
 * Audio samples in memory: {@code channels[c][n]}, shape [C, N] (channel-major), at
 * {@code sampleRate} Hz. Samples are nominally in [-1, 1] but are not clipped.
 *
 * <p>The record holds the arrays it is given (no copy) so a long file is not held twice.
 *
 * @param sampleRate samples per second, &gt; 0
 * @param channels [C, N] with C &ge; 1 and every row of the same length N
 */
public record AudioBuffer(int sampleRate, float[][] channels) {
    public AudioBuffer {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be > 0 but was " + sampleRate);
        }
        if (channels == null || channels.length == 0) {
            throw new IllegalArgumentException("audio needs at least 1 channel but has 0");
        }
        for (int c = 0; c < channels.length; c++) {
            if (channels[c] == null) {
                throw new IllegalArgumentException("channel " + c + " is null");
            }
            if (channels[c].length != channels[0].length) {
                throw new ShapeMismatchException("channels must have equal lengths: channel 0 has " + channels[0].length
                        + " samples but channel " + c + " has " + channels[c].length);
            }
        }
    }

    /** Number of channels C. */
    public int channelCount() {
        return channels.length;
    }

    /** Samples per channel N. */
    public int frames() {
        return channels[0].length;
    }

    /** Duration in seconds. */
    public double seconds() {
        return frames() / (double) sampleRate;
    }

    /** One channel's samples [N] (the array itself, not a copy). */
    public float[] channel(int c) {
        if (c < 0 || c >= channels.length) {
            throw new IndexOutOfBoundsException("channel " + c + " of a " + channels.length + "-channel buffer");
        }
        return channels[c];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AudioBuffer b && b.sampleRate == sampleRate && Arrays.deepEquals(b.channels, channels);
    }

    @Override
    public int hashCode() {
        return 31 * sampleRate + Arrays.deepHashCode(channels);
    }

    @Override
    public String toString() {
        return "AudioBuffer[" + sampleRate + " Hz, " + channels.length + " ch x " + frames() + " frames]";
    }
}
