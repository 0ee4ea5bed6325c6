package io.visage.eval.semantic;

import io.visage.nn.ShapeMismatchException;

/**
 * Mean and covariance of a set of embeddings as audioldm_eval's {@code calculate_embd_statistics}:
 * the mean of float32 embeddings stays float32 ({@code np.mean(axis=0)}), the covariance is float64
 * with ddof 1 ({@code np.cov(rowvar=False)}).
 *
 * @param mean [D] float32
 * @param covariance [D][D] float64
 * @param count number of embedding rows
 */
public record EmbeddingStatistics(float[] mean, double[][] covariance, int count) {
    /**
     * @param embeddings [N][D], N &gt;= 2
     * @throws IllegalArgumentException for fewer than 2 rows, ragged rows or non-finite values
     */
    public static EmbeddingStatistics of(float[][] embeddings) {
        int n = embeddings.length;
        if (n < 2) {
            throw new IllegalArgumentException(
                    "embedding statistics need at least 2 rows (covariance ddof 1), found " + n);
        }
        int d = embeddings[0].length;
        double[] mu = new double[d];
        for (int i = 0; i < n; i++) {
            if (embeddings[i].length != d) {
                throw new ShapeMismatchException(
                        "embeddings: row " + i + " has " + embeddings[i].length + " values but row 0 has " + d);
            }
            for (int j = 0; j < d; j++) {
                float v = embeddings[i][j];
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException(
                            "embeddings: non-finite value " + v + " at [" + i + ", " + j + "]");
                }
                mu[j] += v;
            }
        }
        for (int j = 0; j < d; j++) {
            mu[j] /= n;
        }
        double[][] cov = new double[d][d];
        double[] c = new double[d];
        for (float[] row : embeddings) {
            for (int j = 0; j < d; j++) {
                c[j] = row[j] - mu[j];
            }
            for (int a = 0; a < d; a++) {
                double ca = c[a];
                double[] ra = cov[a];
                for (int b = a; b < d; b++) {
                    ra[b] += ca * c[b];
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                cov[a][b] /= (n - 1);
                cov[b][a] = cov[a][b];
            }
        }
        float[] meanF = new float[d];
        for (int j = 0; j < d; j++) {
            meanF[j] = (float) mu[j];
        }
        return new EmbeddingStatistics(meanF, cov, n);
    }

    public int dimension() {
        return mean.length;
    }
}
