package io.visage.examples.bench;

import io.visage.nn.kernel.Parallelism;
import java.util.Arrays;

/**
 * In-process measurement of main-memory bandwidth with plain Java arrays, to put kernel figures in
 * context (a decode step that streams its weights cannot beat {@link Result#readGBps()}).
 *
 * <p>Both figures use every thread of the given {@link Parallelism}, run on arrays far larger than
 * the caches (default 1 GiB in total), and are the median of several timed runs after one untimed
 * warm-up run. Expect ±20–30 % between runs on a shared machine.
 */
public final class MemoryBandwidth {
    /** Default total size of the two copy arrays: 1 GiB (512 MiB read, 512 MiB written). */
    public static final long DEFAULT_TOTAL_BYTES = 1L << 30;
    /** Default number of timed runs. */
    public static final int DEFAULT_RUNS = 5;

    private static final int CHUNK_LONGS = 1 << 19; // 4 MiB per parallel chunk

    private MemoryBandwidth() {}

    /**
     * Median bandwidths in GB/s (10⁹ bytes per second).
     *
     * @param copyGBps   bytes <em>copied</em> per second by {@code System.arraycopy}: each byte is
     *                   read once and written once, so the DRAM traffic is at least twice this
     *                   (three times if the CPU reads destination lines before writing them)
     * @param readGBps   bytes read per second by a summing loop over one array (read-only streaming)
     * @param arrayBytes size of each of the two arrays (source and destination)
     * @param runs       timed runs behind each median
     * @param threads    threads used
     */
    public record Result(double copyGBps, double readGBps, long arrayBytes, int runs, int threads) {
        @Override
        public String toString() {
            return String.format(
                    "copy %.1f GB/s copied (read+write traffic %.1f GB/s), read-only %.1f GB/s"
                            + " [2 x %d MiB arrays, median of %d, %d threads]",
                    copyGBps, 2 * copyGBps, readGBps, arrayBytes >> 20, runs, threads);
        }
    }

    /** {@link #measure(Parallelism, long, int)} with 1 GiB in total and 5 runs. */
    public static Result measure(Parallelism par) {
        return measure(par, DEFAULT_TOTAL_BYTES, DEFAULT_RUNS);
    }

    /**
     * @param par        threads to use (all of them)
     * @param totalBytes size of source plus destination; use at least 512 MiB so that caches do not count
     * @param runs       timed runs, at least 1 (the median is reported)
     */
    public static Result measure(Parallelism par, long totalBytes, int runs) {
        if (runs < 1) {
            throw new IllegalArgumentException("MemoryBandwidth: runs must be >= 1 but was " + runs);
        }
        long longs = totalBytes / 16;
        if (longs < 1 || longs > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "MemoryBandwidth: totalBytes must be between 16 B and 32 GiB but was " + totalBytes);
        }
        int n = (int) longs;
        long[] src = new long[n];
        long[] dst = new long[n];
        Arrays.fill(src, 1L);
        int chunks = (n + CHUNK_LONGS - 1) / CHUNK_LONGS;
        long[] sums = new long[chunks];
        double[] copy = new double[runs];
        double[] read = new double[runs];
        for (int r = -1; r < runs; r++) {
            long t0 = System.nanoTime();
            par.forRange(0, chunks, 1, (from, to) -> {
                for (int c = from; c < to; c++) {
                    int lo = c * CHUNK_LONGS;
                    System.arraycopy(src, lo, dst, lo, Math.min(CHUNK_LONGS, n - lo));
                }
            });
            long t1 = System.nanoTime();
            par.forRange(0, chunks, 1, (from, to) -> {
                for (int c = from; c < to; c++) {
                    int lo = c * CHUNK_LONGS;
                    sums[c] = sum(dst, lo, Math.min(n, lo + CHUNK_LONGS));
                }
            });
            long t2 = System.nanoTime();
            if (r >= 0) {
                copy[r] = 8.0 * n / (t1 - t0);
                read[r] = 8.0 * n / (t2 - t1);
            }
        }
        long check = 0;
        for (long s : sums) {
            check += s;
        }
        if (check != n) {
            throw new IllegalStateException("MemoryBandwidth: copy check failed (" + check + " != " + n + ")");
        }
        return new Result(Stats.median(copy), Stats.median(read), 8L * n, runs, par.threads());
    }

    private static long sum(long[] a, int from, int to) {
        long s0 = 0;
        long s1 = 0;
        long s2 = 0;
        long s3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            s0 += a[i];
            s1 += a[i + 1];
            s2 += a[i + 2];
            s3 += a[i + 3];
        }
        for (; i < to; i++) {
            s0 += a[i];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
