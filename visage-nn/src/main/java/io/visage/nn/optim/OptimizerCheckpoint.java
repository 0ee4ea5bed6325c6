package io.visage.nn.optim;

import io.visage.nn.CheckpointFormatException;
import io.visage.nn.io.Safetensors;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorInfo;
import io.visage.nn.io.TensorSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Saves and restores {@link AdamW} state as safetensors: tensors {@code exp_avg.<param>} and
 * {@code exp_avg_sq.<param>}, metadata {@code step}. Files are written to a temporary sibling and
 * moved into place, so a crash never leaves a half-written checkpoint under the final name.
 */
public final class OptimizerCheckpoint {
    private static final String M = "exp_avg.";
    private static final String V = "exp_avg_sq.";

    private OptimizerCheckpoint() {}

    public static void save(AdamW opt, Path file) {
        Map<String, INDArray> t = new LinkedHashMap<>();
        opt.expAvg().forEach((k, a) -> t.put(M + k, a));
        opt.expAvgSq().forEach((k, a) -> t.put(V + k, a));
        writeAtomically(file, t, Map.of("step", Long.toString(opt.stepCount()), "format", "visage4j-adamw"));
    }

    /** Restores moments and step count into {@code opt} (built over the same parameters). */
    public static void load(AdamW opt, Path file) {
        try (TensorSource src = TensorFiles.open(file)) {
            if (!(src instanceof Safetensors st)
                    || !"visage4j-adamw".equals(st.metadata().get("format"))) {
                throw new CheckpointFormatException(file, "not an optimizer state written by OptimizerCheckpoint");
            }
            long step;
            try {
                step = Long.parseLong(st.metadata().getOrDefault("step", ""));
            } catch (NumberFormatException e) {
                throw new CheckpointFormatException(file, "metadata 'step' is missing or not a number");
            }
            Map<String, INDArray> m = new LinkedHashMap<>();
            Map<String, INDArray> v = new LinkedHashMap<>();
            for (TensorInfo info : src.tensors()) {
                String n = info.name();
                if (n.startsWith(V)) {
                    v.put(n.substring(V.length()), src.load(n));
                } else if (n.startsWith(M)) {
                    m.put(n.substring(M.length()), src.load(n));
                } else {
                    throw new CheckpointFormatException(file, "unexpected tensor " + n + " in optimizer state");
                }
            }
            opt.restore(step, m, v);
        }
    }

    /** Writes a safetensors file via a temporary sibling and an atomic move. */
    public static void writeAtomically(Path file, Map<String, INDArray> tensors, Map<String, String> metadata) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new UncheckedIOException(new IOException(file + ": folder " + dir + " does not exist"));
        }
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        try {
            Safetensors.write(tmp, tensors, metadata);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort: the temporary name is never read
            }
        }
    }
}
