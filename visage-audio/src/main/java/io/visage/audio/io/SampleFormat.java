// TEMPORARY stand-in; replaced by the audio branch
package io.visage.audio.io;

/** Sample encodings of a WAV file. */
public enum SampleFormat { PCM_16, PCM_24, PCM_32, FLOAT_32 }
