package io.visage.nn.autodiff;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The result of {@link Tape#backward}: dLoss/dLeaf for every leaf tensor that requires grad. */
public final class Gradients {
    private final Map<Tensor, INDArray> byTensor;

    Gradients(Map<Tensor, INDArray> byTensor) {
        this.byTensor = byTensor;
    }

    /** The gradient of a leaf, or null when the loss does not depend on it. */
    public INDArray get(Tensor leaf) {
        return byTensor.get(leaf);
    }

    public boolean has(Tensor leaf) {
        return byTensor.containsKey(leaf);
    }
}
