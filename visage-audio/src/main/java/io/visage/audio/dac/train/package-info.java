/**
 * Training a codec of the DAC architecture in Java ({@code visage codec train}):
 * {@link io.visage.audio.dac.train.CodecTrainer} (the loop, checkpoints with official DAC state-dict
 * names, exact resume), {@link io.visage.audio.dac.train.CodecLoss} (15 · multi-scale log-mel L1
 * + waveform L1 + 0.25 · commitment + codebook; no adversarial terms),
 * {@link io.visage.audio.dac.train.MelSpectrogramLoss} (STFT as a constant-kernel convolution,
 * Slaney {@link io.visage.audio.dac.train.MelFilterbank}),
 * {@link io.visage.audio.dac.train.CodecTrainingData} (every channel of every WAV file a mono example),
 * {@link io.visage.audio.dac.train.CodecTrainConfig} (the recipe) and
 * {@link io.visage.audio.dac.train.DacTrainingInit} (DAC's starting weights).
 *
 * <p>Axes: B batch, N samples, T frames, F FFT bins, M mel bands. Audio is [B, 1, N] float32 at the
 * codec's sample rate.
 */
package io.visage.audio.dac.train;
