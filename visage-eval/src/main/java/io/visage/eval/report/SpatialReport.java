package io.visage.eval.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The result of a spatial evaluation: per-clip scores and their means over clips.
 *
 * <p>Means skip clips whose value is NaN (e.g. a silent generated clip gives NaN CC; a clip whose
 * windows are all skipped has NaN window scores). The reference has no such rule (its mean becomes
 * NaN, or it fails dividing by zero); {@link #excluded} counts those clips per key.
 *
 * @param clips per clip, in evaluation order (sorted by id)
 * @param mean  [6] means in {@link #KEYS} order
 * @param excluded [6] clips left out of each mean because their value is NaN
 */
public record SpatialReport(List<ClipScores> clips, double[] mean, int[] excluded, long seed, String decoder) {
    /** Result keys of the reference's {@code result.json}, in order. */
    public static final List<String> KEYS =
            List.of("corr_all", "auc_j_all", "corr_1fps", "auc_j_1fps", "corr_5fps", "auc_j_5fps");

    /** Builds the report (means over non-NaN clip values). */
    public static SpatialReport of(List<ClipScores> clips, long seed, String decoder) {
        double[] sum = new double[KEYS.size()];
        int[] count = new int[KEYS.size()];
        int[] excluded = new int[KEYS.size()];
        for (ClipScores c : clips) {
            double[] v = c.values();
            for (int k = 0; k < v.length; k++) {
                if (Double.isNaN(v[k])) {
                    excluded[k]++;
                } else {
                    sum[k] += v[k];
                    count[k]++;
                }
            }
        }
        double[] mean = new double[KEYS.size()];
        for (int k = 0; k < mean.length; k++) {
            mean[k] = count[k] == 0 ? Double.NaN : sum[k] / count[k];
        }
        return new SpatialReport(List.copyOf(clips), mean, excluded, seed, decoder);
    }

    /** Mean of one key ({@link #KEYS}). */
    public double mean(String key) {
        int k = KEYS.indexOf(key);
        if (k < 0) {
            throw new IllegalArgumentException("unknown key '" + key + "'; known: " + KEYS);
        }
        return mean[k];
    }

    /**
     * JSON: {@code result} (the reference's 4-decimal strings), {@code mean} (full precision),
     * {@code excluded_nan_clips}, {@code clips} (per clip: the six values and skipped windows),
     * {@code settings} (jitter seed, decoder). NaN is written as null.
     */
    public ObjectNode toJson() {
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode();
        ObjectNode result = root.putObject("result");
        ObjectNode means = root.putObject("mean");
        ObjectNode excl = root.putObject("excluded_nan_clips");
        for (int k = 0; k < KEYS.size(); k++) {
            result.put(KEYS.get(k), String.format(Locale.ROOT, "%.4f", mean[k]));
            putNumber(means, KEYS.get(k), mean[k]);
            excl.put(KEYS.get(k), excluded[k]);
        }
        root.put("clip_count", clips.size());
        ObjectNode settings = root.putObject("settings");
        settings.put("jitter_seed", seed);
        settings.put("decoder", decoder);
        ObjectNode per = root.putObject("clips");
        for (ClipScores c : clips) {
            ObjectNode o = per.putObject(c.id());
            double[] v = c.values();
            for (int k = 0; k < v.length; k++) {
                putNumber(o, KEYS.get(k), v[k]);
            }
            o.put("skipped_windows_1fps", c.skipped1fps());
            o.put("skipped_windows_5fps", c.skipped5fps());
        }
        return root;
    }

    private static void putNumber(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
    }

    /** Writes {@link #toJson()} pretty-printed. */
    public void writeJson(Path file) {
        try {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), toJson());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }
}
