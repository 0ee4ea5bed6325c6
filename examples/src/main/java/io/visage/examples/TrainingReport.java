package io.visage.examples;

import io.visage.core.train.Trainer;
import io.visage.core.train.Validation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Locale;
import java.util.Optional;
import me.tongfei.progressbar.ProgressBar;

/**
 * How {@code visage train} shows a run: on a terminal, a progress bar (steps, loss, seconds per
 * step, ETA) with validation results and checkpoints printed above it; otherwise (a log file, CI)
 * one line per step with the same figures.
 *
 * <p>A step's time is the wall time from the end of the previous step, validation pass or checkpoint
 * to the end of the step (data loading and compute). The ETA is the median of the last
 * {@value #WINDOW} step times times the steps left, plus the validation passes still due at the last
 * pass's duration.
 */
abstract class TrainingReport implements TrainCommand.Progress, AutoCloseable {
    static final int WINDOW = 20;
    private final Deque<Double> recent = new ArrayDeque<>();
    private long last;
    private long done;
    private long lastMark = System.nanoTime();
    private double validationSeconds;
    private long validEvery;
    private long lastValidStep = -1;

    /** A progress bar on {@code err}. */
    static TrainingReport bar(PrintWriter err) {
        return new Bar(err);
    }

    /** One line per step on {@code out}. */
    static TrainingReport lines(PrintWriter out) {
        return new Lines(out);
    }

    @Override
    public void started(long firstStep, long lastStep) {
        done = firstStep;
        last = lastStep;
        lastMark = System.nanoTime();
    }

    @Override
    public void step(Trainer.StepResult r) {
        double seconds = (System.nanoTime() - lastMark) / 1e9;
        recent.addLast(seconds);
        if (recent.size() > WINDOW) {
            recent.removeFirst();
        }
        done = r.step();
        onStep(r, seconds);
        lastMark = System.nanoTime();
    }

    @Override
    public void validated(long step, Validation.Result r) {
        validationSeconds = r.seconds();
        if (lastValidStep >= 0) {
            validEvery = step - lastValidStep;
        }
        lastValidStep = step;
        onValidated(step, r);
        lastMark = System.nanoTime();
    }

    @Override
    public void saved(Path checkpoint) {
        onSaved(checkpoint);
        lastMark = System.nanoTime();
    }

    /** Median seconds per step over the recent window. */
    double secondsPerStep() {
        double[] v = recent.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        return v.length == 0 ? Double.NaN : v[v.length / 2];
    }

    /** Time left, or empty before the first step. */
    Optional<Duration> eta() {
        double per = secondsPerStep();
        if (Double.isNaN(per)) {
            return Optional.empty();
        }
        long left = last - done;
        double seconds = left * per;
        if (validEvery > 0) {
            seconds += (double) (left / validEvery) * validationSeconds;
        }
        return Optional.of(Duration.ofMillis((long) (seconds * 1000)));
    }

    long done() {
        return done;
    }

    long last() {
        return last;
    }

    static String format(Duration d) {
        long s = d.getSeconds();
        return s >= 3600
                ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    static String validationLine(long step, Validation.Result r) {
        return String.format(
                Locale.ROOT,
                "valid step %d: loss %.5f (%d clips in %d batches, %.1f s)",
                step,
                r.loss(),
                r.clips(),
                r.batches(),
                r.seconds());
    }

    abstract void onStep(Trainer.StepResult r, double wallSeconds);

    abstract void onValidated(long step, Validation.Result r);

    abstract void onSaved(Path checkpoint);

    @Override
    public abstract void close();

    private static final class Bar extends TrainingReport {
        private final PrintWriter err;
        private ProgressBar bar;

        Bar(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void started(long firstStep, long lastStep) {
            super.started(firstStep, lastStep);
            bar = ProgressBars.builder("train", lastStep, err)
                    .startsFrom(firstStep, Duration.ZERO)
                    .setEtaFunction(state -> eta())
                    .build();
        }

        @Override
        void onStep(Trainer.StepResult r, double wallSeconds) {
            bar.stepTo(r.step());
            bar.setExtraMessage(String.format(Locale.ROOT, "loss %.3f %.1fs/step", r.loss(), secondsPerStep()));
        }

        @Override
        public void validating(int batchesDone, int batches) {
            if (bar != null) {
                bar.setExtraMessage("validating " + batchesDone + "/" + batches);
            }
        }

        @Override
        void onValidated(long step, Validation.Result r) {
            above(validationLine(step, r));
        }

        @Override
        void onSaved(Path checkpoint) {
            above("saved " + checkpoint);
        }

        private void above(String line) {
            err.print('\r' + String.format("%-80s", line) + '\n');
            err.flush();
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
                err.println();
                err.flush();
            }
        }
    }

    private static final class Lines extends TrainingReport {
        private final PrintWriter out;

        Lines(PrintWriter out) {
            this.out = out;
        }

        @Override
        void onStep(Trainer.StepResult r, double wallSeconds) {
            out.printf(
                    Locale.ROOT,
                    "step %d/%d  loss %.5f  grad_norm %.4f  lr %.2e  %.2f s/step  ETA %s%n",
                    r.step(),
                    last(),
                    r.loss(),
                    r.gradNorm(),
                    r.lr(),
                    wallSeconds,
                    eta().map(TrainingReport::format).orElse("?"));
            out.flush();
        }

        @Override
        void onValidated(long step, Validation.Result r) {
            out.println(validationLine(step, r));
            out.flush();
        }

        @Override
        void onSaved(Path checkpoint) {
            out.println("saved " + checkpoint);
            out.flush();
        }

        @Override
        public void close() {
            out.flush();
        }
    }
}
