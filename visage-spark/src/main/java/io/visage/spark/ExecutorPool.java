package io.visage.spark;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Function;

/**
 * Networks loaded once per executor and reused by every task it runs. Sent to the executors as a
 * Spark broadcast value: an executor deserialises a broadcast once and hands the same object to all
 * its tasks, so the instances built here live as long as the executor (in {@code local[N]} mode the
 * driver's own object is used). Each running task borrows one instance, so an executor with
 * {@code C} task slots holds at most {@code C} copies; they are built when first needed.
 *
 * @param <S> the serialisable recipe of the instance (weights path, configs, seed)
 * @param <T> the instance (holding native memory: closed by {@link #close()})
 */
public final class ExecutorPool<S extends Serializable, T extends AutoCloseable>
        implements Serializable, AutoCloseable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Builds an instance from its recipe; serialisable so it travels with the pool. */
    @FunctionalInterface
    public interface Factory<S, T> extends Serializable {
        T open(S recipe);
    }

    private final S recipe;
    private final Factory<S, T> factory;
    private transient ConcurrentLinkedDeque<T> idle = new ConcurrentLinkedDeque<>();
    private transient List<T> all = new ArrayList<>();

    public ExecutorPool(S recipe, Factory<S, T> factory) {
        this.recipe = recipe;
        this.factory = factory;
    }

    /** Runs {@code work} with an idle instance (built when none is idle) and returns it to the pool. */
    public <R> R with(Function<T, R> work) {
        T t = idle.pollFirst();
        if (t == null) {
            t = factory.open(recipe);
            synchronized (this) {
                all.add(t);
            }
        }
        try {
            return work.apply(t);
        } finally {
            idle.addFirst(t);
        }
    }

    /** How many instances this JVM built. */
    public synchronized int built() {
        return all.size();
    }

    /** Closes the instances this JVM built (the driver calls it after the job; executors end with their JVM). */
    @Override
    public synchronized void close() throws Exception {
        Exception first = null;
        for (T t : all) {
            try {
                t.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        all.clear();
        idle.clear();
        if (first != null) {
            throw first;
        }
    }

    @Serial
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        idle = new ConcurrentLinkedDeque<>();
        all = new ArrayList<>();
    }
}
