package io.visage.audio.dac.train;

import io.visage.nn.ConfigException;
import java.util.List;

/**
 * The recipe of {@link CodecTrainer}, validated. Defaults ({@link #builder()}) follow DAC's
 * {@code conf/final/16khz.yml} where it applies to this trainer:
 *
 * <ul>
 *   <li>AdamW with DAC's betas (0.8, 0.99), ε 1e-8 and {@code torch.optim.AdamW}'s default weight
 *       decay 0.01 (biases, Snake alphas and weight-norm gains included: DAC decays every
 *       parameter), learning rate 1e-4 decayed by DAC's {@code ExponentialLR} γ = 0.999996 per
 *       step;</li>
 *   <li>gradient clip at global norm 1000 (DAC's {@code clip_grad_norm_(…, 1e3)});</li>
 *   <li>loss = 15 · mel + 1 · L1(waveform) + 0.25 · commitment + 1 · codebook. DAC's adversarial
 *       terms (multi-period / multi-band discriminators, feature matching) are not part of this
 *       trainer; the waveform L1 term (DAC logs it but weights it 0) is on by default instead,
 *       because the four FOA channels are coded separately and their phases must stay coherent,
 *       which a magnitude-only mel loss does not ask for;</li>
 *   <li>segments of {@code segmentSamples} (DAC 16 kHz: 0.38 s, batch 72; the default here is
 *       0.64 s = 10240 samples, batch 8, for one CPU).</li>
 * </ul>
 *
 * Quantizer dropout is not set here: it is the codec's own {@code quantizer_dropout}
 * ({@link io.visage.audio.dac.DacConfig#quantizerDropout()}), as in DAC, so it is saved with the
 * weights' {@code config.json}.
 *
 * @param segmentSamples   samples per training segment; a multiple of the codec's hop length
 *                         (checked by the trainer, which knows the codec)
 * @param batchSize        segments per step
 * @param steps            the step to train until
 * @param learningRate     AdamW learning rate at step 1
 * @param lrDecay          per-step factor of the exponential schedule (1 = constant)
 * @param beta1            AdamW β1
 * @param beta2            AdamW β2
 * @param weightDecay      decoupled weight decay, every parameter
 * @param maxGradNorm      global L2 clip
 * @param seed             the run's seed (weights, segments, quantizer dropout)
 * @param melWeight        weight of {@link MelSpectrogramLoss}
 * @param l1Weight         weight of the mean absolute waveform error
 * @param commitmentWeight weight of the VQ commitment loss
 * @param codebookWeight   weight of the VQ codebook loss
 * @param melScales        resolutions of the mel loss
 * @param skipSilent       redraw segments whose peak |x| is at most {@link CodecTrainingData#SILENCE_PEAK}
 */
public record CodecTrainConfig(
        int segmentSamples,
        int batchSize,
        long steps,
        double learningRate,
        double lrDecay,
        double beta1,
        double beta2,
        double weightDecay,
        double maxGradNorm,
        long seed,
        double melWeight,
        double l1Weight,
        double commitmentWeight,
        double codebookWeight,
        List<MelScale> melScales,
        boolean skipSilent) {

    public CodecTrainConfig {
        if (segmentSamples < 1 || batchSize < 1 || steps < 1) {
            throw new ConfigException("codec training: segment samples, batch size and steps must be >= 1, got "
                    + segmentSamples + ", " + batchSize + " and " + steps);
        }
        if (!(learningRate > 0) || !(lrDecay > 0 && lrDecay <= 1)) {
            throw new ConfigException("codec training: learning rate must be > 0 and the per-step decay in (0, 1],"
                    + " got " + learningRate + " and " + lrDecay);
        }
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
            throw new ConfigException("codec training: AdamW betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(weightDecay >= 0) || !(maxGradNorm > 0)) {
            throw new ConfigException("codec training: weight decay must be >= 0 and the gradient clip > 0, got "
                    + weightDecay + " and " + maxGradNorm);
        }
        for (double w : new double[] {melWeight, l1Weight, commitmentWeight, codebookWeight}) {
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new ConfigException("codec training: loss weights must be finite and >= 0, got mel " + melWeight
                        + ", l1 " + l1Weight + ", commitment " + commitmentWeight + ", codebook " + codebookWeight);
            }
        }
        if (melScales == null || melScales.isEmpty()) {
            throw new ConfigException("codec training: at least one mel scale is needed, got " + melScales);
        }
        melScales = List.copyOf(melScales);
    }

    /** A builder holding the defaults described above. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.segmentSamples = segmentSamples;
        b.batchSize = batchSize;
        b.steps = steps;
        b.learningRate = learningRate;
        b.lrDecay = lrDecay;
        b.beta1 = beta1;
        b.beta2 = beta2;
        b.weightDecay = weightDecay;
        b.maxGradNorm = maxGradNorm;
        b.seed = seed;
        b.melWeight = melWeight;
        b.l1Weight = l1Weight;
        b.commitmentWeight = commitmentWeight;
        b.codebookWeight = codebookWeight;
        b.melScales = melScales;
        b.skipSilent = skipSilent;
        return b;
    }

    /** Sets values one by one; {@link #build} validates. */
    public static final class Builder {
        private int segmentSamples = 10240;
        private int batchSize = 8;
        private long steps = 1000;
        private double learningRate = 1e-4;
        private double lrDecay = 0.999996;
        private double beta1 = 0.8;
        private double beta2 = 0.99;
        private double weightDecay = 0.01;
        private double maxGradNorm = 1000.0;
        private long seed = 0;
        private double melWeight = 15.0;
        private double l1Weight = 1.0;
        private double commitmentWeight = 0.25;
        private double codebookWeight = 1.0;
        private List<MelScale> melScales = MelScale.DEFAULT_16K;
        private boolean skipSilent = true;

        private Builder() {}

        public Builder segmentSamples(int v) {
            segmentSamples = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder steps(long v) {
            steps = v;
            return this;
        }

        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        public Builder lrDecay(double v) {
            lrDecay = v;
            return this;
        }

        public Builder betas(double b1, double b2) {
            beta1 = b1;
            beta2 = b2;
            return this;
        }

        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        public Builder maxGradNorm(double v) {
            maxGradNorm = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** The four loss weights: mel, waveform L1, commitment, codebook. */
        public Builder lossWeights(double mel, double l1, double commitment, double codebook) {
            melWeight = mel;
            l1Weight = l1;
            commitmentWeight = commitment;
            codebookWeight = codebook;
            return this;
        }

        public Builder l1Weight(double v) {
            l1Weight = v;
            return this;
        }

        public Builder melScales(List<MelScale> v) {
            melScales = v;
            return this;
        }

        public Builder skipSilent(boolean v) {
            skipSilent = v;
            return this;
        }

        /** @throws ConfigException naming the first invalid value */
        public CodecTrainConfig build() {
            return new CodecTrainConfig(
                    segmentSamples,
                    batchSize,
                    steps,
                    learningRate,
                    lrDecay,
                    beta1,
                    beta2,
                    weightDecay,
                    maxGradNorm,
                    seed,
                    melWeight,
                    l1Weight,
                    commitmentWeight,
                    codebookWeight,
                    melScales,
                    skipSilent);
        }
    }
}
