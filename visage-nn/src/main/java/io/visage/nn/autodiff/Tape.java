package io.visage.nn.autodiff;

import io.visage.nn.ShapeMismatchException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Records the operations of one forward pass (in order) so that {@link #backward(Tensor)} can run
 * reverse-mode differentiation. A tape is single-use state owned by the caller: create one per
 * training step, pass it to {@link Ops#recording(Tape)}, call {@code backward} once.
 */
public final class Tape {
    private final List<Tensor> recorded = new ArrayList<>();
    private boolean consumed;

    void record(Tensor output) {
        if (consumed) {
            throw new IllegalStateException("this tape already ran backward(); create a new Tape per step");
        }
        recorded.add(output);
    }

    /** Number of recorded operations. */
    public int size() {
        return recorded.size();
    }

    /**
     * Back-propagates from a scalar (one-element) tensor, seeding its gradient with 1.
     *
     * @return gradients of every tensor that requires grad and was reached, by identity
     */
    public Gradients backward(Tensor loss) {
        if (loss.value().length() != 1) {
            throw new ShapeMismatchException(
                    "backward() needs a one-element loss, got shape " + java.util.Arrays.toString(loss.shape()));
        }
        return backward(loss, loss.value().ulike().assign(1.0));
    }

    /** Back-propagates from any tensor given dLoss/dOutput of its shape. */
    public Gradients backward(Tensor output, INDArray seed) {
        if (consumed) {
            throw new IllegalStateException("backward() already ran on this tape");
        }
        consumed = true;
        Map<Tensor, INDArray> grads = new IdentityHashMap<>();
        if (!output.requiresGrad()) {
            return new Gradients(grads);
        }
        grads.put(output, seed);
        for (int i = recorded.size() - 1; i >= 0; i--) {
            Tensor t = recorded.get(i);
            INDArray g = t.node == null ? null : grads.get(t);
            if (g == null) {
                continue;
            }
            INDArray[] inGrads = t.node.backward().apply(g);
            Tensor[] inputs = t.node.inputs();
            for (int k = 0; k < inputs.length; k++) {
                Tensor in = inputs[k];
                if (in == null || !in.requiresGrad() || inGrads[k] == null) {
                    continue;
                }
                INDArray prev = grads.get(in);
                if (prev == null) {
                    // own the array: a backward function may return a view of gradOutput
                    grads.put(in, inGrads[k].dup());
                } else {
                    prev.addi(inGrads[k]);
                }
            }
            if (t.node != null) {
                grads.remove(t); // intermediate gradients are not kept
            }
        }
        recorded.clear();
        return new Gradients(grads);
    }
}
