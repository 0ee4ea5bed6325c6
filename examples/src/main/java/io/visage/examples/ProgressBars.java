package io.visage.examples;

import java.io.PrintWriter;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** The CLI's progress bars: ASCII, redrawn in place on {@code out} (stderr), 80 columns. */
final class ProgressBars {
    private ProgressBars() {}

    /** @param total units of work, or -1 when unknown */
    static ProgressBar ascii(String task, long total, PrintWriter out) {
        return builder(task, total, out).build();
    }

    /** The CLI's bar settings, for callers that add more (a start value, an ETA). */
    static ProgressBarBuilder builder(String task, long total, PrintWriter out) {
        return new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(200)
                .continuousUpdate()
                .setConsumer(new DelegatingProgressBarConsumer(
                        line -> {
                            out.print('\r' + line);
                            out.flush();
                        },
                        80));
    }
}
