package io.visage.nn.optim;

import java.util.Collection;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@code torch.nn.utils.clip_grad_norm_} with the L2 norm over all gradients together. */
public final class GradClip {
    private GradClip() {}

    /**
     * Scales every gradient in place by {@code maxNorm / (total + 1e-6)} when the global L2 norm
     * exceeds {@code maxNorm}.
     *
     * @return the global norm before clipping
     */
    public static double clipGlobalNorm(Collection<INDArray> grads, double maxNorm) {
        double sq = 0;
        for (INDArray g : grads) {
            double n = g.norm2Number().doubleValue();
            sq += n * n;
        }
        double total = Math.sqrt(sq);
        double coef = maxNorm / (total + 1e-6);
        if (coef < 1.0) {
            for (INDArray g : grads) {
                g.muli(coef);
            }
        }
        return total;
    }
}
