package io.visage.eval.saliency;

/**
 * Pearson correlation between two maps as the reference's {@code CorrCoeff}: both maps z-scored
 * with their mean and population std, then {@code sum(a'b') / sqrt(sum(a'^2) sum(b'^2))}.
 */
public final class CorrelationCoefficient {
    private CorrelationCoefficient() {}

    /**
     * CC in [-1, 1]; NaN (documented, as the reference) when either map is constant. The evaluation
     * relies on that NaN to skip silent windows.
     *
     * @param saliency [L]
     * @param groundTruth [L]
     * @throws IllegalArgumentException for different lengths or non-finite values
     */
    public static double cc(double[] saliency, double[] groundTruth) {
        MapChecks.sameLength("CC", saliency, groundTruth);
        MapChecks.finite("CC", "saliency", saliency);
        MapChecks.finite("CC", "ground-truth", groundTruth);
        double[] a = zscore(saliency);
        double[] b = zscore(groundTruth);
        double am = MapChecks.mean(a);
        double bm = MapChecks.mean(b);
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            double x = a[i] - am;
            double y = b[i] - bm;
            ab += x * y;
            aa += x * x;
            bb += y * y;
        }
        return ab / Math.sqrt(aa * bb);
    }

    private static double[] zscore(double[] m) {
        double mean = MapChecks.mean(m);
        double std = MapChecks.std(m, mean);
        double[] z = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            z[i] = (m[i] - mean) / std;
        }
        return z;
    }
}
