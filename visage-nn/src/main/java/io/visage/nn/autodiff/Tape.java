package io.visage.nn.autodiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Records the operations of one forward pass (in order) so that a backward pass can run
 * reverse-mode differentiation. A tape is single-use state owned by the caller: create one per
 * forward pass, pass it to {@link Ops#recording(Tape)}, call one of the backward methods once.
 *
 * <ul>
 *   <li>{@link #backward(Tensor)}: returns freshly allocated gradients of every leaf reached and
 *       leaves every recorded value alive (tests, small models, inspection);</li>
 *   <li>{@link #backward(Tensor, ParameterGradients)}: the training form. Leaf gradients are
 *       accumulated into the given preallocated buffers, and every array the recorded ops produced
 *       or saved is freed as soon as the backward pass is past it, so memory falls while backward
 *       runs. Values of recorded tensors must not be read after it.</li>
 * </ul>
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

    /** Bytes held by the recorded values and the arrays the ops saved for backward (views count once, at their base). */
    public long bytesHeld() {
        Map<Object, Boolean> seen = new IdentityHashMap<>();
        long n = 0;
        for (Tensor t : recorded) {
            n += bytesOf(t.value(), seen);
            for (INDArray s : t.node.saved()) {
                n += bytesOf(s, seen);
            }
        }
        return n;
    }

    private static long bytesOf(INDArray a, Map<Object, Boolean> seen) {
        if (a == null || a.wasClosed() || seen.put(a.data(), Boolean.TRUE) != null) {
            return 0;
        }
        return a.data().length() * a.data().getElementSize();
    }

    /**
     * Back-propagates from a scalar (one-element) tensor, seeding its gradient with 1.
     *
     * @return gradients of every tensor that requires grad and was reached, by identity
     */
    public Gradients backward(Tensor loss) {
        requireScalar(loss);
        return backward(loss, loss.value().ulike().assign(1.0));
    }

    /** Back-propagates from any tensor given dLoss/dOutput of its shape. */
    public Gradients backward(Tensor output, INDArray seed) {
        AllocatingSink sink = new AllocatingSink(null);
        run(output, seed.dup(), sink, false);
        return new Gradients(sink.leafGradients());
    }

    /**
     * The training backward: seeds the scalar {@code loss} with 1, adds every parameter's gradient
     * into its buffer in {@code into} (on top of what is there: call {@link ParameterGradients#zero()}
     * first unless accumulating micro-batches), and frees the recorded values, the arrays the ops
     * saved and the intermediate gradients as it goes. Leaves that are not in {@code into} get no
     * gradient.
     */
    public void backward(Tensor loss, ParameterGradients into) {
        requireScalar(loss);
        run(loss, loss.value().ulike().assign(1.0), new AllocatingSink(into), true);
    }

    private static void requireScalar(Tensor loss) {
        if (loss.value().length() != 1) {
            throw new IllegalArgumentException(
                    "backward() needs a one-element loss, got shape " + Arrays.toString(loss.shape()));
        }
    }

    private void run(Tensor output, INDArray seed, AllocatingSink sink, boolean release) {
        if (consumed) {
            throw new IllegalStateException("backward() already ran on this tape");
        }
        consumed = true;
        if (output.requiresGrad()) {
            sink.addOwned(output, seed);
        }
        for (int i = recorded.size() - 1; i >= 0; i--) {
            Tensor t = recorded.get(i);
            INDArray g = sink.take(t);
            if (g != null) {
                t.node.backward().apply(g, sink);
                if (release) {
                    close(g);
                }
            }
            if (release) {
                free(t);
            }
        }
        recorded.clear();
    }

    /** Frees what node {@code t} made or saved; never an array that is also one of its inputs' values. */
    private static void free(Tensor t) {
        for (INDArray s : t.node.saved()) {
            close(s);
        }
        INDArray v = t.value();
        for (Tensor in : t.node.inputs()) {
            if (in != null && in.value() == v) {
                return;
            }
        }
        close(v);
    }

    private static void close(INDArray a) {
        if (a != null && !a.wasClosed() && a.closeable()) {
            a.close();
        }
    }

    /**
     * Holds the gradient of every tensor reached. Intermediate gradients are owned arrays (copied
     * when handed over as views); leaf gradients go to the parameter buffers when given.
     */
    private static final class AllocatingSink implements GradientSink {
        private final ParameterGradients buffers;
        private final Map<Tensor, INDArray> grads = new IdentityHashMap<>();

        AllocatingSink(ParameterGradients buffers) {
            this.buffers = buffers;
        }

        private INDArray buffer(Tensor t) {
            if (buffers == null || t.node != null) {
                return null;
            }
            INDArray b = buffers.get(t);
            if (b != null) {
                buffers.markReceived(t);
            }
            return b;
        }

        @Override
        public boolean wants(Tensor t) {
            return t != null && t.requiresGrad() && (buffers == null || t.node != null || buffers.get(t) != null);
        }

        @Override
        public void add(Tensor t, INDArray grad) {
            if (!wants(t)) {
                return;
            }
            INDArray b = buffer(t);
            if (b != null) {
                b.addi(grad);
                return;
            }
            INDArray prev = grads.get(t);
            if (prev == null) {
                grads.put(t, grad.dup());
            } else {
                prev.addi(grad);
            }
        }

        @Override
        public void addOwned(Tensor t, INDArray grad) {
            if (!wants(t)) {
                close(grad);
                return;
            }
            INDArray b = buffer(t);
            if (b != null) {
                b.addi(grad);
                close(grad);
                return;
            }
            INDArray prev = grads.get(t);
            if (prev == null) {
                grads.put(t, grad);
            } else {
                prev.addi(grad);
                close(grad);
            }
        }

        @Override
        public INDArray accumulator(Tensor t) {
            INDArray b = buffer(t);
            if (b != null) {
                return b;
            }
            return grads.computeIfAbsent(t, k -> k.value().ulike().assign(0));
        }

        /** Removes and returns the gradient of a recorded tensor (null when it was not reached). */
        INDArray take(Tensor t) {
            return grads.remove(t);
        }

        Map<Tensor, INDArray> leafGradients() {
            return grads;
        }
    }
}
