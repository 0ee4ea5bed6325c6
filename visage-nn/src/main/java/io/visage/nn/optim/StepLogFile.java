package io.visage.nn.optim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A training run's per-step CSV ({@code loss.csv}): one header line, then one line per step whose
 * first column is the step number. A resumed run keeps the lines up to its checkpoint's step, so the
 * log never holds the steps of an abandoned continuation twice.
 */
public final class StepLogFile {
    private StepLogFile() {}

    /**
     * Starts the log: writes {@code header}, then the old file's step lines up to {@code keepUpToStep}
     * (none when 0: a new run).
     */
    public static void open(Path file, String header, long keepUpToStep) {
        List<String> keep = new ArrayList<>();
        keep.add(header);
        try {
            if (keepUpToStep > 0 && Files.isRegularFile(file)) {
                for (String line : Files.readAllLines(file)) {
                    int comma = line.indexOf(',');
                    if (comma > 0
                            && line.substring(0, comma).matches("\\d+")
                            && Long.parseLong(line.substring(0, comma)) <= keepUpToStep) {
                        keep.add(line);
                    }
                }
            }
            Files.write(file, keep);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Appends one line (a newline is added). */
    public static void append(Path file, String line) {
        try {
            Files.writeString(file, line + "\n", StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }
}
