package io.visage.nn.module;

import io.visage.nn.autodiff.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PyTorch's {@code nn.ModuleList}/{@code nn.Sequential} naming: children {@code "0"}, {@code "1"}, ...
 * Entries may be null to keep PyTorch's index of parameter-free modules (e.g. the GELU at
 * index 1 of {@code Sequential(Linear, GELU, Linear)}).
 */
public final class ModuleList<M extends Module> implements Module {
    private final List<M> items;

    public ModuleList(List<M> items) {
        this.items = Collections.unmodifiableList(new java.util.ArrayList<>(items));
    }

    public M get(int i) {
        return items.get(i);
    }

    public int size() {
        return items.size();
    }

    public List<M> items() {
        return items;
    }

    @Override
    public Map<String, Tensor> parameters() {
        return Map.of();
    }

    @Override
    public Map<String, Module> children() {
        Map<String, Module> c = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i) != null) {
                c.put(Integer.toString(i), items.get(i));
            }
        }
        return c;
    }
}
