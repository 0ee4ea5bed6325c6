package io.visage.nn.optim;

import io.visage.nn.autodiff.Gradients;
import io.visage.nn.autodiff.ParameterGradients;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.kernel.AdamWKernel;
import io.visage.nn.kernel.Parallelism;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@code torch.optim.AdamW} (decoupled weight decay, bias-corrected moments), updating the
 * parameter arrays in place. Parameters are registered by state-dict name so the decay rule can
 * apply and the optimizer state can be saved and restored by name.
 */
public final class AdamW {
    private final Map<String, Tensor> params;
    private final Map<String, INDArray> expAvg = new LinkedHashMap<>();
    private final Map<String, INDArray> expAvgSq = new LinkedHashMap<>();
    private final LrSchedule schedule;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final NoDecayRule noDecay;
    private long step;

    /**
     * @param params    name → parameter (e.g. {@code model.stateDict()})
     * @param schedule  learning rate per step
     * @param weightDecay decay for parameters the rule lets decay
     */
    public AdamW(
            Map<String, Tensor> params,
            LrSchedule schedule,
            double beta1,
            double beta2,
            double eps,
            double weightDecay,
            NoDecayRule noDecay) {
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && eps >= 0 && weightDecay >= 0)) {
            throw new IllegalArgumentException("AdamW: invalid betas (" + beta1 + ", " + beta2 + "), eps " + eps
                    + " or weight decay " + weightDecay);
        }
        this.params = new LinkedHashMap<>(params);
        this.schedule = schedule;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.noDecay = noDecay;
    }

    /** torch defaults (β = (0.9, 0.999), ε = 1e-8) with the reference's no-decay rule. */
    public static AdamW withDefaults(Map<String, Tensor> params, LrSchedule schedule, double weightDecay) {
        return new AdamW(params, schedule, 0.9, 0.999, 1e-8, weightDecay, NoDecayRule.REFERENCE);
    }

    /** Updates completed so far. */
    public long stepCount() {
        return step;
    }

    /**
     * Applies one update from allocated gradients (the reference path: whole-array ND4J ops).
     * Parameters without a gradient are skipped entirely (as torch does for {@code p.grad is None}):
     * no decay, no moment update.
     *
     * @return the learning rate used
     */
    public double step(Gradients grads) {
        double lr = advance();
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            INDArray g = grads.get(e.getValue());
            if (g != null) {
                updateReference(e.getKey(), e.getValue().value(), g, 1.0, lr);
            }
        }
        return lr;
    }

    /**
     * Applies one update from preallocated gradients scaled by {@code gradScale} (the clip
     * coefficient: clipping folded into the update, no separate pass), each float32 parameter in
     * one fused pass ({@link AdamWKernel}) over its threads. Parameters that received no gradient
     * are skipped, as above.
     *
     * @return the learning rate used
     */
    public double step(ParameterGradients grads, double gradScale, Parallelism par) {
        double lr = advance();
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            Tensor p = e.getValue();
            INDArray g = grads.get(p);
            if (g == null || !grads.received(p)) {
                continue;
            }
            INDArray pv = p.value();
            if (pv.dataType() != DataType.FLOAT || !g.dataType().equals(DataType.FLOAT)) {
                updateReference(e.getKey(), pv, g, gradScale, lr);
                continue;
            }
            INDArray m = expAvg.computeIfAbsent(e.getKey(), k -> pv.ulike().assign(0));
            INDArray v = expAvgSq.computeIfAbsent(e.getKey(), k -> pv.ulike().assign(0));
            double decay = weightDecay != 0 && noDecay.decays(e.getKey()) ? 1 - lr * weightDecay : 1.0;
            AdamWKernel.update(
                    new AdamWKernel.Step(gradScale, decay, beta1, beta2, lr / bc1, Math.sqrt(bc2), eps),
                    pv,
                    g,
                    m,
                    v,
                    par);
        }
        return lr;
    }

    private double advance() {
        step++;
        return schedule.lr(step);
    }

    /** torch's update for one parameter with whole-array ops (any dtype). */
    private void updateReference(String name, INDArray p, INDArray gIn, double gradScale, double lr) {
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        INDArray g = gradScale == 1.0 ? gIn : gIn.mul(gradScale);
        if (weightDecay != 0 && noDecay.decays(name)) {
            p.muli(1 - lr * weightDecay);
        }
        INDArray m = expAvg.computeIfAbsent(name, k -> p.ulike().assign(0));
        INDArray v = expAvgSq.computeIfAbsent(name, k -> p.ulike().assign(0));
        m.muli(beta1).addi(g.mul(1 - beta1));
        v.muli(beta2).addi(g.mul(g).muli(1 - beta2));
        INDArray denom = Transforms.sqrt(v, true).divi(Math.sqrt(bc2)).addi(eps);
        p.subi(m.div(denom).muli(lr / bc1));
    }

    /** First moments by parameter name (live arrays, for checkpointing). */
    public Map<String, INDArray> expAvg() {
        return expAvg;
    }

    /** Second moments by parameter name (live arrays, for checkpointing). */
    public Map<String, INDArray> expAvgSq() {
        return expAvgSq;
    }

    /** Restores state saved from {@link #expAvg()}, {@link #expAvgSq()} and {@link #stepCount()}. */
    public void restore(long steps, Map<String, INDArray> m, Map<String, INDArray> v) {
        for (String k : m.keySet()) {
            if (!params.containsKey(k)) {
                throw new IllegalArgumentException("optimizer state names unknown parameter " + k);
            }
        }
        this.step = steps;
        expAvg.clear();
        expAvgSq.clear();
        m.forEach((k, a) -> expAvg.put(k, a.dup()));
        v.forEach((k, a) -> expAvgSq.put(k, a.dup()));
    }
}
