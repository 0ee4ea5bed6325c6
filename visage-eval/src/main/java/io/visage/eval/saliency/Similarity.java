package io.visage.eval.saliency;

/**
 * SIM (histogram intersection) as in the reference's {@code similarity}: each map min-max
 * normalised, then divided by its sum; the score is {@code sum(min(a, b))} in [0, 1].
 */
public final class Similarity {
    private Similarity() {}

    /**
     * @return SIM in [0, 1]; NaN (documented) when either map is constant
     */
    public static double sim(double[] saliency, double[] groundTruth) {
        MapChecks.sameLength("SIM", saliency, groundTruth);
        MapChecks.finite("SIM", "saliency", saliency);
        MapChecks.finite("SIM", "ground-truth", groundTruth);
        double[] a = normalise(saliency);
        double[] b = normalise(groundTruth);
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.min(a[i], b[i]);
        }
        return s;
    }

    private static double[] normalise(double[] m) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : m) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double[] out = new double[m.length];
        double sum = 0;
        for (int i = 0; i < m.length; i++) {
            out[i] = (m[i] - min) / (max - min);
            sum += out[i];
        }
        for (int i = 0; i < m.length; i++) {
            out[i] /= sum;
        }
        return out;
    }
}
