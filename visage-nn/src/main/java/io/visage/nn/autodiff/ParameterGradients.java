package io.visage.nn.autodiff;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Preallocated gradient buffers of a set of parameters: one flat array per dtype, each parameter's
 * gradient a contiguous view of the parameter's shape, in the order given. A training step passes
 * them to {@link Tape#backward(Tensor, ParameterGradients)}, which accumulates into the views and
 * records which parameters received a gradient; {@link #zero()} starts the next step (or, without
 * it, the next micro-batch accumulates on top).
 */
public final class ParameterGradients {
    private final Map<String, Tensor> params;
    private final Map<Tensor, INDArray> byTensor = new IdentityHashMap<>();
    private final Map<String, INDArray> byName = new LinkedHashMap<>();
    private final Map<Tensor, Boolean> touched = new IdentityHashMap<>();
    private final Map<DataType, INDArray> flat = new LinkedHashMap<>();

    /** @param params name → parameter, e.g. {@code model.stateDict()}; every entry gets a buffer */
    public ParameterGradients(Map<String, Tensor> params) {
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        Map<DataType, Long> sizes = new LinkedHashMap<>();
        for (Tensor t : params.values()) {
            sizes.merge(t.dataType(), t.value().length(), Long::sum);
        }
        Map<DataType, Long> at = new LinkedHashMap<>();
        sizes.forEach((type, n) -> {
            flat.put(type, Nd4j.zeros(type, Math.max(1, n)));
            at.put(type, 0L);
        });
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            Tensor t = e.getValue();
            long off = at.get(t.dataType());
            long[] shape = t.shape();
            INDArray base = flat.get(t.dataType());
            INDArray view = Nd4j.create(base.data(), shape, Nd4j.getStrides(shape, 'c'), off, 'c');
            at.put(t.dataType(), off + t.value().length());
            if (byTensor.put(t, view) != null) {
                throw new IllegalArgumentException("parameter " + e.getKey() + " is listed twice");
            }
            byName.put(e.getKey(), view);
        }
    }

    /** Sets every gradient to zero and forgets which parameters received one. */
    public void zero() {
        flat.values().forEach(a -> a.assign(0));
        touched.clear();
    }

    /** The parameters, by name, in the order given. */
    public Map<String, Tensor> parameters() {
        return params;
    }

    /** The gradient buffer of {@code p}, or null if {@code p} is not one of these parameters. */
    public INDArray get(Tensor p) {
        return byTensor.get(p);
    }

    /** The gradient buffer of the parameter named {@code name}, or null. */
    public INDArray get(String name) {
        return byName.get(name);
    }

    /** Whether {@code p} received a gradient since the last {@link #zero()}. */
    public boolean received(Tensor p) {
        return touched.containsKey(p);
    }

    void markReceived(Tensor p) {
        touched.put(p, Boolean.TRUE);
    }

    /** The flat buffers (one per dtype), for whole-set passes such as norms and scaling. */
    public Iterable<INDArray> flatBuffers() {
        return flat.values();
    }

    /** Bytes held by the buffers. */
    public long bytes() {
        long n = 0;
        for (INDArray a : flat.values()) {
            n += a.length() * a.dataType().width();
        }
        return n;
    }

    /** Global L2 norm over every gradient (one pass over each flat buffer, accumulated in double). */
    public double globalNorm() {
        double sq = 0;
        for (INDArray a : flat.values()) {
            double n = a.norm2Number().doubleValue();
            sq += n * n;
        }
        return Math.sqrt(sq);
    }

    /** Multiplies every gradient by {@code s} in place. */
    public void scale(double s) {
        for (INDArray a : flat.values()) {
            a.muli(s);
        }
    }
}
