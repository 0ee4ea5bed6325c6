package io.visage.nn.layers;

import io.visage.nn.ShapeMismatchException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.module.Init;
import io.visage.nn.module.Module;
import io.visage.nn.module.Params;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code nn.Linear}: y = x·Wᵀ + b with W stored [out, in] as in PyTorch. Keys {@code weight}, {@code bias}. */
public final class Linear implements Module {
    private final Tensor weight;
    private final Tensor bias;

    public Linear(Tensor weight, Tensor bias) {
        if (weight.rank() != 2 || (bias != null && (bias.rank() != 1 || bias.size(0) != weight.size(0)))) {
            throw new ShapeMismatchException("Linear: weight must be [out, in] and bias [out], got "
                    + java.util.Arrays.toString(weight.shape()) + " and "
                    + (bias == null ? "none" : java.util.Arrays.toString(bias.shape())));
        }
        this.weight = weight;
        this.bias = bias;
    }

    /**
     * @param path state-dict prefix, e.g. {@code model.decoder.layers.0.fc1}
     * @param std  standard deviation of the normal init of fresh weights (biases start at zero)
     */
    public static Linear create(Params p, String path, long in, long out, boolean bias, double std) {
        Tensor w = p.take(Params.join(path, "weight"), Init.normal(std), out, in);
        Tensor b = bias ? p.take(Params.join(path, "bias"), Init.zeros(), out) : null;
        return new Linear(w, b);
    }

    /** @param x [..., in] @return [..., out] */
    public Tensor forward(Ops ops, Tensor x) {
        return ops.linear(x, weight, bias);
    }

    public Tensor weight() {
        return weight;
    }

    /** The bias, or null. */
    public Tensor bias() {
        return bias;
    }

    public long inFeatures() {
        return weight.size(1);
    }

    public long outFeatures() {
        return weight.size(0);
    }

    @Override
    public Map<String, Tensor> parameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("weight", weight);
        if (bias != null) {
            m.put("bias", bias);
        }
        return m;
    }

    @Override
    public Map<String, Module> children() {
        return Map.of();
    }
}
