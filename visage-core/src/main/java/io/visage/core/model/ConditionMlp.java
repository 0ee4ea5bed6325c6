package io.visage.core.model;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.layers.Activation;
import io.visage.nn.layers.Linear;
import io.visage.nn.module.Module;
import io.visage.nn.module.ModuleList;
import io.visage.nn.module.Params;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code nn.Sequential(Linear(in, D), GELU(), Linear(D, D))}: the encoder's
 * {@code direction_embedding} and {@code energy_map_projection}. State-dict children {@code 0}
 * and {@code 2} (the GELU at index 1 has no parameters).
 */
public final class ConditionMlp implements Module {
    private final Linear first;
    private final Linear second;
    private final Activation activation;
    private final ModuleList<Linear> sequential;

    public ConditionMlp(Linear first, Linear second, Activation activation) {
        if (first.outFeatures() != second.inFeatures()) {
            throw new IllegalArgumentException("ConditionMlp: first layer gives " + first.outFeatures()
                    + " features but the second takes " + second.inFeatures());
        }
        this.first = first;
        this.second = second;
        this.activation = activation;
        this.sequential = new ModuleList<>(Arrays.asList(first, null, second));
    }

    /** The module's GELU is {@code nn.GELU()} (exact) in the reference whatever the config says. */
    public static ConditionMlp create(Params p, String path, long in, long width, double initStd) {
        return new ConditionMlp(
                Linear.create(p, Params.join(path, "0"), in, width, true, initStd),
                Linear.create(p, Params.join(path, "2"), width, width, true, initStd),
                Activation.GELU_EXACT);
    }

    /** @param x [..., in] @return [..., D] */
    public Tensor forward(Ops ops, Tensor x) {
        return second.forward(ops, activation.apply(ops, first.forward(ops, x)));
    }

    public long inFeatures() {
        return first.inFeatures();
    }

    @Override
    public Map<String, Tensor> parameters() {
        return Map.of();
    }

    @Override
    public Map<String, Module> children() {
        return sequential.children();
    }
}
