package io.visage.eval.saliency;

/** Turning a continuous ground-truth map into binary "fixations". */
public final class Fixations {
    private Fixations() {}

    /**
     * The reference rule: positions where {@code F > max(F) - std(F)} (population std). A constant
     * map has no fixations.
     *
     * @param groundTruth [L]
     * @return [L] mask
     */
    public static boolean[] reference(double[] groundTruth) {
        MapChecks.finite("fixations", "ground-truth", groundTruth);
        double max = Double.NEGATIVE_INFINITY;
        for (double v : groundTruth) {
            max = Math.max(max, v);
        }
        double threshold = max - MapChecks.std(groundTruth, MapChecks.mean(groundTruth));
        boolean[] f = new boolean[groundTruth.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = groundTruth[i] > threshold;
        }
        return f;
    }

    /** Number of true entries. */
    public static int count(boolean[] fixations) {
        int n = 0;
        for (boolean b : fixations) {
            n += b ? 1 : 0;
        }
        return n;
    }
}
