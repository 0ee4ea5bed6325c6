package io.visage.nn.module;

import io.visage.nn.autodiff.Tensor;
import java.util.IdentityHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Flattening and counting over module trees. */
public final class StateDicts {
    private StateDicts() {}

    static void flatten(Module m, String prefix, Map<String, Tensor> out) {
        for (Map.Entry<String, Tensor> e : m.parameters().entrySet()) {
            out.put(prefix + e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Module> e : m.children().entrySet()) {
            flatten(e.getValue(), prefix + e.getKey() + ".", out);
        }
    }

    /**
     * The state-dict key of every parameter of {@code root}, by tensor identity: lets code that holds
     * a tensor (a fast path's weight view, an error message) name it without spelling its key.
     */
    public static Map<Tensor, String> keysByTensor(Module root) {
        Map<Tensor, String> out = new IdentityHashMap<>();
        root.stateDict().forEach((k, t) -> out.put(t, k));
        return out;
    }

    /** Total number of parameter elements of a module tree. */
    public static long parameterCount(Module m) {
        long n = 0;
        for (Tensor t : m.stateDict().values()) {
            n += t.value().length();
        }
        return n;
    }

    /** The arrays of a state dict, same keys and order (for writing checkpoints). */
    public static Map<String, INDArray> arrays(Map<String, Tensor> stateDict) {
        Map<String, INDArray> out = new java.util.LinkedHashMap<>();
        stateDict.forEach((k, v) -> out.put(k, v.value()));
        return out;
    }
}
