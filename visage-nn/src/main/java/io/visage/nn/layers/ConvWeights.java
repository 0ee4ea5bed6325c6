package io.visage.nn.layers;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.module.Init;
import io.visage.nn.module.Params;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The parameters of a (transposed) convolution: a plain {@code weight}, or {@code weight_g} /
 * {@code weight_v} when weight-normalised over dim 0, plus an optional {@code bias}; in PyTorch's
 * registration order ({@code weight}, {@code bias}, then {@code weight_g}, {@code weight_v}, since
 * {@code weight_norm} re-registers them after the bias).
 */
final class ConvWeights {
    private final Tensor weight;
    private final Tensor weightG;
    private final Tensor weightV;
    private final Tensor bias;

    private ConvWeights(Tensor weight, Tensor weightG, Tensor weightV, Tensor bias) {
        this.weight = weight;
        this.weightG = weightG;
        this.weightV = weightV;
        this.bias = bias;
    }

    /** Fails naming {@code path} unless the sizes of a (transposed) convolution are in range. */
    static void checkGeometry(
            String path, int in, int out, int kernel, int stride, int padding, int dilation, int groups) {
        if (in < 1 || out < 1 || kernel < 1 || stride < 1 || dilation < 1 || groups < 1 || padding < 0) {
            throw new IllegalArgumentException(path + ": channels " + in + "->" + out + ", kernel " + kernel
                    + ", stride " + stride + ", padding " + padding + ", dilation " + dilation + ", groups " + groups
                    + " out of range (sizes >= 1, padding >= 0)");
        }
        if (in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException(
                    path + ": channels " + in + "->" + out + " not divisible by groups " + groups);
        }
    }

    /**
     * @param shape  weight shape (dim 0 is the weight-norm axis)
     * @param bound  fresh weights and biases are U(-bound, bound), as PyTorch's conv init
     */
    static ConvWeights create(
            Params p, String path, long[] shape, long biasSize, boolean bias, boolean weightNorm, double bound) {
        Tensor w = null;
        Tensor g = null;
        Tensor v = null;
        if (weightNorm) {
            g = p.take(Params.join(path, "weight_g"), Init.ones(), shape[0], 1, 1);
            v = p.take(Params.join(path, "weight_v"), Init.uniform(bound), shape);
        } else {
            w = p.take(Params.join(path, "weight"), Init.uniform(bound), shape);
        }
        Tensor b = bias ? p.take(Params.join(path, "bias"), Init.uniform(bound), biasSize) : null;
        return new ConvWeights(w, g, v, b);
    }

    /** The weight with weight norm applied. */
    Tensor effective(Ops ops) {
        return weight != null ? weight : WeightNorm.weight(ops, weightG, weightV);
    }

    /** The effective weight in a new array owned by the caller (weight norm folded, or a copy of {@code weight}). */
    INDArray fold() {
        return weight != null
                ? weight.value().dup('c')
                : WeightNorm.weight(Ops.inference(), weightG, weightV).value();
    }

    Tensor bias() {
        return bias;
    }

    /** Kernel size: the last axis of the (normalised) weight. */
    int kernelSize() {
        return (int) (weight != null ? weight : weightV).size(2);
    }

    Map<String, Tensor> parameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        if (weight != null) {
            m.put("weight", weight);
        }
        if (bias != null) {
            m.put("bias", bias);
        }
        if (weightG != null) {
            m.put("weight_g", weightG);
            m.put("weight_v", weightV);
        }
        return m;
    }
}
