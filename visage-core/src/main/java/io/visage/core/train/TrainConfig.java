package io.visage.core.train;

import io.visage.nn.ConfigException;
import java.util.Objects;

/**
 * The fine-tuning recipe as values, built with {@link #builder()} from the reference's numbers
 * (SPEC §4.2, {@code cfg/visage_ytambigen.yaml}: lr 1e-4, weight decay 0.01, clip 1.0, batch 64,
 * 5-s windows, rotation probability 0.5, seed 1115). CFG dropout probability comes from the model
 * config ({@code cfg_dropout_prob}). Immutable and validated.
 */
public final class TrainConfig {
    private final double learningRate;
    private final double weightDecay;
    private final double maxGradNorm;
    private final int batchSize;
    private final int accumulate;
    private final int seconds;
    private final double rotationProbability;
    private final long seed;

    private TrainConfig(Builder b) {
        this.learningRate = b.learningRate;
        this.weightDecay = b.weightDecay;
        this.maxGradNorm = b.maxGradNorm;
        this.batchSize = b.batchSize;
        this.accumulate = b.accumulate;
        this.seconds = b.seconds;
        this.rotationProbability = b.rotationProbability;
        this.seed = b.seed;
        if (!(learningRate > 0) || !(weightDecay >= 0) || !(maxGradNorm > 0)) {
            throw new ConfigException("learning rate and max grad norm must be > 0 and weight decay >= 0, got lr "
                    + learningRate + ", weight decay " + weightDecay + ", max grad norm " + maxGradNorm);
        }
        if (batchSize < 1 || accumulate < 1 || seconds < 1) {
            throw new ConfigException("batch size, accumulation steps and seconds must be >= 1, got " + batchSize + ", "
                    + accumulate + " and " + seconds);
        }
        if (!(rotationProbability >= 0 && rotationProbability <= 1)) {
            throw new ConfigException("rotation probability must be in [0, 1], got " + rotationProbability);
        }
    }

    /** A builder holding the reference's values. */
    public static Builder builder() {
        return new Builder();
    }

    /** The reference's recipe (batch 64, seed 1115). */
    public static TrainConfig reference() {
        return builder().build();
    }

    /** A builder holding these values. */
    public Builder toBuilder() {
        return new Builder()
                .learningRate(learningRate)
                .weightDecay(weightDecay)
                .maxGradNorm(maxGradNorm)
                .batchSize(batchSize)
                .accumulate(accumulate)
                .seconds(seconds)
                .rotationProbability(rotationProbability)
                .seed(seed);
    }

    /** Constant AdamW learning rate. */
    public double learningRate() {
        return learningRate;
    }

    /** Decoupled decay for the parameters outside the no-decay rule. */
    public double weightDecay() {
        return weightDecay;
    }

    /** Global L2 gradient clip. */
    public double maxGradNorm() {
        return maxGradNorm;
    }

    /** Clips per forward/backward pass (a micro-batch). */
    public int batchSize() {
        return batchSize;
    }

    /**
     * Micro-batches per optimizer step (gradient accumulation): a step sees {@code batchSize ·
     * accumulate} clips in memory of one micro-batch.
     */
    public int accumulate() {
        return accumulate;
    }

    /** Clip window in seconds ({@code seconds_to_use}). */
    public int seconds() {
        return seconds;
    }

    /** Chance of the rotated codes per item (0 disables the augmentation). */
    public double rotationProbability() {
        return rotationProbability;
    }

    /** Seeds the training RNG (dropout, CFG dropout, augmentation, crops) and the per-epoch data order. */
    public long seed() {
        return seed;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainConfig t
                && learningRate == t.learningRate
                && weightDecay == t.weightDecay
                && maxGradNorm == t.maxGradNorm
                && batchSize == t.batchSize
                && accumulate == t.accumulate
                && seconds == t.seconds
                && rotationProbability == t.rotationProbability
                && seed == t.seed;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                learningRate, weightDecay, maxGradNorm, batchSize, accumulate, seconds, rotationProbability, seed);
    }

    @Override
    public String toString() {
        return "TrainConfig[lr=" + learningRate + ", weightDecay=" + weightDecay + ", maxGradNorm=" + maxGradNorm
                + ", batch=" + batchSize + ", accumulate=" + accumulate + ", seconds=" + seconds
                + ", rotationProbability=" + rotationProbability
                + ", seed=" + seed + "]";
    }

    /** Collects the values of a {@link TrainConfig}; {@link #build()} validates them. */
    public static final class Builder {
        private double learningRate = 1e-4;
        private double weightDecay = 0.01;
        private double maxGradNorm = 1.0;
        private int batchSize = 64;
        private int accumulate = 1;
        private int seconds = 5;
        private double rotationProbability = 0.5;
        private long seed = 1115;

        private Builder() {}

        public Builder learningRate(double v) {
            this.learningRate = v;
            return this;
        }

        public Builder weightDecay(double v) {
            this.weightDecay = v;
            return this;
        }

        public Builder maxGradNorm(double v) {
            this.maxGradNorm = v;
            return this;
        }

        public Builder batchSize(int v) {
            this.batchSize = v;
            return this;
        }

        public Builder accumulate(int v) {
            this.accumulate = v;
            return this;
        }

        public Builder seconds(int v) {
            this.seconds = v;
            return this;
        }

        public Builder rotationProbability(double v) {
            this.rotationProbability = v;
            return this;
        }

        public Builder seed(long v) {
            this.seed = v;
            return this;
        }

        /** @throws ConfigException naming the invalid value */
        public TrainConfig build() {
            return new TrainConfig(this);
        }
    }
}
