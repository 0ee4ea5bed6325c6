package io.visage.eval.saliency;

/**
 * KL divergence between maps as in the MIT saliency benchmark: both maps divided by their sums,
 * {@code KL = sum_i P_i log(eps + P_i / (Q_i + eps))} with P the ground truth, Q the saliency map
 * and {@code eps} = 2.220446049250313e-16 (double machine epsilon, MATLAB's {@code eps}).
 */
public final class MapKlDivergence {
    /** The regulariser. */
    public static final double EPS = Math.ulp(1.0);

    private MapKlDivergence() {}

    /**
     * @param saliency [L], non-negative
     * @param groundTruth [L], non-negative
     * @return KL(P || Q) &gt;= 0 (0 for identical maps); NaN (documented) when either map sums to 0
     * @throws IllegalArgumentException for negative or non-finite values
     */
    public static double kl(double[] saliency, double[] groundTruth) {
        MapChecks.sameLength("KL", saliency, groundTruth);
        MapChecks.finite("KL", "saliency", saliency);
        MapChecks.finite("KL", "ground-truth", groundTruth);
        double sq = nonNegativeSum("saliency", saliency);
        double sp = nonNegativeSum("ground-truth", groundTruth);
        double kl = 0;
        for (int i = 0; i < saliency.length; i++) {
            double p = groundTruth[i] / sp;
            double q = saliency[i] / sq;
            kl += p * Math.log(EPS + p / (q + EPS));
        }
        return kl;
    }

    private static double nonNegativeSum(String which, double[] m) {
        double s = 0;
        for (int i = 0; i < m.length; i++) {
            if (m[i] < 0) {
                throw new IllegalArgumentException("KL: " + which + " map has a negative value " + m[i] + " at index "
                        + i + "; KL needs non-negative maps");
            }
            s += m[i];
        }
        return s;
    }
}
