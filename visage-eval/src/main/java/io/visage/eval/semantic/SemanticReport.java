package io.visage.eval.semantic;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visage.audio.foa.ReferenceMonoDecode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Result of {@link SemanticEvaluation}: per subset ({@code monodecode, w, y, z, x}) the FAD and the KL
 * divergences, and the channel means. Paper names: FAD_dec = monodecode FAD, KLD_dec = monodecode KL
 * (softmax), FAD_avg = mean FAD over W, Y, Z, X.
 *
 * @param scores        subset → scores, in {@link SemanticEvaluation#SUBSETS} order
 * @param clipCount     clips per side
 * @param generatedDecode the mono decode used on the generated side
 * @param fadModel      name of the FAD network
 * @param klModel       name of the KL network
 * @param warnings      notes on the inputs (e.g. silent clips), one line each
 */
public record SemanticReport(
        Map<String, Scores> scores,
        int clipCount,
        ReferenceMonoDecode.Variant generatedDecode,
        String fadModel,
        String klModel,
        List<String> warnings) {

    /**
     * @param fad           Fréchet distance of the embedding sets
     * @param fadRetried    whether the {@code +1e-6 I} retry was used
     * @param kldSoftmax    {@code kullback_leibler_divergence_softmax}
     * @param kldSigmoid    {@code kullback_leibler_divergence_sigmoid}
     * @param generatedRows embedding rows of the generated side
     * @param groundTruthRows embedding rows of the ground-truth side
     */
    public record Scores(
            double fad,
            boolean fadRetried,
            double kldSoftmax,
            double kldSigmoid,
            int generatedRows,
            int groundTruthRows) {}

    public SemanticReport {
        scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
        warnings = List.copyOf(warnings);
    }

    /** Scores of one subset. */
    public Scores of(String subset) {
        Scores s = scores.get(subset);
        if (s == null) {
            throw new IllegalArgumentException("no subset '" + subset + "'; subsets: " + SemanticEvaluation.SUBSETS);
        }
        return s;
    }

    /** Mean FAD over W, Y, Z, X (FAD_avg). */
    public double fadMean() {
        return SemanticEvaluation.CHANNELS.stream()
                .mapToDouble(c -> of(c).fad())
                .average()
                .orElseThrow();
    }

    /** Mean KL (softmax) over W, Y, Z, X. */
    public double kldMean() {
        return SemanticEvaluation.CHANNELS.stream()
                .mapToDouble(c -> of(c).kldSoftmax())
                .average()
                .orElseThrow();
    }

    /**
     * JSON: {@code result} in the reference's {@code result.json} form (4-decimal strings per subset,
     * {@code fad_mean}, {@code kld_mean}), {@code paper} (FAD_dec, KLD_dec, FAD_avg), {@code full}
     * (every value at full precision, incl. the sigmoid KL and row counts), {@code settings} and
     * {@code warnings}.
     */
    public ObjectNode toJson() {
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode();
        ObjectNode result = root.putObject("result");
        ObjectNode full = root.putObject("full");
        for (String s : SemanticEvaluation.SUBSETS) {
            Scores v = of(s);
            ObjectNode r = result.putObject(s);
            r.put("fad", String.format(Locale.ROOT, "%.4f", v.fad()));
            r.put("kld", String.format(Locale.ROOT, "%.4f", v.kldSoftmax()));
            ObjectNode f = full.putObject(s);
            f.put("fad", v.fad());
            f.put("fad_retried", v.fadRetried());
            f.put("kld_softmax", v.kldSoftmax());
            f.put("kld_sigmoid", v.kldSigmoid());
            f.put("generated_rows", v.generatedRows());
            f.put("groundtruth_rows", v.groundTruthRows());
        }
        result.put("fad_mean", fadMean());
        result.put("kld_mean", kldMean());
        ObjectNode paper = root.putObject("paper");
        paper.put("FAD_dec", of("monodecode").fad());
        paper.put("KLD_dec", of("monodecode").kldSoftmax());
        paper.put("FAD_avg", fadMean());
        root.put("clip_count", clipCount);
        ObjectNode settings = root.putObject("settings");
        settings.put("generated_mono_decode", generatedDecode.name());
        settings.put("fad_model", fadModel);
        settings.put("kl_model", klModel);
        warnings.forEach(root.putArray("warnings")::add);
        return root;
    }
}
