package io.visage.core.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code loss.csv}: one line per step, {@code step,loss,grad_norm,lr,ids,cb_0,...,cb_{K-1}}
 * (per-codebook cross entropy; empty where a codebook had no label). Numbers are written with
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
        List<String> keep = new ArrayList<>();
        keep.add(header.toString());
        try {
            if (keepUpToStep > 0 && Files.isRegularFile(f)) {
                for (String line : Files.readAllLines(f)) {
                    int comma = line.indexOf(',');
                    if (comma > 0
                            && line.substring(0, comma).matches("\\d+")
                            && Long.parseLong(line.substring(0, comma)) <= keepUpToStep) {
                        keep.add(line);
                    }
                }
            }
            Files.write(f, keep);
        } catch (IOException e) {
            throw new UncheckedIOException(f + ": " + e.getMessage(), e);
        }
        return new LossLog(f);
    }

    public Path file() {
        return file;
    }

    public void append(Trainer.StepResult r) {
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
        sb.append('\n');
        try {
            Files.writeString(file, sb, StandardOpenOption.APPEND);
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
