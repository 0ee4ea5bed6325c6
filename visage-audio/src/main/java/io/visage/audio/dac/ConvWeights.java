package io.visage.audio.dac;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.layers.Conv1d;
import io.visage.nn.layers.ConvTranspose1d;
import io.visage.nn.layers.Snake;
import io.visage.nn.module.Module;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * How the codec's layers execute. Where they get the effective weight W = g · v / ‖v‖ of each weight-normalised
 * convolution: {@link #live()} recomputes it from {@code weight_g} and {@code weight_v} on every call
 * (differentiable, for training), {@link #fold(Module)} computes it once per convolution and keeps it
 * (inference). A folded set is a snapshot: it does not follow later updates of g and v.
 *
 * <p>With folded weights and ops that record no gradients, the layers also take the inference fast
 * path: Snake as one output array updated in place (instead of four temporaries), residual sums in
 * place, and intermediate activations freed as soon as they are consumed ({@link #release}). The live
 * path runs the plain {@link Snake#forward}/{@link Ops} code; tests prove both give the same values.
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
            throw new IllegalArgumentException(
                    "convolution " + conv + " is not part of the module tree these weights" + " were folded from");
        }
        return w;
    }

    /** {@code conv(x)} with this weight source. @param x [B, in, T] @return [B, out, T'] */
    static Tensor conv(Ops ops, ConvWeights w, Conv1d c, Tensor x) {
        return ops.conv1d(x, w.of(ops, c), c.bias(), c.stride(), c.padding(), c.dilation(), c.groups());
    }

    private boolean fast(Ops ops) {
        return folded != null && !ops.recordingGradients();
    }

    /**
     * Snake y = x + sin²(αx)/(α + 1e-9), α per channel.
     *
     * @param x [B, C, T] @return [B, C, T]
     */
    Tensor snake(Ops ops, Snake snake, Tensor x) {
        if (!fast(ops) || x.rank() != 3) {
            return snake.forward(ops, x);
        }
        INDArray xv = x.value();
        INDArray alpha = snake.alpha().value().reshape(snake.alpha().value().length());
        INDArray inv = alpha.add(1e-9).rdivi(1.0);
        INDArray y = Nd4j.createUninitialized(xv.dataType(), xv.shape(), 'c');
        Nd4j.getExecutioner().exec(new BroadcastMulOp(xv, alpha, y, 1));
        Transforms.sin(y, false);
        y.muli(y);
        Nd4j.getExecutioner().exec(new BroadcastMulOp(y, inv, y, 1));
        y.addi(xv);
        return Tensor.constant(y);
    }

    /** skip + y; on the fast path written into y. Both [B, C, T]. */
    Tensor residual(Ops ops, Tensor skip, Tensor y) {
        if (!fast(ops)) {
            return ops.add(skip, y);
        }
        y.value().addi(skip.value());
        return y;
    }

    /** Frees intermediate activations that are no longer needed (fast path only; otherwise a no-op). */
    void release(Ops ops, Tensor... done) {
        if (fast(ops)) {
            for (Tensor t : done) {
                t.value().close();
            }
        }
    }
}
