// TEMPORARY stand-in; replaced by the audio branch
package io.visage.audio.io;

/**
 * Multi-channel audio: {@code channels[c][n]}, float samples nominally in [-1, 1].
 *
 * @param sampleRate sample rate in Hz
 * @param channels [C][N], all channels of equal length
 */
public record AudioBuffer(int sampleRate, float[][] channels) {
    public AudioBuffer {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive, was " + sampleRate);
        }
        if (channels.length == 0) {
            throw new IllegalArgumentException("audio needs at least one channel");
        }
        for (float[] c : channels) {
            if (c.length != channels[0].length) {
                throw new IllegalArgumentException("channels differ in length: " + channels[0].length + " vs " + c.length);
            }
        }
    }

    public int channelCount() {
        return channels.length;
    }

    public int frames() {
        return channels[0].length;
    }
}
