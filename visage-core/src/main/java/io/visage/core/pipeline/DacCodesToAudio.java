package io.visage.core.pipeline;

import io.visage.audio.dac.DacCodec;
import io.visage.audio.dac.FoaCodes;
import io.visage.core.pattern.TokenGrid;

/**
 * {@link CodesToAudio} with the Descript Audio Codec: per FOA channel (W, Y, Z, X) the rows
 * {@code 9c .. 9c+8} of the codes go through {@code quantizer.from_codes} and the decoder
 * (SPEC §3.5), decoded in overlapping chunks of {@code chunkFrames} codec frames (identical to a
 * one-pass decode, bounded memory).
 */
public final class DacCodesToAudio implements CodesToAudio {
    private final DacCodec codec;
    private final int chunkFrames;

    public DacCodesToAudio(DacCodec codec, int chunkFrames) {
        if (chunkFrames < 1) {
            throw new IllegalArgumentException("chunkFrames must be >= 1, got " + chunkFrames);
        }
        this.codec = codec;
        this.chunkFrames = chunkFrames;
    }

    public DacCodec codec() {
        return codec;
    }

    /** The codec's sample rate (44,100 Hz for ViSAGe's DAC). */
    public int sampleRateHz() {
        return codec.config().sampleRateHz();
    }

    @Override
    public float[][] decode(TokenGrid codes) {
        if (codes.batch() != 1) {
            throw new IllegalArgumentException("decode one clip at a time; got a batch of " + codes.batch());
        }
        return FoaCodes.decodeFoa(codec, VisagePipeline.codebookMajor(codes), chunkFrames);
    }
}
