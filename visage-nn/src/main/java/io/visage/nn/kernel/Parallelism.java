package io.visage.nn.kernel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of worker threads with a cheap fork-join over index ranges, meant to be called
 * about a hundred times per decode step.
 *
 * <p>{@link #forRange} cuts {@code [from, to)} into chunks that the calling thread and the workers
 * claim one at a time from a shared counter, so the caller always takes part and a worker that the
 * OS has descheduled simply claims nothing (the others finish its share). The call returns when
 * every chunk has run. Between calls the workers spin for {@code spinNanos} (so the next call
 * costs no wake-up) and then park.
 *
 * <p>Thread safety: {@code forRange} may be called from any thread, concurrently and re-entrantly
 * (from inside a body); every caller can always complete its own chunks, so these cases are
 * correct, only less parallel. Close the pool when done; the workers are daemon threads.
 */
public final class Parallelism implements AutoCloseable {
    /** Default time a worker keeps spinning after its last task before parking: 100 µs. */
    public static final long DEFAULT_SPIN_NANOS = 100_000;
    /** Upper bound on chunks per thread, for load balance under contention. */
    private static final int CHUNKS_PER_THREAD = 4;

    /** The body of a parallel loop: process indices {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private static final VarHandle CURRENT;

    static {
        try {
            CURRENT = MethodHandles.lookup().findVarHandle(Parallelism.class, "current", Task.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int threads;
    private final long spinNanos;
    private final Worker[] workers;
    /** Sentinels: no task, and stop. Per pool, so that pools share nothing. */
    private final Task idle = new Task(null, 0, 0, 1, 0);

    private final Task stop = new Task(null, 0, 0, 1, 0);
    private volatile Task current = idle;
    private volatile boolean closed;

    /** A pool with one thread per available processor (the caller counts as one). */
    public Parallelism() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** @param threads total threads including the caller, at least 1 ({@code 1} runs everything inline) */
    public Parallelism(int threads) {
        this(threads, DEFAULT_SPIN_NANOS);
    }

    /**
     * @param threads   total threads including the caller, at least 1
     * @param spinNanos how long an idle worker spins before parking; 0 parks at once (lowest CPU
     *                  use when cores are shared, about 10–50 µs more per call after a pause)
     */
    public Parallelism(int threads, long spinNanos) {
        if (threads < 1) {
            throw new IllegalArgumentException("Parallelism: threads must be >= 1 but was " + threads);
        }
        if (spinNanos < 0) {
            throw new IllegalArgumentException("Parallelism: spinNanos must be >= 0 but was " + spinNanos);
        }
        this.threads = threads;
        this.spinNanos = spinNanos;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker();
            Thread t = new Thread(workers[i], "visage-kernel-" + (i + 1));
            t.setDaemon(true);
            workers[i].thread = t;
        }
        for (Worker w : workers) {
            w.thread.start();
        }
    }

    /** A pool that runs every loop on the calling thread. */
    public static Parallelism serial() {
        return new Parallelism(1);
    }

    /** Total threads, the caller included. */
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over {@code [from, to)} split into chunks of at least {@code grain}
     * indices (chunk sizes are multiples of {@code grain} except the last), on the caller and the
     * workers, and returns when all chunks are done. The first exception thrown by a chunk is
     * rethrown here after the others finished; chunks not yet started are then skipped.
     *
     * @param grain minimum chunk size, at least 1; use it to keep per-chunk overhead small
     * @throws IllegalStateException if the pool was closed
     */
    public void forRange(int from, int to, int grain, RangeBody body) {
        if (grain < 1) {
            throw new IllegalArgumentException("Parallelism.forRange: grain must be >= 1 but was " + grain);
        }
        if (closed) {
            throw new IllegalStateException("Parallelism.forRange: the pool is closed");
        }
        long span = (long) to - from;
        if (span <= 0) {
            return;
        }
        if (span > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Parallelism.forRange: range [" + from + ", " + to + ") is too long");
        }
        int n = (int) span;
        int units = (n + grain - 1) / grain;
        int maxChunks = threads * CHUNKS_PER_THREAD;
        int unitsPerChunk = (units + maxChunks - 1) / maxChunks;
        int chunk = (int) Math.min((long) unitsPerChunk * grain, n);
        int nChunks = (int) (((long) n + chunk - 1) / chunk);
        if (nChunks == 1 || threads == 1) {
            body.run(from, to);
            return;
        }
        Task task = new Task(body, from, to, chunk, nChunks);
        current = task;
        for (Worker w : workers) {
            if (w.sleeping) {
                LockSupport.unpark(w.thread);
            }
        }
        task.work();
        int spins = 0;
        while (task.done() < nChunks) {
            if (++spins < 2000) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        CURRENT.compareAndSet(this, task, idle); // drop the reference to body unless a newer task replaced it
        Throwable failure = task.failure;
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error er) {
            throw er;
        }
        if (failure != null) {
            throw new IllegalStateException("Parallelism.forRange: a chunk failed", failure);
        }
    }

    /** Stops and joins the workers. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        current = stop;
        boolean interrupted = false;
        for (Worker w : workers) {
            LockSupport.unpark(w.thread);
        }
        for (Worker w : workers) {
            while (w.thread.isAlive()) {
                try {
                    w.thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "Parallelism[threads=" + threads + ", spinNanos=" + spinNanos + (closed ? ", closed]" : "]");
    }

    private final class Worker implements Runnable {
        Thread thread;
        volatile boolean sleeping;

        @Override
        public void run() {
            Task seen = idle;
            long lastWork = System.nanoTime();
            while (true) {
                Task t = current;
                if (t != seen) {
                    seen = t;
                    if (t == stop) {
                        return;
                    }
                    if (t != idle) {
                        t.work();
                    }
                    lastWork = System.nanoTime();
                } else if (System.nanoTime() - lastWork < spinNanos) {
                    Thread.onSpinWait();
                } else {
                    sleeping = true;
                    if (current == seen) {
                        LockSupport.park(this);
                    }
                    sleeping = false;
                }
            }
        }
    }

    /** One forRange call; its own counters make stale workers harmless. */
    private static final class Task {
        private static final VarHandle NEXT;
        private static final VarHandle DONE;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                NEXT = l.findVarHandle(Task.class, "next", int.class);
                DONE = l.findVarHandle(Task.class, "done", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final RangeBody body;
        final int from;
        final int to;
        final int chunk;
        final int nChunks;

        @SuppressWarnings("unused")
        private volatile int next;

        @SuppressWarnings("unused")
        private volatile int done;

        volatile Throwable failure;

        Task(RangeBody body, int from, int to, int chunk, int nChunks) {
            this.body = body;
            this.from = from;
            this.to = to;
            this.chunk = chunk;
            this.nChunks = nChunks;
        }

        int done() {
            return done;
        }

        void work() {
            int c;
            while ((c = (int) NEXT.getAndAdd(this, 1)) < nChunks) {
                try {
                    if (failure == null) {
                        int lo = from + c * chunk;
                        body.run(lo, (int) Math.min(to, (long) lo + chunk));
                    }
                } catch (Throwable e) {
                    synchronized (this) {
                        if (failure == null) {
                            failure = e;
                        }
                    }
                } finally {
                    DONE.getAndAdd(this, 1);
                }
            }
        }
    }
}
