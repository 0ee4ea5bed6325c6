package io.visage.core.pipeline;

/** Progress of a video → FOA run, stage by stage (for progress bars). */
@FunctionalInterface
public interface PipelineProgress {
    /** The stages, in order. */
    enum Stage {
        /** video frames sampled and run through CLIP (unit: frames) */
        FRAMES,
        /** autoregressive decoder steps over all windows (unit: steps) */
        DECODER_STEPS,
        /** codec decoding and resampling (unit: windows) */
        AUDIO
    }

    /** No reporting. */
    PipelineProgress NONE = (stage, done, total) -> {};

    /** @param done units finished so far in {@code stage}; @param total units of the stage (-1 unknown) */
    void update(Stage stage, long done, long total);
}
