package io.visage.nn.autodiff;

import io.visage.nn.ShapeMismatchException;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Fused post-LN residual block end, {@code y = LayerNorm(x + dropout(delta))} with torch's biased
 * variance (plain {@code LayerNorm(x)} when there is no delta). Backward needs only the normalised input and the inverse deviation per row (kept) and
 * the dropout mask (rebuilt from its seed); the sum itself is never kept.
 */
final class ResidualNormOp {
    private ResidualNormOp() {}

    static Tensor apply(
            Ops ops, Tensor x, Tensor delta, double dropout, Long maskSeed, Tensor gamma, Tensor beta, double eps) {
        if (delta != null && !Arrays.equals(x.shape(), delta.shape())) {
            throw new ShapeMismatchException("residualNorm: x " + Arrays.toString(x.shape()) + " and delta "
                    + Arrays.toString(delta.shape()) + " must have one shape");
        }
        long d = x.size(-1);
        long n = x.value().length() / d;
        long[] xs = x.shape();
        INDArray z = Arrays2.fresh(x.value(), n, d);
        if (delta == null) {
            z.assign(Arrays2.rows(x.value(), n, d));
        } else {
            z.assign(Arrays2.rows(delta.value(), n, d));
            if (maskSeed != null) {
                DropoutMask.apply(z, maskSeed, dropout, ops.parallelism());
            }
            z.addi(Arrays2.rows(x.value(), n, d));
        }
        INDArray mean = z.mean(true, 1);
        z.subiColumnVector(mean); // centred
        INDArray sq = z.mul(z);
        INDArray var = sq.mean(true, 1);
        INDArray rstd = Transforms.pow(var.addi(eps), -0.5, false); // [N, 1]
        INDArray xhat = z.muliColumnVector(rstd);
        INDArray out = Arrays2.fresh(x.value(), xs);
        INDArray out2 = out.reshape('c', n, d).assign(xhat);
        if (gamma != null) {
            out2.muliRowVector(gamma.value());
        }
        if (beta != null) {
            out2.addiRowVector(beta.value());
        }
        Arrays2.close(mean, sq, rstd == var ? null : var);
        Tensor y = ops.record(out, new Tensor[] {x, delta, gamma, beta}, new INDArray[] {xhat, rstd}, (g, sink) -> {
            INDArray g2 = Arrays2.rows(g, n, d);
            if (gamma != null && sink.wants(gamma)) {
                INDArray gx = g2.mul(xhat);
                Arrays2.addColumnSums(sink.accumulator(gamma), gx, 1.0);
                gx.close();
            }
            if (beta != null && sink.wants(beta)) {
                Arrays2.addColumnSums(sink.accumulator(beta), g2, 1.0);
            }
            if (!sink.wants(x) && (delta == null || !sink.wants(delta))) {
                return;
            }
            // dz = rstd · (dxhat − mean(dxhat) − xhat · mean(dxhat · xhat)), dxhat = g · gamma
            INDArray dz = Arrays2.fresh(g, xs);
            INDArray dz2 = dz.reshape('c', n, d).assign(g2);
            if (gamma != null) {
                dz2.muliRowVector(gamma.value());
            }
            INDArray m1 = dz2.mean(true, 1);
            INDArray prod = dz2.mul(xhat);
            INDArray m2 = prod.mean(true, 1);
            prod.assign(xhat).muliColumnVector(m2);
            dz2.subiColumnVector(m1).subi(prod).muliColumnVector(rstd);
            Arrays2.close(m1, m2, prod);
            if (delta != null && sink.wants(delta)) {
                INDArray dd = dz.dup();
                if (maskSeed != null) {
                    DropoutMask.apply(dd, maskSeed, dropout, ops.parallelism());
                }
                sink.addOwned(delta, dd);
            }
            if (sink.wants(x)) {
                sink.addOwned(x, dz);
            } else {
                dz.close();
            }
        });
        if (!y.requiresGrad()) {
            Arrays2.close(xhat, rstd); // kept for a backward that will not run
        }
        return y;
    }
}
