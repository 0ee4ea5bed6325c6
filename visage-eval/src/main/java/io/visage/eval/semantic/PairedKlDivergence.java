package io.visage.eval.semantic;

import io.visage.nn.ShapeMismatchException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * audioldm_eval's {@code calculate_kl} (same_name=True): classifier outputs of generated and
 * ground-truth clips paired by file name, then with N pairs
 * {@code kl_softmax = (1/N) sum_pairs sum_c p_gt (log p_gt - log(p_gen + 1e-6))},
 * p = softmax over classes, {@code 0 log 0 = 0}; {@code kl_sigmoid} the same with elementwise
 * sigmoids; the per-pair values are the mean over classes of the softmax terms, divided by N (as
 * the reference returns them).
 */
public final class PairedKlDivergence {
    /** The floor added to the generated probabilities. */
    public static final double EPS = 1e-6;

    private PairedKlDivergence() {}

    /**
     * @param softmax      the reported {@code kullback_leibler_divergence_softmax}
     * @param sigmoid      {@code kullback_leibler_divergence_sigmoid}
     * @param perPair      [N] the reference's second return value
     * @param pairedNames  [N] names in pair order (= ground-truth order)
     * @param generatedRows [N] row of the generated logits used per pair
     * @param groundTruthRows [N] row of the ground-truth logits used per pair
     * @param missingInGenerated ground-truth names without a generated clip (skipped)
     */
    public record Result(
            double softmax,
            double sigmoid,
            double[] perPair,
            List<String> pairedNames,
            int[] generatedRows,
            int[] groundTruthRows,
            List<String> missingInGenerated) {}

    /**
     * Pairs by base name (directories are ignored: {@code a/x.wav} pairs with {@code b/x.wav}).
     *
     * @param genNames   [N1] file names of the generated rows
     * @param genLogits  [N1][C]
     * @param gtNames    [N2] file names of the ground-truth rows
     * @param gtLogits   [N2][C]
     * @throws IllegalArgumentException for duplicate names, no pair at all, or class-count mismatches
     */
    public static Result compute(List<String> genNames, float[][] genLogits, List<String> gtNames, float[][] gtLogits) {
        if (genNames.size() != genLogits.length || gtNames.size() != gtLogits.length) {
            throw new ShapeMismatchException("KL: " + genNames.size() + " generated names for " + genLogits.length
                    + " rows, " + gtNames.size() + " ground-truth names for " + gtLogits.length + " rows");
        }
        Map<String, Integer> genIndex = new HashMap<>();
        for (int i = 0; i < genNames.size(); i++) {
            String b = baseName(genNames.get(i));
            if (genIndex.put(b, i) != null) {
                throw new IllegalArgumentException("KL: generated file name '" + b + "' occurs twice");
            }
        }
        List<String> names = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<int[]> rows = new ArrayList<>();
        for (int j = 0; j < gtNames.size(); j++) {
            String b = baseName(gtNames.get(j));
            Integer i = genIndex.get(b);
            if (i == null) {
                missing.add(b);
            } else {
                names.add(b);
                rows.add(new int[] {i, j});
            }
        }
        int n = rows.size();
        if (n == 0) {
            throw new IllegalArgumentException("KL: no generated file name matches a ground-truth file name ("
                    + genNames.size() + " generated, " + gtNames.size() + " ground truth)");
        }
        double soft = 0;
        double sig = 0;
        double[] perPair = new double[n];
        int[] gr = new int[n];
        int[] tr = new int[n];
        for (int k = 0; k < n; k++) {
            float[] g = genLogits[rows.get(k)[0]];
            float[] t = gtLogits[rows.get(k)[1]];
            if (g.length != t.length) {
                throw new ShapeMismatchException("KL: pair '" + names.get(k) + "' has " + g.length
                        + " generated classes but " + t.length + " ground-truth classes");
            }
            double[] pg = softmax(g);
            double[] pt = softmax(t);
            double s = 0;
            double sg = 0;
            for (int c = 0; c < g.length; c++) {
                s += term(pt[c], pg[c]);
                sg += term(sigmoid(t[c]), sigmoid(g[c]));
            }
            soft += s;
            sig += sg;
            perPair[k] = s / g.length / n;
            gr[k] = rows.get(k)[0];
            tr[k] = rows.get(k)[1];
        }
        return new Result(soft / n, sig / n, perPair, List.copyOf(names), gr, tr, List.copyOf(missing));
    }

    /** {@code target * (log target - log(p + eps))}, 0 when target is 0 (torch kl_div). */
    private static double term(double target, double p) {
        return target > 0 ? target * (Math.log(target) - Math.log(p + EPS)) : 0.0;
    }

    private static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    private static double[] softmax(float[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : x) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("KL: non-finite logit " + v);
            }
            max = Math.max(max, v);
        }
        double[] p = new double[x.length];
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            p[i] = Math.exp(x[i] - max);
            s += p[i];
        }
        for (int i = 0; i < x.length; i++) {
            p[i] /= s;
        }
        return p;
    }

    private static String baseName(String name) {
        Path f = Path.of(name).getFileName();
        return f == null ? name : f.toString();
    }
}
