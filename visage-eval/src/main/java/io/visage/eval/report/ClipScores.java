package io.visage.eval.report;

/**
 * Spatial scores of one clip. The window values are means over the windows whose CC and AUC are
 * both defined (a window is skipped when either is NaN, e.g. silence); NaN when none is.
 *
 * @param id          file name without {@code .wav}
 * @param skipped1fps number of skipped one-second windows
 * @param skipped5fps number of skipped fine windows
 */
public record ClipScores(
        String id,
        double corrAll,
        double aucJAll,
        double corr1fps,
        double aucJ1fps,
        double corr5fps,
        double aucJ5fps,
        int skipped1fps,
        int skipped5fps)
        implements java.io.Serializable {

    /** The six values in report order: corr_all, auc_j_all, corr_1fps, auc_j_1fps, corr_5fps, auc_j_5fps. */
    public double[] values() {
        return new double[] {corrAll, aucJAll, corr1fps, aucJ1fps, corr5fps, aucJ5fps};
    }
}
