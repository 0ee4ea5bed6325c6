package io.visage.spark;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class ExecutorPoolTest {
    /** An instance that counts how often it was closed. */
    static final class Thing implements AutoCloseable {
        final String recipe;
        final AtomicInteger closed = new AtomicInteger();

        Thing(String recipe) {
            this.recipe = recipe;
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    }

    @Test
    void with_reusesAnIdleInstance_andBuildsOneMorePerConcurrentUser() throws Exception {
        ExecutorPool<String, Thing> pool = new ExecutorPool<>("r", Thing::new);
        Thing a = pool.with(t -> t);
        Thing b = pool.with(t -> t);
        assertSame(a, b);
        assertEquals("r", a.recipe);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread other = new Thread(() -> pool.with(t -> {
            inside.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return t;
        }));
        other.start();
        inside.await();
        Thing c = pool.with(t -> t); // the first instance is busy in the other thread
        release.countDown();
        other.join();
        assertNotSame(a, c);
        assertEquals(2, pool.built());
        pool.close();
        assertEquals(1, a.closed.get());
        assertEquals(1, c.closed.get());
        assertEquals(0, pool.built());
    }

    @Test
    void aDeserialisedPool_startsEmpty_andBuildsFromTheSameRecipe() throws Exception {
        ExecutorPool<String, Thing> pool = new ExecutorPool<>("recipe-7", Thing::new);
        pool.with(t -> t);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(pool);
        }
        @SuppressWarnings("unchecked")
        ExecutorPool<String, Thing> copy = (ExecutorPool<String, Thing>)
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())).readObject();
        assertEquals(0, copy.built());
        assertEquals("recipe-7", copy.with(t -> t.recipe));
        assertEquals(1, copy.built());
        assertEquals(1, pool.built());
        pool.close();
        copy.close();
    }
}
