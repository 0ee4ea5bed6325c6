package io.visage.core.generate;

/** Called after every decoder step of a generation. */
@FunctionalInterface
public interface GenerationProgress {
    /** No reporting. */
    GenerationProgress NONE = (done, total) -> {};

    /**
     * @param done  steps finished (1..total)
     * @param total decoder steps of this generation
     */
    void onStep(int done, int total);
}
