package io.visage.core.pipeline;

import io.visage.core.pattern.TokenGrid;

/**
 * Turns generated codes into FOA audio: per channel (W, Y, Z, X in ambiX order) the rows
 * {@code 9c .. 9c+8} of the codes go through the DAC 44.1 kHz decoder (SPEC §3.5).
 *
 * <p>The implementation is the DAC of {@code io.visage.audio.dac} (the audio issue); wiring it
 * into {@link VisagePipeline} is left to the integration issue, so this module depends only on
 * this small interface.
 */
@FunctionalInterface
public interface CodesToAudio {
    /**
     * @param codes time-major codes [1, T, K] of one clip (K = channels · num_rvq)
     * @return audio [channels][N] at the codec's sample rate, channels in ambiX order W, Y, Z, X
     */
    float[][] decode(TokenGrid codes);
}
