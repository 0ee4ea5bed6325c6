package io.visage.eval.semantic.passt;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Frees activations as soon as the forward is done with them, so a 1190-token batch does not wait
 * for the garbage collector to return its off-heap buffers. Only under inference {@link Ops}: when
 * gradients are recorded the tape still holds the arrays (they are left to the GC then). Callers
 * pass only arrays they created themselves and that no live view shares.
 */
final class Release {
    private Release() {}

    static void after(Ops ops, Tensor... tensors) {
        if (ops.recordingGradients()) {
            return;
        }
        for (Tensor t : tensors) {
            INDArray a = t.value();
            if (a.closeable() && !a.wasClosed()) {
                a.close();
            }
        }
    }
}
