package io.visage.nn.autodiff;

import io.visage.nn.kernel.Parallelism;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An element-wise function with its derivative on whole arrays, for fused ops that recompute an
 * activation in backward instead of keeping it (see {@link Ops#feedForward}).
 */
public interface Pointwise {
    /** f(x) as a new array of x's shape and type; element-wise kernels may split over {@code par}. */
    INDArray value(INDArray x, Parallelism par);

    /** f'(x) as a new array of x's shape and type. */
    INDArray derivative(INDArray x, Parallelism par);
}
