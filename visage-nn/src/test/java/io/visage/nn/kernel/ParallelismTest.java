package io.visage.nn.kernel;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParallelismTest {

    /** Runs forRange and checks that every index of [from, to) was visited exactly once. */
    private static void assertCoversOnce(Parallelism par, int from, int to, int grain) {
        int n = Math.max(0, to - from);
        AtomicIntegerArray hits = new AtomicIntegerArray(n);
        par.forRange(from, to, grain, (lo, hi) -> {
            assertTrue(from <= lo && lo < hi && hi <= to, "chunk [" + lo + ", " + hi + ") outside range");
            for (int i = lo; i < hi; i++) {
                hits.incrementAndGet(i - from);
            }
        });
        for (int i = 0; i < n; i++) {
            assertEquals(1, hits.get(i), "index " + (from + i) + " of [" + from + ", " + to + ") grain " + grain);
        }
    }

    @Test
    void forRange_variousRangesAndGrains_visitsEveryIndexOnce() {
        for (int threads : new int[] {1, 2, 3}) {
            try (Parallelism par = new Parallelism(threads)) {
                for (int n : new int[] {0, 1, 2, 3, 7, 64, 1000, 4097}) {
                    for (int grain : new int[] {1, 3, 16, 5000}) {
                        assertCoversOnce(par, 5, 5 + n, grain);
                    }
                }
                assertCoversOnce(par, -10, 10, 4);
            }
        }
    }

    @Test
    void forRange_manyConsecutiveCalls_allComplete() {
        try (Parallelism par = new Parallelism(2)) {
            for (int i = 0; i < 20_000; i++) {
                assertCoversOnce(par, 0, 8, 1);
            }
        }
    }

    @Test
    void forRange_afterWorkersParked_stillUsesWorkers() throws InterruptedException {
        try (Parallelism par = new Parallelism(2, 0)) {
            Thread.sleep(20);
            ConcurrentHashMap<String, Boolean> threadsSeen = new ConcurrentHashMap<>();
            // each chunk lasts 1 ms, so a parked worker has time to wake and claim the second one;
            // retried because on a loaded machine the OS may not run it in time
            for (int i = 0; i < 1000 && threadsSeen.size() < 2; i++) {
                par.forRange(0, 2, 1, (lo, hi) -> {
                    threadsSeen.put(Thread.currentThread().getName(), true);
                    busyWaitMicros(1000);
                });
            }
            assertEquals(2, threadsSeen.size(), "threads seen: " + threadsSeen.keySet());
        }
    }

    @Test
    void forRange_bodyThrows_rethrowsSameExceptionAfterOthersFinish() {
        try (Parallelism par = new Parallelism(2)) {
            IllegalStateException boom = new IllegalStateException("boom");
            RuntimeException e = assertThrows(
                    RuntimeException.class,
                    () -> par.forRange(0, 64, 1, (lo, hi) -> {
                        if (lo == 8) {
                            throw boom;
                        }
                    }));
            assertSame(boom, e);
            assertCoversOnce(par, 0, 100, 1); // still usable
        }
    }

    @Test
    void forRange_nestedAndConcurrentCallers_complete() throws InterruptedException {
        try (Parallelism par = new Parallelism(2)) {
            AtomicIntegerArray hits = new AtomicIntegerArray(16 * 16);
            par.forRange(0, 16, 1, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    int row = i;
                    par.forRange(0, 16, 1, (a, b) -> {
                        for (int j = a; j < b; j++) {
                            hits.incrementAndGet(row * 16 + j);
                        }
                    });
                }
            });
            for (int i = 0; i < hits.length(); i++) {
                assertEquals(1, hits.get(i));
            }
            Thread[] callers = new Thread[3];
            for (int c = 0; c < callers.length; c++) {
                callers[c] = new Thread(() -> {
                    for (int i = 0; i < 2000; i++) {
                        assertCoversOnce(par, 0, 33, 2);
                    }
                });
                callers[c].start();
            }
            for (Thread t : callers) {
                t.join();
            }
        }
    }

    @Test
    void forRange_closedPool_throws() {
        Parallelism par = new Parallelism(2);
        par.close();
        par.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> par.forRange(0, 10, 1, (a, b) -> {}));
    }

    @Test
    void constructor_invalidArguments_throw() {
        assertThrows(IllegalArgumentException.class, () -> new Parallelism(0));
        assertThrows(IllegalArgumentException.class, () -> new Parallelism(2, -1));
        try (Parallelism par = Parallelism.serial()) {
            assertEquals(1, par.threads());
            assertThrows(IllegalArgumentException.class, () -> par.forRange(0, 10, 0, (a, b) -> {}));
        }
        try (Parallelism par = new Parallelism()) {
            assertEquals(Runtime.getRuntime().availableProcessors(), par.threads());
        }
    }

    private static void busyWaitMicros(long micros) {
        long end = System.nanoTime() + micros * 1000;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
