package io.visage.nn.autodiff;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An element-wise function with its derivative on whole arrays, for fused ops that recompute an
 * activation in backward instead of keeping it (see {@link Ops#feedForward}).
 */
public interface Pointwise {
    /** f(x) as a new array of x's shape and type. */
    INDArray value(INDArray x);

    /** f'(x) as a new array of x's shape and type. */
    INDArray derivative(INDArray x);
}
