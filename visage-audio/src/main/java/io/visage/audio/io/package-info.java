/**
 * WAV files: {@link io.visage.audio.io.AudioBuffer} (samples as {@code float[C][N]}, channel-major),
 * the one-call {@link io.visage.audio.io.Wav} helpers, and the streaming
 * {@link io.visage.audio.io.WavReader} / {@link io.visage.audio.io.WavWriter} underneath them.
 *
 * <p>Sample scaling follows libsndfile (what torchaudio and soundfile use): a {@code b}-bit PCM
 * integer {@code s} reads as {@code s / 2^(b-1)}; writing multiplies by {@code 2^(b-1)}, rounds half
 * to even and clips to the integer range. Float WAVs are copied unscaled and unclipped.
 */
package io.visage.audio.io;
