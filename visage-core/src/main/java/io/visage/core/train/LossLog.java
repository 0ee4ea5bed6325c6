package io.visage.core.train;

import io.visage.nn.optim.StepLogFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code loss.csv}: one line per step, {@code step,loss,grad_norm,lr,ids,cb_0,...,cb_{K-1},
 * valid_loss,valid_cb_0,...,valid_cb_{K-1}} (per-codebook cross entropy, empty where a codebook had
 * no label; the validation columns are empty on steps without a {@link Validation} pass, which
 * runs after the step's update). Numbers are written with
 * {@link Double#toString}, so they read back exactly. Opening for a resumed run drops the lines
 * after the checkpoint's step.
 */
public final class LossLog {
    public static final String FILE = "loss.csv";
    private final Path file;

    private LossLog(Path file) {
        this.file = file;
    }

    /**
     * @param keepUpToStep lines with a larger step are removed (0 starts a new log)
     */
    public static LossLog open(Path outDir, int codebooks, long keepUpToStep) {
        Path f = outDir.resolve(FILE);
        StringBuilder header = new StringBuilder("step,loss,grad_norm,lr,ids");
        for (int j = 0; j < codebooks; j++) {
            header.append(",cb_").append(j);
        }
        header.append(",valid_loss");
        for (int j = 0; j < codebooks; j++) {
            header.append(",valid_cb_").append(j);
        }
        StepLogFile.open(f, header.toString(), keepUpToStep);
        return new LossLog(f);
    }

    public Path file() {
        return file;
    }

    /** Appends a step without validation. */
    public void append(Trainer.StepResult r) {
        append(r, null);
    }

    /** Appends a step and the validation pass after it (or null). */
    public void append(Trainer.StepResult r, Validation.Result valid) {
        StringBuilder sb = new StringBuilder()
                .append(r.step())
                .append(',')
                .append(r.loss())
                .append(',')
                .append(r.gradNorm())
                .append(',')
                .append(r.lr())
                .append(',')
                .append(String.join(" ", r.ids()));
        for (int j = 0; j < r.perHead().length; j++) {
            sb.append(',');
            if (r.counted()[j]) {
                sb.append(r.perHead()[j]);
            }
        }
        sb.append(',');
        if (valid != null) {
            sb.append(valid.loss());
        }
        for (int j = 0; j < r.perHead().length; j++) {
            sb.append(',');
            if (valid != null) {
                sb.append(valid.perHead()[j]);
            }
        }
        StepLogFile.append(file, sb.toString());
    }

    /** The {@code valid_loss} column of the steps that have one: [step, loss] pairs in file order. */
    public static List<double[]> validationLosses(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            int col = List.of(lines.get(0).split(",")).indexOf("valid_loss");
            List<double[]> out = new ArrayList<>();
            for (String l : lines.subList(1, lines.size())) {
                String[] f = l.split(",", -1);
                if (col >= 0 && col < f.length && !f[col].isEmpty()) {
                    out.add(new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[col])});
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The {@code loss} column, in file order. */
    public static double[] losses(Path file) {
        try {
            return Files.readAllLines(file).stream()
                    .skip(1)
                    .mapToDouble(l -> Double.parseDouble(l.split(",")[1]))
                    .toArray();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }
}
