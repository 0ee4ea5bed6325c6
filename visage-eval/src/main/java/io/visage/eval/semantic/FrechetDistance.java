package io.visage.eval.semantic;

import io.visage.nn.ShapeMismatchException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * Fréchet distance between two Gaussians fitted to embedding sets (FAD):
 * {@code |mu1 - mu2|^2 + tr S1 + tr S2 - 2 tr sqrtm(S1 S2)}, with audioldm_eval's conventions:
 * float32 mean difference, the real part of the square root, and a retry with {@code +1e-6 I} added
 * to both covariances <em>inside the square-root term only</em> when the first square root fails.
 *
 * <p>The square-root trace is computed with Commons Math decompositions of symmetric matrices:
 * {@code tr sqrtm(S1 S2) = sum_i sqrt(lambda_i(S1^1/2 S2 S1^1/2))}, negative rounding residues
 * clamped to 0 (which is the real part of the principal square root). This never fails, so the
 * retry condition of the reference (SciPy's blocked Schur {@code sqrtm} returning non-finite values)
 * is reproduced by its cause instead: both sets have a dimension of exactly zero variance, which
 * gives the product exact zero rows and columns ({@link RetryRule#REFERENCE}). {@link RetryRule#NEVER}
 * gives the offset-free value.
 */
public final class FrechetDistance {
    /** The diagonal offset of the retry. */
    public static final double RETRY_EPS = 1e-6;

    private FrechetDistance() {}

    /** When the {@code +1e-6 I} retry applies. */
    public enum RetryRule {
        /** Retry when both covariances have an exactly-zero diagonal entry (or the value is not finite). */
        REFERENCE,
        /** Never add the offset. */
        NEVER
    }

    /**
     * @param distance the Fréchet distance
     * @param retried  whether the {@code +1e-6 I} offset was used
     */
    public record Result(double distance, boolean retried) {}

    /** FAD of embedding sets ({@code [N1][D]} generated vs {@code [N2][D]} ground truth), reference retry rule. */
    public static Result compute(float[][] generated, float[][] groundTruth) {
        return compute(EmbeddingStatistics.of(generated), EmbeddingStatistics.of(groundTruth), RetryRule.REFERENCE);
    }

    /**
     * @param gen statistics of the generated set (background in audioldm_eval)
     * @param gt  statistics of the ground-truth set
     */
    public static Result compute(EmbeddingStatistics gen, EmbeddingStatistics gt, RetryRule rule) {
        int d = gen.dimension();
        if (gt.dimension() != d) {
            throw new ShapeMismatchException("Frechet distance: generated embeddings have " + d
                    + " dimensions but ground-truth embeddings have " + gt.dimension());
        }
        double diff2 = 0;
        for (int j = 0; j < d; j++) {
            float df = gen.mean()[j] - gt.mean()[j];
            diff2 += (double) df * df;
        }
        double tr1 = 0;
        double tr2 = 0;
        for (int j = 0; j < d; j++) {
            tr1 += gen.covariance()[j][j];
            tr2 += gt.covariance()[j][j];
        }
        boolean retry =
                rule == RetryRule.REFERENCE && hasZeroVariance(gen.covariance()) && hasZeroVariance(gt.covariance());
        double trSqrt = retry ? Double.NaN : traceSqrtProduct(gen.covariance(), gt.covariance(), 0.0);
        if (!Double.isFinite(trSqrt) && rule == RetryRule.REFERENCE) {
            retry = true;
            trSqrt = traceSqrtProduct(gen.covariance(), gt.covariance(), RETRY_EPS);
        }
        return new Result(diff2 + tr1 + tr2 - 2.0 * trSqrt, retry);
    }

    private static boolean hasZeroVariance(double[][] cov) {
        for (int j = 0; j < cov.length; j++) {
            if (cov[j][j] == 0.0) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code tr Re sqrtm((A + eps I)(B + eps I))} for symmetric positive semi-definite A, B.
     */
    public static double traceSqrtProduct(double[][] a, double[][] b, double eps) {
        RealMatrix ma = new Array2DRowRealMatrix(a);
        RealMatrix mb = new Array2DRowRealMatrix(b);
        if (eps != 0) {
            for (int i = 0; i < a.length; i++) {
                ma.addToEntry(i, i, eps);
                mb.addToEntry(i, i, eps);
            }
        }
        RealMatrix s = sqrtPsd(ma);
        RealMatrix m = s.multiply(mb).multiply(s);
        double[] lambda = symmetricEigenvalues(symmetrize(m)).values;
        double t = 0;
        for (double l : lambda) {
            t += Math.sqrt(Math.max(0.0, l));
        }
        return t;
    }

    /**
     * Principal square root of a symmetric positive semi-definite matrix (eigenvalues below 0 from
     * rounding are clamped to 0).
     *
     * @param m [D][D] symmetric
     * @return [D][D] symmetric, {@code r * r = m}
     */
    public static RealMatrix sqrtPsd(RealMatrix m) {
        Eigen e = symmetricEigenvalues(symmetrize(m));
        RealMatrix v = e.vectors;
        int n = e.values.length;
        RealMatrix vs = v.copy();
        for (int j = 0; j < n; j++) {
            double s = Math.sqrt(Math.max(0.0, e.values[j]));
            for (int i = 0; i < n; i++) {
                vs.multiplyEntry(i, j, s);
            }
        }
        return vs.multiply(v.transpose());
    }

    private record Eigen(double[] values, RealMatrix vectors) {}

    /**
     * Eigen-decomposition of a symmetric matrix through the SVD {@code M = U S V^T}: eigenvalue j is
     * {@code s_j * sign(u_j . v_j)} with eigenvector {@code v_j}. Commons Math's
     * {@code EigenDecomposition} fails to converge on the rank-deficient covariances FAD meets
     * ("convergence failed"); its SVD does not.
     */
    private static Eigen symmetricEigenvalues(RealMatrix m) {
        SingularValueDecomposition svd = new SingularValueDecomposition(m);
        double[] s = svd.getSingularValues();
        RealMatrix u = svd.getU();
        RealMatrix v = svd.getV();
        double[] l = new double[s.length];
        for (int j = 0; j < s.length; j++) {
            double dot = u.getColumnVector(j).dotProduct(v.getColumnVector(j));
            l[j] = dot < 0 ? -s[j] : s[j];
        }
        return new Eigen(l, v);
    }

    private static RealMatrix symmetrize(RealMatrix m) {
        return m.add(m.transpose()).scalarMultiply(0.5);
    }
}
