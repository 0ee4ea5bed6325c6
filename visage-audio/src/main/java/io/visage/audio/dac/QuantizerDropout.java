package io.visage.audio.dac;

import java.util.Arrays;
import java.util.Random;

/**
 * DAC's quantizer dropout ({@code ResidualVectorQuantize.quantizer_dropout}): in a training batch
 * of B items, the first ⌊B · p⌋ use a level count drawn uniformly from [1, n], the others all n
 * levels, so the codec learns to decode from any prefix of its levels. With p = 0 every item uses
 * every level (and no random number is drawn).
 */
public final class QuantizerDropout {
    private QuantizerDropout() {}

    /**
     * @param batch      B
     * @param nCodebooks n levels
     * @param p          the fraction of the batch that draws its count, in [0, 1]
     * @param rng        the run's RNG (advanced by ⌊B · p⌋ draws)
     * @return B level counts in [1, n]
     */
    public static int[] levels(int batch, int nCodebooks, double p, Random rng) {
        if (batch < 1 || nCodebooks < 1 || !(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("quantizer dropout: batch " + batch + ", " + nCodebooks
                    + " levels and fraction " + p + " (batch, levels >= 1, fraction in [0, 1])");
        }
        int[] out = new int[batch];
        Arrays.fill(out, nCodebooks);
        int drawn = (int) (batch * p);
        for (int i = 0; i < drawn; i++) {
            out[i] = 1 + rng.nextInt(nCodebooks);
        }
        return out;
    }
}
