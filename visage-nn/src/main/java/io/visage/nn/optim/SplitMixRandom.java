package io.visage.nn.optim;

import java.util.Random;

/**
 * A {@link Random} whose whole state is one {@code long} (SplitMix64), so a training run can save
 * it with a checkpoint and resume with exactly the same stream of dropout masks, CFG-dropout draws
 * and augmentation choices. Not thread-safe; one instance per consumer.
 */
public final class SplitMixRandom extends Random {
    private static final long serialVersionUID = 1L;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private long state;
    private boolean initialised;

    public SplitMixRandom(long seed) {
        super(0);
        this.state = seed;
        this.initialised = true;
    }

    /** The complete generator state (save it to resume). */
    public long state() {
        return state;
    }

    /** Restores a state from {@link #state()}. */
    public void restore(long savedState) {
        this.state = savedState;
    }

    /** Resets to a seed, like {@link Random#setSeed}. */
    @Override
    public synchronized void setSeed(long seed) {
        // called by Random's constructor before our fields exist; ignore that call
        if (initialised) {
            this.state = seed;
        }
    }

    /** SplitMix64 step. */
    public long nextLongRaw() {
        long z = (state += GOLDEN);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    protected int next(int bits) {
        return (int) (nextLongRaw() >>> (64 - bits));
    }

    @Override
    public double nextGaussian() {
        // Random caches the second Box–Muller value, which would not survive save/restore: draw fresh
        // pairs every time (Marsaglia polar method) so the state is exactly {@link #state()}.
        double v1;
        double v2;
        double s;
        do {
            v1 = 2 * nextDouble() - 1;
            v2 = 2 * nextDouble() - 1;
            s = v1 * v1 + v2 * v2;
        } while (s >= 1 || s == 0);
        return v1 * StrictMath.sqrt(-2 * StrictMath.log(s) / s);
    }
}
