package io.visage.core.generate;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/** A seeded RandomGenerator that counts the draws a sampler takes from it (for tests). */
public final class CountingRng implements RandomGenerator {
    private final SplittableRandom inner;
    private long draws;

    public CountingRng(long seed) {
        inner = new SplittableRandom(seed);
    }

    @Override
    public long nextLong() {
        draws++;
        return inner.nextLong();
    }

    /** Draws taken so far. */
    public long draws() {
        return draws;
    }
}
