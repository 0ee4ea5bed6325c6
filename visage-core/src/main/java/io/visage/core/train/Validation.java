package io.visage.core.train;

import io.visage.core.data.TrainingData;
import io.visage.core.model.CodebookLoss;
import io.visage.core.model.Visage;
import io.visage.core.model.VisageConfig;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.optim.SplitMixRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The reference's validation pass ({@code validation_loss} in {@code train_ambi.py}): every clip
 * of a split in order, batched, each built as {@code preprocess_eval} does (no rotation, window at
 * second 0), the forward without dropout (eval mode) but with the CFG dropout the reference's
 * {@code forward} applies also in eval mode; the loss and each codebook's loss are averaged over
 * batches (a mean of batch means, as the reference divides by the number of batches).
 *
 * <p>The CFG draws come from an RNG of their own, seeded by the caller (the trainer uses its seed
 * and the step), so a validation pass never changes the training run's random stream and is the
 * same when repeated.
 */
public final class Validation {
    private final TrainingData data;
    private final ClipWindow window;
    private final int batchSize;

    /**
     * What a pass measured.
     *
     * @param loss    mean over batches of the summed loss
     * @param perHead mean over batches of each codebook's loss (batches where it had no label count 0,
     *                as the reference adds nothing for them)
     * @param batches batches run
     * @param clips   clips run
     * @param seconds wall time
     */
    public record Result(double loss, double[] perHead, int batches, int clips, double seconds) {}

    /**
     * @param data      the split to validate on (e.g. {@code valid})
     * @param window    the clip window of training
     * @param batchSize clips per forward pass (memory only: no gradient is kept)
     */
    public Validation(TrainingData data, ClipWindow window, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("validation batch size must be >= 1, got " + batchSize);
        }
        if (data.size() == 0) {
            throw new IllegalArgumentException("the " + data.split() + " split has no clips");
        }
        this.data = data;
        this.window = window;
        this.batchSize = batchSize;
    }

    public int clips() {
        return data.size();
    }

    public int batches() {
        return (data.size() + batchSize - 1) / batchSize;
    }

    /**
     * Runs the pass.
     *
     * @param seed     seed of the CFG-dropout draws
     * @param progress sees the number of batches done after each batch
     */
    public Result run(Visage model, long seed, Parallelism par, IntConsumer progress) {
        long t0 = System.nanoTime();
        VisageConfig cfg = model.config();
        GuidanceDropout guidance = new GuidanceDropout(cfg.classifierFreeGuidance() ? cfg.cfgDropoutProb() : 0.0);
        SplitMixRandom rng = new SplitMixRandom(seed);
        Ops ops = Ops.inference(par);
        int k = model.codebooks();
        double total = 0;
        double[] perHead = new double[k];
        int batches = 0;
        for (int start = 0; start < data.size(); start += batchSize) {
            List<TrainingData.Item> items = new ArrayList<>(batchSize);
            for (int i = start; i < Math.min(data.size(), start + batchSize); i++) {
                items.add(data.validationItem(i, window, model.pattern(), cfg.dClip()));
            }
            TrainingData.Batch b = TrainingData.stack(items, cfg.dClip());
            GuidanceDropout.Inputs in = guidance.apply(
                    ops,
                    model,
                    Tensor.constant(b.clip()),
                    Tensor.constant(b.energy()),
                    Tensor.constant(b.direction()),
                    rng);
            CodebookLoss loss = model.trainingLoss(
                    ops, in.clip(), in.energy(), in.direction(), b.decoderInputs(), b.labels(), null);
            for (int j = 0; j < k; j++) {
                if (loss.counted()[j]) {
                    perHead[j] += loss.perHead()[j];
                    total += loss.perHead()[j];
                }
            }
            batches++;
            progress.accept(batches);
        }
        for (int j = 0; j < k; j++) {
            perHead[j] /= batches;
        }
        return new Result(total / batches, perHead, batches, data.size(), (System.nanoTime() - t0) / 1e9);
    }
}
