package io.visage.examples;

import io.visage.audio.dac.train.CodecTrainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;

/**
 * How {@code visage codec train} shows a run on stderr: on a terminal a progress bar (steps, total
 * loss, mel term, seconds per step, ETA) with saved folders printed above it; otherwise one line
 * per step with every term.
 */
abstract class CodecTrainingReport implements CodecTrainCommand.Progress, AutoCloseable {
    private boolean closed;

    static CodecTrainingReport bar(PrintWriter err) {
        return new Bar(err);
    }

    static CodecTrainingReport lines(PrintWriter err) {
        return new Lines(err);
    }

    static String segmentLine(long first, long last, int segmentSamples) {
        return String.format(
                Locale.ROOT, "codec train: steps %d..%d, segments of %d samples", first + 1, last, segmentSamples);
    }

    @Override
    public final void close() {
        if (!closed) {
            closed = true;
            finish();
        }
    }

    abstract void finish();

    private static final class Bar extends CodecTrainingReport {
        private final PrintWriter err;
        private ProgressBar bar;

        Bar(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void started(long firstStep, long lastStep, int segmentSamples) {
            err.println(segmentLine(firstStep, lastStep, segmentSamples));
            bar = ProgressBars.builder("codec train", lastStep, err)
                    .startsFrom(firstStep, Duration.ZERO)
                    .build();
        }

        @Override
        public void step(CodecTrainer.StepResult r) {
            bar.stepTo(r.step());
            bar.setExtraMessage(
                    String.format(Locale.ROOT, "loss %.3f mel %.3f %.2fs/step", r.total(), r.mel(), r.seconds()));
        }

        @Override
        public void saved(Path folder) {
            err.print('\r' + String.format("%-80s", "saved " + folder) + '\n');
            err.flush();
        }

        @Override
        void finish() {
            if (bar != null) {
                bar.close();
                err.println();
                err.flush();
            }
        }
    }

    private static final class Lines extends CodecTrainingReport {
        private final PrintWriter err;
        private long last;

        Lines(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void started(long firstStep, long lastStep, int segmentSamples) {
            last = lastStep;
            err.println(segmentLine(firstStep, lastStep, segmentSamples));
            err.flush();
        }

        @Override
        public void step(CodecTrainer.StepResult r) {
            err.printf(
                    Locale.ROOT,
                    "step %d/%d  loss %.5f  mel %.5f  l1 %.5f  commit %.5f  codebook %.5f  grad_norm %.3f  %.2f s/step%n",
                    r.step(),
                    last,
                    r.total(),
                    r.mel(),
                    r.l1(),
                    r.commitment(),
                    r.codebook(),
                    r.gradNorm(),
                    r.seconds());
            err.flush();
        }

        @Override
        public void saved(Path folder) {
            err.println("saved " + folder);
            err.flush();
        }

        @Override
        void finish() {
            err.flush();
        }
    }
}
