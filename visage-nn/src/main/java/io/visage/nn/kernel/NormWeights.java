package io.visage.nn.kernel;

import io.visage.nn.layers.LayerNorm;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The affine parameters of a LayerNorm as {@link RowKernels#layerNorm(float[], int, float[], int, int,
 * NormWeights)} reads them, resolved once: {@code gamma} and {@code beta} [n] float32 contiguous and
 * {@code eps}. A view of the module's arrays, not a copy.
 */
public final class NormWeights {
    private final INDArray gamma;
    private final INDArray beta;
    private final DirectFloats g;
    private final DirectFloats b;
    private final float eps;

    /**
     * @param gamma [n] float32 contiguous
     * @param beta  [n] float32 contiguous
     * @param eps   added to the variance, &gt; 0
     */
    public NormWeights(INDArray gamma, INDArray beta, float eps) {
        if (!(eps > 0)) {
            throw new IllegalArgumentException("NormWeights: eps must be > 0, got " + eps);
        }
        this.gamma = gamma;
        this.beta = beta;
        this.g = DirectFloats.vector("NormWeights", "gamma", gamma, gamma.length());
        this.b = DirectFloats.vector("NormWeights", "beta", beta, g.cols());
        this.eps = eps;
    }

    /** The weight, bias and eps of {@code norm} (views of its parameters). */
    public static NormWeights of(LayerNorm norm) {
        return new NormWeights(norm.weight().value(), norm.bias().value(), (float) norm.eps());
    }

    /** Width n. */
    public int width() {
        return g.cols();
    }

    public float eps() {
        return eps;
    }

    /** Bytes one normalisation reads: gamma and beta. */
    public long bytes() {
        return 8L * g.cols();
    }

    DirectFloats directGamma() {
        return g;
    }

    DirectFloats directBeta() {
        return b;
    }

    /** Keeps the arrays behind the direct buffers reachable until the caller's read is done. */
    void keepAlive() {
        java.lang.ref.Reference.reachabilityFence(gamma);
        java.lang.ref.Reference.reachabilityFence(beta);
    }
}
