package io.visage.nn.layers;

import io.visage.nn.ShapeMismatchException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.module.Init;
import io.visage.nn.module.Module;
import io.visage.nn.module.Params;
import java.util.Map;

/**
 * {@code nn.Embedding(num, dim, padding_idx)}: row lookup. The padding row is looked up like any
 * other (its stored value is used) but never receives a gradient. Key {@code weight} [num, dim].
 */
public final class Embedding implements Module {
    /** Marker for "no padding index". */
    public static final long NO_PADDING = -1;

    private final Tensor weight;
    private final long paddingIdx;

    public Embedding(Tensor weight, long paddingIdx) {
        if (weight.rank() != 2) {
            throw new ShapeMismatchException(
                    "Embedding weight must be [num, dim], got " + java.util.Arrays.toString(weight.shape()));
        }
        if (paddingIdx != NO_PADDING && (paddingIdx < 0 || paddingIdx >= weight.size(0))) {
            throw new IllegalArgumentException("padding index " + paddingIdx + " outside [0, " + weight.size(0) + ")");
        }
        this.weight = weight;
        this.paddingIdx = paddingIdx;
    }

    /** Fresh weights are N(0, std) with the padding row zeroed, as BART's init does. */
    public static Embedding create(Params p, String path, long num, long dim, long paddingIdx, double std) {
        Tensor w = p.take(Params.join(path, "weight"), Init.normal(std), num, dim);
        return new Embedding(w, paddingIdx);
    }

    /**
     * @param ids flat indices; @param idShape their shape
     * @return [idShape..., dim]
     */
    public Tensor forward(Ops ops, long[] ids, long... idShape) {
        return ops.embedding(weight, ids, idShape, paddingIdx);
    }

    public Tensor weight() {
        return weight;
    }

    @Override
    public Map<String, Tensor> parameters() {
        return Map.of("weight", weight);
    }

    @Override
    public Map<String, Module> children() {
        return Map.of();
    }
}
