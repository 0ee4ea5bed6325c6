package io.visage.nn.layers;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;

/**
 * {@code torch.nn.utils.weight_norm(module, dim=0)}: W = g · v / ‖v‖, the norm taken over every
 * axis except 0. For Conv1d ({@code v} [out, in, k]) that is one norm per output channel; for
 * ConvTranspose1d ({@code v} [in, out, k]) one per INPUT channel. {@code g} has shape
 * [v.size(0), 1, 1].
 */
public final class WeightNorm {
    private WeightNorm() {}

    /** The effective weight, differentiable in g and v. */
    public static Tensor weight(Ops ops, Tensor g, Tensor v) {
        int[] axes = new int[v.rank() - 1];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i + 1;
        }
        Tensor norm = ops.sqrt(ops.sumKeepDims(ops.square(v), axes));
        return ops.mul(v, ops.div(g, norm));
    }
}
