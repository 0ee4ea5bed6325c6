package io.visage.audio.dac;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.layers.Conv1d;
import io.visage.nn.layers.ConvTranspose1d;
import io.visage.nn.module.Module;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Where the codec's layers get the effective weight W = g · v / ‖v‖ of each weight-normalised
 * convolution: {@link #live()} recomputes it from {@code weight_g} and {@code weight_v} on every call
 * (differentiable, for training), {@link #fold(Module)} computes it once per convolution and keeps it
 * (inference). A folded set is a snapshot: it does not follow later updates of g and v.
 */
public final class ConvWeights {
    private final Map<Module, Tensor> folded; // null: live

    private ConvWeights(Map<Module, Tensor> folded) {
        this.folded = folded;
    }

    /** Effective weights recomputed from g and v at each use (gradients reach g and v). */
    public static ConvWeights live() {
        return new ConvWeights(null);
    }

    /** Effective weights of every convolution under {@code root}, folded now (constants, no gradient). */
    public static ConvWeights fold(Module root) {
        Map<Module, Tensor> m = new IdentityHashMap<>();
        collect(root, m, Ops.inference());
        return new ConvWeights(Collections.unmodifiableMap(m));
    }

    private static void collect(Module node, Map<Module, Tensor> out, Ops ops) {
        if (node instanceof Conv1d c) {
            out.put(c, Tensor.constant(c.effectiveWeight(ops).value().dup('c')));
        } else if (node instanceof ConvTranspose1d c) {
            out.put(c, Tensor.constant(c.effectiveWeight(ops).value().dup('c')));
        }
        for (Module child : node.children().values()) {
            collect(child, out, ops);
        }
    }

    /** True when the weights were folded once ({@link #fold}). */
    public boolean isFolded() {
        return folded != null;
    }

    /** The effective weight [out, in/groups, k] of a convolution. */
    public Tensor of(Ops ops, Conv1d conv) {
        return folded == null ? conv.effectiveWeight(ops) : require(conv);
    }

    /** The effective weight [in, out/groups, k] of a transposed convolution. */
    public Tensor of(Ops ops, ConvTranspose1d conv) {
        return folded == null ? conv.effectiveWeight(ops) : require(conv);
    }

    private Tensor require(Module conv) {
        Tensor w = folded.get(conv);
        if (w == null) {
            throw new IllegalArgumentException("convolution " + conv + " is not part of the module tree these weights"
                    + " were folded from");
        }
        return w;
    }

    /** {@code conv(x)} with this weight source. @param x [B, in, T] @return [B, out, T'] */
    static Tensor conv(Ops ops, ConvWeights w, Conv1d c, Tensor x) {
        return ops.conv1d(x, w.of(ops, c), c.parameters().get("bias"), c.stride(), c.padding(), c.dilation(),
                c.groups());
    }
}
