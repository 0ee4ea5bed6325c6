package io.visage.nn.module;

import io.visage.nn.autodiff.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A node of the parameter tree. Names are PyTorch's: {@link #parameters()} are keyed by leaf name
 * ({@code "weight"}, {@code "bias"}, {@code "alpha"}), {@link #children()} by attribute name
 * ({@code "self_attn"}, {@code "layers"}, or {@code "0"} inside a list), both in PyTorch's
 * registration order, so {@link #stateDict()} has the same keys in the same order as
 * {@code model.state_dict()}.
 */
public interface Module {
    /** Direct parameters in registration order. */
    Map<String, Tensor> parameters();

    /** Direct children in registration order. */
    Map<String, Module> children();

    /** Every parameter of the subtree by dotted name, in PyTorch state-dict order. */
    default Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        StateDicts.flatten(this, "", out);
        return out;
    }
}
