package io.visage.examples;

import io.visage.core.pipeline.PipelineProgress;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Wall time of each stage of a video → FOA run, for {@code --timings}. Wraps the progress listener
 * the run reports to: the time from one event (a progress update or a {@link #mark}) to the next
 * belongs to the stage of the later event, so interleaved windows (decoder steps, then DAC decode,
 * then the next window's steps) add up per stage. The command marks what the pipeline does not
 * report: loading before the first update, resampling after the last, writing.
 */
final class StageTimings implements PipelineProgress {
    private final PipelineProgress inner;
    private final LongSupplier nanos;
    private final long startNanos;
    private final Map<String, Long> stages = new LinkedHashMap<>();
    private long last;

    /** Starts the clock now; updates are passed on to {@code inner}. */
    StageTimings(PipelineProgress inner, LongSupplier nanos) {
        this.inner = inner;
        this.nanos = nanos;
        this.startNanos = nanos.getAsLong();
        this.last = startNanos;
    }

    static StageTimings startingNow(PipelineProgress inner) {
        return new StageTimings(inner, System::nanoTime);
    }

    /** The label a progress stage is reported under. */
    static String label(Stage s) {
        return switch (s) {
            case FRAMES -> "frames+CLIP";
            case DECODER_STEPS -> "decoder steps";
            case AUDIO -> "DAC decode";
        };
    }

    @Override
    public void update(Stage stage, long done, long total) {
        mark(label(stage));
        inner.update(stage, done, total);
    }

    /** The time since the previous event was spent on {@code stage}. */
    void mark(String stage) {
        long now = nanos.getAsLong();
        stages.merge(stage, now - last, Long::sum);
        last = now;
    }

    /** Seconds per stage in the order first seen (a copy). */
    Map<String, Double> seconds() {
        Map<String, Double> s = new LinkedHashMap<>();
        stages.forEach((k, v) -> s.put(k, v / 1e9));
        return s;
    }

    /** Seconds from the start of the clock to the last event. */
    double totalSeconds() {
        return (last - startNanos) / 1e9;
    }

    /**
     * One line: {@code timings: JVM start 0.61 s, loading 2.80 s, ..., total 57.3 s}.
     *
     * @param jvmStartSeconds time from the JVM's start to the clock's start, or negative to leave it out
     */
    String report(double jvmStartSeconds) {
        StringBuilder b = new StringBuilder("timings:");
        double total = totalSeconds();
        if (jvmStartSeconds >= 0) {
            b.append(String.format(" JVM start %.2f s,", jvmStartSeconds));
            total += jvmStartSeconds;
        }
        seconds().forEach((k, v) -> b.append(String.format(" %s %.2f s,", k, v)));
        b.append(String.format(" total %.2f s", total));
        return b.toString();
    }

    /** Seconds from the JVM's start (as the runtime recorded it) to now. */
    static double secondsSinceJvmStart() {
        return (System.currentTimeMillis()
                        - ManagementFactory.getRuntimeMXBean().getStartTime())
                / 1e3;
    }
}
