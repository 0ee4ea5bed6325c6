package io.visage.audio.dac.train;

import io.visage.nn.optim.StepLogFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code loss.csv} of a codec run: one line per step,
 * {@value #HEADER} (the unweighted terms, the step's wall seconds from drawing the batch to the
 * end of the update, the gradient norm before clipping, the learning rate used). Numbers are
 * written with {@link Double#toString}, so they read back exactly. Opening for a resumed run drops
 * the lines after the checkpoint's step.
 */
public final class CodecLossLog {
    public static final String FILE = "loss.csv";
    public static final String HEADER = "step,total,mel,l1,commitment,codebook,seconds,grad_norm,lr";

    private final Path file;

    private CodecLossLog(Path file) {
        this.file = file;
    }

    /** @param keepUpToStep lines with a larger step are removed (0 starts a new log) */
    public static CodecLossLog open(Path runDir, long keepUpToStep) {
        Path f = runDir.resolve(FILE);
        StepLogFile.open(f, HEADER, keepUpToStep);
        return new CodecLossLog(f);
    }

    public Path file() {
        return file;
    }

    public void append(CodecTrainer.StepResult r) {
        String line = r.step() + "," + r.total() + "," + r.mel() + "," + r.l1() + "," + r.commitment() + ","
                + r.codebook() + "," + r.seconds() + "," + r.gradNorm() + "," + r.lr();
        StepLogFile.append(file, line);
    }

    /**
     * One column of a log, in file order.
     *
     * @param column a name of {@value #HEADER}
     */
    public static double[] column(Path file, String column) {
        try {
            List<String> lines = Files.readAllLines(file);
            int col = List.of(lines.get(0).split(",")).indexOf(column);
            if (col < 0) {
                throw new IllegalArgumentException(file + ": no column '" + column + "' in " + lines.get(0));
            }
            return lines.stream()
                    .skip(1)
                    .mapToDouble(l -> Double.parseDouble(l.split(",")[col]))
                    .toArray();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }
}
