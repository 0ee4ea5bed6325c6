package io.visage.nn;

import java.util.List;

/**
 * Strict loading failed: the checkpoint and the module tree disagree. Lists every missing key,
 * every unexpected key and every shape mismatch at once, like PyTorch's strict
 * {@code load_state_dict}.
 */
public class StateDictMismatchException extends RuntimeException {
    private final transient List<String> missing;
    private final transient List<String> unexpected;
    private final transient List<String> shapeMismatches;

    public StateDictMismatchException(
            String source, List<String> missing, List<String> unexpected, List<String> shapeMismatches) {
        super(message(source, missing, unexpected, shapeMismatches));
        this.missing = List.copyOf(missing);
        this.unexpected = List.copyOf(unexpected);
        this.shapeMismatches = List.copyOf(shapeMismatches);
    }

    private static String message(String source, List<String> missing, List<String> unexpected, List<String> shapes) {
        StringBuilder sb = new StringBuilder(source).append(": state dict does not match the model");
        section(sb, "missing", missing);
        section(sb, "unexpected", unexpected);
        section(sb, "wrong shape", shapes);
        return sb.toString();
    }

    private static void section(StringBuilder sb, String what, List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        sb.append("; ").append(keys.size()).append(' ').append(what).append(": ");
        int shown = Math.min(keys.size(), 20);
        sb.append(String.join(", ", keys.subList(0, shown)));
        if (shown < keys.size()) {
            sb.append(", ... (").append(keys.size() - shown).append(" more)");
        }
    }

    public List<String> missing() {
        return missing;
    }

    public List<String> unexpected() {
        return unexpected;
    }

    /** Entries of the form {@code key: expected [..] found [..]}. */
    public List<String> shapeMismatches() {
        return shapeMismatches;
    }
}
