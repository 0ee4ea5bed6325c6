// TEMPORARY stand-in; replaced by the audio branch
package io.visage.audio.io;

/** Multi-channel audio: {@code channels[c][i]} is sample i of channel c, nominally in [-1, 1]. */
public record AudioBuffer(int sampleRate, float[][] channels) {}
