package io.visage.core.train;

/**
 * The reference's fine-tuning recipe (SPEC §4.2, {@code cfg/visage_ytambigen.yaml}) as values;
 * {@link #reference(long)} gives its numbers. CFG dropout probability comes from the model config
 * ({@code cfg_dropout_prob}).
 *
 * @param learningRate        constant AdamW learning rate (1e-4)
 * @param weightDecay         decoupled decay for parameters outside the no-decay rule (0.01)
 * @param maxGradNorm         global L2 gradient clip (1.0)
 * @param batchSize           clips per step (64 in the reference)
 * @param seconds             clip window ({@code seconds_to_use}, 5)
 * @param rotationProbability chance of the rotated codes per item (0.5; 0 disables augmentation)
 * @param seed                seeds the training RNG (dropout, CFG dropout, augmentation, crops) and
 *                            the per-epoch data order (1115)
 */
public record TrainConfig(
        double learningRate,
        double weightDecay,
        double maxGradNorm,
        int batchSize,
        int seconds,
        double rotationProbability,
        long seed) {
    public TrainConfig {
        if (!(learningRate > 0) || !(weightDecay >= 0) || !(maxGradNorm > 0)) {
            throw new IllegalArgumentException(
                    "learning rate and max grad norm must be > 0 and weight decay >= 0, got lr " + learningRate
                            + ", weight decay " + weightDecay + ", max grad norm " + maxGradNorm);
        }
        if (batchSize < 1 || seconds < 1) {
            throw new IllegalArgumentException(
                    "batch size and seconds must be >= 1, got " + batchSize + " and " + seconds);
        }
        if (!(rotationProbability >= 0 && rotationProbability <= 1)) {
            throw new IllegalArgumentException("rotation probability must be in [0, 1], got " + rotationProbability);
        }
    }

    /** The reference's values with batch 64 and seed 1115. */
    public static TrainConfig reference() {
        return new TrainConfig(1e-4, 0.01, 1.0, 64, 5, 0.5, 1115);
    }

    public TrainConfig withBatchSize(int b) {
        return new TrainConfig(learningRate, weightDecay, maxGradNorm, b, seconds, rotationProbability, seed);
    }

    public TrainConfig withSeconds(int s) {
        return new TrainConfig(learningRate, weightDecay, maxGradNorm, batchSize, s, rotationProbability, seed);
    }

    public TrainConfig withSeed(long s) {
        return new TrainConfig(learningRate, weightDecay, maxGradNorm, batchSize, seconds, rotationProbability, s);
    }

    public TrainConfig withLearningRate(double lr) {
        return new TrainConfig(lr, weightDecay, maxGradNorm, batchSize, seconds, rotationProbability, seed);
    }
}
