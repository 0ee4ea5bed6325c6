package io.visage.eval.saliency;

/**
 * NSS: the mean of the z-scored saliency map (mean, population std) at the fixations.
 */
public final class NormalizedScanpathSaliency {
    private NormalizedScanpathSaliency() {}

    /** NSS against the reference fixations of a ground-truth map ({@link Fixations#reference}). */
    public static double nss(double[] saliency, double[] groundTruth) {
        MapChecks.sameLength("NSS", saliency, groundTruth);
        return nss(saliency, Fixations.reference(groundTruth));
    }

    /**
     * @param saliency [L]
     * @param fixations [L]
     * @return NSS; NaN (documented) for a constant saliency map or no fixations
     */
    public static double nss(double[] saliency, boolean[] fixations) {
        MapChecks.finite("NSS", "saliency", saliency);
        if (fixations.length != saliency.length) {
            throw new io.visage.nn.ShapeMismatchException("NSS: saliency map has " + saliency.length
                    + " values but the fixation mask has " + fixations.length);
        }
        double mean = MapChecks.mean(saliency);
        double std = MapChecks.std(saliency, mean);
        double s = 0;
        int n = 0;
        for (int i = 0; i < saliency.length; i++) {
            if (fixations[i]) {
                s += (saliency[i] - mean) / std;
                n++;
            }
        }
        return s / n;
    }
}
