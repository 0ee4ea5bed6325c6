package io.visage.nn.autodiff;

import io.visage.nn.ShapeMismatchException;
import io.visage.nn.kernel.Parallelism;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fused transformer feed-forward branch {@code fc2(dropout(act(fc1(x))))} (no residual). Only the
 * pre-activation {@code fc1(x)} is kept for backward; the activation (and its dropout mask, from the
 * mask's seed) is recomputed there, so one [N, F] array lives between the passes instead of two.
 */
final class FeedForwardOp {
    private FeedForwardOp() {}

    static Tensor apply(
            Ops ops,
            Tensor x,
            Tensor w1,
            Tensor b1,
            Pointwise act,
            double dropout,
            Long maskSeed,
            Tensor w2,
            Tensor b2) {
        long in = w1.size(1);
        long hidden = w1.size(0);
        long outF = w2.size(0);
        if (x.size(-1) != in || w2.size(1) != hidden) {
            throw new ShapeMismatchException("feedForward: input " + Arrays.toString(x.shape()) + ", fc1 "
                    + Arrays.toString(w1.shape()) + " and fc2 " + Arrays.toString(w2.shape())
                    + " do not chain ([..., in], [F, in], [out, F])");
        }
        long n = x.value().length() / in;
        long[] ys = x.shape().clone();
        ys[ys.length - 1] = outF;
        INDArray x2 = Arrays2.rows(x.value(), n, in);
        INDArray u = Nd4j.createUninitialized(x.dataType(), n, hidden);
        Nd4j.gemm(x2, w1.value(), u, false, true, 1.0, 0.0);
        if (b1 != null) {
            u.addiRowVector(b1.value());
        }
        INDArray a = activated(act, u, dropout, maskSeed, ops.parallelism());
        INDArray out = Arrays2.fresh(x.value(), ys);
        INDArray out2 = out.reshape('c', n, outF);
        Nd4j.gemm(a, w2.value(), out2, false, true, 1.0, 0.0);
        if (b2 != null) {
            out2.addiRowVector(b2.value());
        }
        a.close();
        INDArray[] saved = Arrays2.isCopyOf(x2, x.value()) ? new INDArray[] {u, x2} : new INDArray[] {u};
        Tensor y = ops.record(out, new Tensor[] {x, w1, b1, w2, b2}, saved, (g, sink) -> {
            INDArray g2 = Arrays2.rows(g, n, outF);
            if (sink.wants(w2)) {
                INDArray a2 = activated(act, u, dropout, maskSeed, ops.parallelism());
                Nd4j.gemm(g2, a2, sink.accumulator(w2), true, false, 1.0, 1.0);
                a2.close();
            }
            if (b2 != null && sink.wants(b2)) {
                Arrays2.addColumnSums(sink.accumulator(b2), g2, 1.0);
            }
            if (!sink.wants(x) && !sink.wants(w1) && !(b1 != null && sink.wants(b1))) {
                return;
            }
            INDArray du = Nd4j.gemm(g2, w2.value(), false, false); // d act [N, F]
            if (maskSeed != null) {
                DropoutMask.apply(du, maskSeed, dropout, ops.parallelism());
            }
            INDArray slope = act.derivative(u, ops.parallelism());
            du.muli(slope);
            slope.close();
            if (sink.wants(w1)) {
                Nd4j.gemm(du, x2, sink.accumulator(w1), true, false, 1.0, 1.0);
            }
            if (b1 != null && sink.wants(b1)) {
                Arrays2.addColumnSums(sink.accumulator(b1), du, 1.0);
            }
            if (sink.wants(x)) {
                INDArray gx = Arrays2.fresh(x.value(), x.shape());
                Nd4j.gemm(du, w1.value(), gx.reshape('c', n, in), false, false, 1.0, 0.0);
                sink.addOwned(x, gx);
            }
            du.close();
        });
        if (!y.requiresGrad()) {
            Arrays2.close(saved); // kept for a backward that will not run
        }
        return y;
    }

    /** act(u), times the dropout mask when one is drawn; a new array. */
    private static INDArray activated(Pointwise act, INDArray u, double dropout, Long maskSeed, Parallelism par) {
        INDArray a = act.value(u, par);
        if (maskSeed != null) {
            DropoutMask.apply(a, maskSeed, dropout, par);
        }
        return a;
    }
}
