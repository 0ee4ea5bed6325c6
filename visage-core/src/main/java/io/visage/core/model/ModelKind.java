package io.visage.core.model;

/**
 * Which of the reference's two model classes a parameter tree follows. Both read the same
 * {@code config.json}; the class decides the codebook count and the conditioning modules.
 */
public enum ModelKind {
    /**
     * {@code VisageForConditionalGeneration} (VGGSound pre-training): one audio channel,
     * {@code num_rvq} codebooks, CLIP-only conditioning.
     */
    MONO(1),
    /**
     * {@code VisageForAmbisonicsGeneration}: four FOA channels W, Y, Z, X (ambiX order) of
     * {@code num_rvq} codebooks each, codebook {@code c = channel·num_rvq + level}; energy-map and
     * direction conditioning.
     */
    AMBISONICS(4);

    private final int channels;

    ModelKind(int channels) {
        this.channels = channels;
    }

    /** Audio channels whose codes the decoder predicts. */
    public int channels() {
        return channels;
    }
}
