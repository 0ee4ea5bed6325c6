/**
 * Sample-rate conversion equal to the two resamplers of the ViSAGe pipeline:
 * torchaudio's default windowed-sinc {@code functional.resample} / {@code transforms.Resample}
 * (Hann window, 6 zero crossings, rolloff 0.99, zero padding, output length {@code ceil(n·L/o)}) and
 * julius {@code resample_frac} as audiotools calls it (24 zero crossings, rolloff 0.945, per-phase
 * normalised kernel, edge-replicating padding, output length {@code floor(float32(n·L/o))}).
 * Both are polyphase FIR filters on the gcd-reduced ratio o:n, applied by direct convolution.
 *
 * <p>Signals are {@code float[N]} or channel-major {@code float[C][N]}; kernels are {@code [n phases, K taps]}.
 */
package io.visage.audio.resample;
