package io.visage.core.train;

import io.visage.core.data.TrainingData;
import io.visage.core.model.CodebookLoss;
import io.visage.core.model.Visage;
import io.visage.core.model.VisageConfig;
import io.visage.core.pattern.TokenGrid;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.ParameterGradients;
import io.visage.nn.autodiff.Tape;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.optim.AdamW;
import io.visage.nn.optim.SplitMixRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * The compute of one optimizer step of the reference recipe, on batches already drawn: for each
 * micro-batch, CFG dropout, the forward with dropout and the fused loss, and the training backward
 * into the preallocated gradients (so memory does not grow with the number of micro-batches); then
 * the global-norm clip (folded into the update) and one AdamW pass.
 *
 * <p>Micro-batches of one step behave as one batch: every head's loss is divided by that head's
 * live-label count over all of them, so the summed gradients and the summed losses equal those of
 * the whole batch at once (up to float summation order).
 *
 * <p>Holds the gradient buffers (one float per parameter) for its lifetime; the caller owns the
 * model, the optimizer, the RNG and the worker pool.
 */
public final class TrainingStep {
    private final Visage model;
    private final AdamW optimizer;
    private final SplitMixRandom rng;
    private final Parallelism par;
    private final double maxGradNorm;
    private final GuidanceDropout guidanceDropout;
    private final ParameterGradients grads;

    /**
     * What one step did.
     *
     * @param loss             the summed loss over the whole batch
     * @param perHead          per-codebook loss (0 where no label counted)
     * @param counted          which codebooks had labels
     * @param gradNorm         global gradient norm before clipping
     * @param lr               the learning rate used
     * @param forwardSeconds   forward passes (all micro-batches)
     * @param backwardSeconds  backward passes (all micro-batches)
     * @param optimizerSeconds norm, clip and AdamW
     * @param activationBytes  the most the tape held at the end of a micro-batch's forward
     * @param rows             decoder rows processed (clips × rows per clip)
     */
    public record Result(
            double loss,
            double[] perHead,
            boolean[] counted,
            double gradNorm,
            double lr,
            double forwardSeconds,
            double backwardSeconds,
            double optimizerSeconds,
            long activationBytes,
            long rows) {}

    public TrainingStep(Visage model, AdamW optimizer, double maxGradNorm, SplitMixRandom rng, Parallelism par) {
        VisageConfig cfg = model.config();
        this.model = model;
        this.optimizer = optimizer;
        this.rng = rng;
        this.par = par;
        this.maxGradNorm = maxGradNorm;
        this.guidanceDropout = new GuidanceDropout(cfg.classifierFreeGuidance() ? cfg.cfgDropoutProb() : 0.0);
        this.grads = new ParameterGradients(model.stateDict());
    }

    /** The gradient buffers (one float per parameter). */
    public ParameterGradients gradients() {
        return grads;
    }

    /** Runs one optimizer step over the micro-batches of one batch. */
    public Result run(List<TrainingData.Batch> microBatches) {
        if (microBatches.isEmpty()) {
            throw new IllegalArgumentException("a training step needs at least one batch");
        }
        List<TokenGrid> labels = new ArrayList<>();
        long rows = 0;
        for (TrainingData.Batch b : microBatches) {
            labels.add(b.labels());
            rows += (long) b.labels().batch() * b.labels().rows();
        }
        double[] divisors = CodebookLoss.liveCounts(labels, VisageConfig.IGNORE_INDEX);
        int k = divisors.length;
        double[] perHead = new double[k];
        boolean[] counted = new boolean[k];
        long fwd = 0;
        long bwd = 0;
        long activations = 0;
        grads.zero();
        for (TrainingData.Batch b : microBatches) {
            long t0 = System.nanoTime();
            Tape tape = new Tape();
            Ops ops = Ops.training(tape, rng, par);
            GuidanceDropout.Inputs in = guidanceDropout.apply(
                    ops,
                    model,
                    Tensor.constant(b.clip()),
                    Tensor.constant(b.energy()),
                    Tensor.constant(b.direction()),
                    rng);
            CodebookLoss loss = model.trainingLoss(
                    ops, in.clip(), in.energy(), in.direction(), b.decoderInputs(), b.labels(), divisors);
            activations = Math.max(activations, tape.bytesHeld());
            long t1 = System.nanoTime();
            for (int j = 0; j < k; j++) {
                perHead[j] += loss.perHead()[j];
                counted[j] |= loss.counted()[j];
            }
            if (loss.total() != null) {
                tape.backward(loss.total(), grads);
            }
            long t2 = System.nanoTime();
            fwd += t1 - t0;
            bwd += t2 - t1;
        }
        long t3 = System.nanoTime();
        double norm = grads.globalNorm();
        double coef = maxGradNorm / (norm + 1e-6); // torch.nn.utils.clip_grad_norm_
        double lr = optimizer.step(grads, Math.min(1.0, coef), par);
        long t4 = System.nanoTime();
        double total = 0;
        for (int j = 0; j < k; j++) {
            total += counted[j] ? perHead[j] : 0;
        }
        return new Result(total, perHead, counted, norm, lr, fwd / 1e9, bwd / 1e9, (t4 - t3) / 1e9, activations, rows);
    }
}
