package io.visage.core.data;

import io.visage.nn.optim.SplitMixRandom;
import java.nio.charset.StandardCharsets;

/**
 * Deterministic train/valid/test assignment by <em>video</em>, so clips of one video never straddle
 * splits (as in YT-Ambigen, whose splits are disjoint by video). The video id of a clip id is the
 * id without its trailing {@code _<start second>} (the whole id when there is none). The video id's
 * UTF-8 bytes are folded into a 64-bit value (FNV-1a), mixed with {@code seed} by one SplitMix64
 * step, and the top 53 bits give u ∈ [0, 1): u &lt; validFraction → valid, u &lt; validFraction +
 * testFraction → test, otherwise train. The rule depends on nothing but (video id, seed, fractions).
 *
 * @param validFraction expected share of videos in {@code valid}
 * @param testFraction  expected share of videos in {@code test}
 * @param seed          mixes the assignment
 */
public record SplitRule(double validFraction, double testFraction, long seed) implements java.io.Serializable {
    /** Close to YT-Ambigen's shares (9.4 % valid, 10.9 % test of clips). */
    public static SplitRule reference(long seed) {
        return new SplitRule(0.1, 0.1, seed);
    }

    public SplitRule {
        if (!(validFraction >= 0 && testFraction >= 0 && validFraction + testFraction <= 1)) {
            throw new IllegalArgumentException("split fractions must be >= 0 with valid + test <= 1, got valid "
                    + validFraction + ", test " + testFraction);
        }
    }

    /** {@code "abcdefghijk_120"} → {@code "abcdefghijk"}. */
    public static String videoId(String clipId) {
        int u = clipId.lastIndexOf('_');
        if (u > 0 && u < clipId.length() - 1 && clipId.substring(u + 1).chars().allMatch(Character::isDigit)) {
            return clipId.substring(0, u);
        }
        return clipId;
    }

    /** The split of a clip: one of {@link DatasetLayout#SPLITS}. */
    public String assign(String clipId) {
        long h = 0xcbf29ce484222325L;
        for (byte b : videoId(clipId).getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        double u = (new SplitMixRandom(h ^ seed).nextLongRaw() >>> 11) * 0x1.0p-53;
        if (u < validFraction) {
            return "valid";
        }
        return u < validFraction + testFraction ? "test" : "train";
    }
}
