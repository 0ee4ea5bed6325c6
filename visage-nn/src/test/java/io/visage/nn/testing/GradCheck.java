package io.visage.nn.testing;

import io.visage.nn.autodiff.Gradients;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tape;
import io.visage.nn.autodiff.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Central-difference gradient checks in float64 (DL4J's GradCheckUtil habit): the analytic
 * gradient from {@link Tape#backward} against (f(x+ε) − f(x−ε)) / 2ε for sampled elements of every
 * leaf, with a relative error bound and an absolute floor.
 */
public final class GradCheck {
    public static final double EPS = 1e-6;
    public static final double MAX_REL_ERROR = 1e-5;
    public static final double MIN_ABS_ERROR = 1e-8;

    private GradCheck() {}

    /** Random float64 array of the given shape (normal, seeded). */
    public static INDArray randn(Random rng, long... shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        double[] v = new double[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian();
        }
        return Nd4j.create(v, shape, 'c');
    }

    /**
     * Checks every leaf in {@code leaves} (name → float64 tensor requiring grad). The scalar checked
     * is Σ f(ops)·R for a fixed random R, so every output element matters.
     *
     * @param perLeaf how many elements of each leaf are perturbed (all when the leaf is smaller)
     */
    public static void check(
            String label, Map<String, Tensor> leaves, Function<Ops, Tensor> f, int perLeaf, long seed) {
        Random rng = new Random(seed);
        Tensor probe = f.apply(Ops.inference());
        if (probe.dataType() != DataType.DOUBLE) {
            fail(label + ": gradient checks must run in DOUBLE, got " + probe.dataType());
        }
        INDArray weights = randn(rng, probe.shape());
        Function<Ops, Tensor> loss = ops -> ops.sum(ops.mul(f.apply(ops), ops.constant(weights)));

        Tape tape = new Tape();
        Tensor l = loss.apply(Ops.recording(tape));
        Gradients grads = tape.backward(l);
        int checked = 0;
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : leaves.entrySet()) {
            Tensor leaf = e.getValue();
            INDArray g = grads.get(leaf);
            INDArray flat = leaf.value().reshape(leaf.value().length());
            long n = flat.length();
            List<Long> idx = new ArrayList<>();
            if (n <= perLeaf) {
                for (long i = 0; i < n; i++) {
                    idx.add(i);
                }
            } else {
                for (int i = 0; i < perLeaf; i++) {
                    idx.add((long) rng.nextInt((int) n));
                }
            }
            for (long i : idx) {
                double orig = flat.getDouble(i);
                flat.putScalar(i, orig + EPS);
                double plus = loss.apply(Ops.inference()).item();
                flat.putScalar(i, orig - EPS);
                double minus = loss.apply(Ops.inference()).item();
                flat.putScalar(i, orig);
                double numeric = (plus - minus) / (2 * EPS);
                double analytic = g == null ? 0.0 : g.reshape(g.length()).getDouble(i);
                double abs = Math.abs(numeric - analytic);
                double rel = abs / Math.max(Math.abs(numeric) + Math.abs(analytic), 1e-300);
                if (abs > MIN_ABS_ERROR && rel > MAX_REL_ERROR) {
                    failures.add(String.format(
                            "%s[%d]: analytic %.10g numeric %.10g (rel %.3g)", e.getKey(), i, analytic, numeric, rel));
                }
                checked++;
            }
        }
        if (!failures.isEmpty()) {
            fail(label + ": " + failures.size() + " of " + checked + " gradient elements wrong:\n  "
                    + String.join("\n  ", failures.subList(0, Math.min(10, failures.size()))));
        }
        assertTrue(checked > 0, label + ": nothing was checked");
    }
}
