package io.visage.spark;

import io.visage.core.data.DatasetPreparer;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.util.LongAccumulator;

/** Waiting for a job on the driver while reporting progress. */
final class SparkJobs {
    private SparkJobs() {}

    static <T> List<T> await(
            JavaFutureAction<List<T>> job,
            LongAccumulator done,
            int total,
            DatasetPreparer.Progress progress,
            String what) {
        long reported = 0;
        try {
            while (true) {
                try {
                    List<T> r = job.get(250, TimeUnit.MILLISECONDS);
                    progress.clipDone(total, total, "");
                    return r;
                } catch (TimeoutException e) {
                    long d = done.value();
                    if (d != reported) {
                        reported = d;
                        progress.clipDone((int) d, total, "");
                    }
                }
            }
        } catch (InterruptedException e) {
            job.cancel(true);
            Thread.currentThread().interrupt();
            throw new SparkJobException(what + ": interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            String m = String.valueOf(c.getMessage());
            int nl = m.indexOf('\n');
            throw new SparkJobException(what + ": Spark job failed: " + (nl < 0 ? m : m.substring(0, nl)), c);
        }
    }
}
