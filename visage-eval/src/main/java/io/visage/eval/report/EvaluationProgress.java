package io.visage.eval.report;

/** Progress of a folder run, one call per finished clip. */
@FunctionalInterface
public interface EvaluationProgress {
    /** Does nothing. */
    EvaluationProgress NONE = (done, total, id) -> {};

    /**
     * @param done  clips finished so far (1..total)
     * @param total clips in the run
     * @param id    the clip just finished
     */
    void clipDone(int done, int total, String id);
}
