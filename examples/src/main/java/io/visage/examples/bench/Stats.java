package io.visage.examples.bench;

import java.util.Arrays;

/** Summary statistics the benchmarks print. */
final class Stats {
    private Stats() {}

    /** The median (mean of the two middle values for an even count); the input is not modified. */
    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }
}
