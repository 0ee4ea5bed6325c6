package io.visage.eval.saliency;

import java.util.Arrays;

/**
 * Area under the ROC curve with the saliency values at fixations as thresholds (Judd et al.).
 *
 * <p>Common steps: the saliency map gets the {@link Jitter}, is min-max normalised, thresholds are
 * its values at the fixations sorted descending; for threshold i, {@code above_i = #{S >= t_i}};
 * the curve starts at (0, 0), ends at (1, 1) and is integrated with the trapezoidal rule.
 * <ul>
 *   <li>{@link #reference}: {@code evaluate_spatial.py}'s {@code AUC_Judd}, with its off-by-one
 *       {@code tp = i / Nfix}, {@code fp = (above_i - i) / (Npix - Nfix)} (i from 0). Use for parity.</li>
 *   <li>{@link #mit}: the MIT saliency benchmark definition, {@code tp = (i+1) / Nfix},
 *       {@code fp = (above_i - (i+1)) / (Npix - Nfix)}.</li>
 * </ul>
 */
public final class AucJudd {
    private AucJudd() {}

    /** Reference AUC-Judd with fixations from {@link Fixations#reference(double[])} of the ground truth. */
    public static double reference(double[] saliency, double[] groundTruth, Jitter jitter) {
        MapChecks.sameLength("AUC-Judd", saliency, groundTruth);
        return auc(saliency, Fixations.reference(groundTruth), jitter, 0);
    }

    /** Reference AUC-Judd against a fixation mask. */
    public static double reference(double[] saliency, boolean[] fixations, Jitter jitter) {
        return auc(saliency, fixations, jitter, 0);
    }

    /** MIT AUC-Judd with fixations from {@link Fixations#reference(double[])} of the ground truth. */
    public static double mit(double[] saliency, double[] groundTruth, Jitter jitter) {
        MapChecks.sameLength("AUC-Judd (MIT)", saliency, groundTruth);
        return auc(saliency, Fixations.reference(groundTruth), jitter, 1);
    }

    /**
     * MIT AUC-Judd against a fixation mask; NaN (documented) when there are no fixations.
     */
    public static double mit(double[] saliency, boolean[] fixations, Jitter jitter) {
        return auc(saliency, fixations, jitter, 1);
    }

    /**
     * @param offset 0 for the reference's {@code i}, 1 for the MIT {@code i + 1}
     */
    private static double auc(double[] saliency, boolean[] fixations, Jitter jitter, int offset) {
        String metric = offset == 0 ? "AUC-Judd" : "AUC-Judd (MIT)";
        MapChecks.finite(metric, "saliency", saliency);
        if (fixations.length != saliency.length) {
            throw new io.visage.nn.ShapeMismatchException(metric + ": saliency map has " + saliency.length
                    + " values but the fixation mask has " + fixations.length);
        }
        int n = saliency.length;
        double[] s = saliency.clone();
        double[] noise = jitter.draw(n);
        if (noise != null) {
            for (int i = 0; i < n; i++) {
                s[i] += noise[i];
            }
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : s) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (!(max > min)) {
            throw new IllegalArgumentException(metric + ": saliency map is constant (" + min + ") after jitter "
                    + jitter.getClass().getSimpleName() + ", so its normalisation is undefined (the reference exits"
                    + " here); use a jitter or skip this map");
        }
        double range = max - min;
        for (int i = 0; i < n; i++) {
            s[i] = (s[i] - min) / range;
        }
        int nFix = Fixations.count(fixations);
        if (nFix == 0 && offset == 1) {
            return Double.NaN;
        }
        double[] thresholds = new double[nFix];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (fixations[i]) {
                thresholds[k++] = s[i];
            }
        }
        Arrays.sort(thresholds); // ascending; walked backwards = descending
        double[] sorted = s.clone();
        Arrays.sort(sorted);
        double[] tp = new double[nFix + 2];
        double[] fp = new double[nFix + 2];
        tp[nFix + 1] = 1.0;
        fp[nFix + 1] = 1.0;
        for (int i = 0; i < nFix; i++) {
            double t = thresholds[nFix - 1 - i];
            int above = n - lowerBound(sorted, t);
            int j = i + offset;
            tp[i + 1] = (double) j / nFix;
            fp[i + 1] = (double) (above - j) / (n - nFix);
        }
        return trapezoid(tp, fp);
    }

    /** First index with {@code sorted[idx] >= t}. */
    private static int lowerBound(double[] sorted, double t) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** {@code np.trapz(y, x)}. */
    static double trapezoid(double[] y, double[] x) {
        double a = 0;
        for (int i = 1; i < x.length; i++) {
            a += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2.0;
        }
        return a;
    }
}
