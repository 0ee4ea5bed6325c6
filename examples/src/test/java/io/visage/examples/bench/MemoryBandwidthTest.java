package io.visage.examples.bench;

import io.visage.nn.kernel.Parallelism;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryBandwidthTest {

    @Test
    void measure_smallArrays_returnsPositiveFigures() {
        try (Parallelism par = new Parallelism(2)) {
            MemoryBandwidth.Result r =
                    MemoryBandwidth.measure(par, 16L << 20, 3); // small: fast, figures not meaningful
            assertTrue(r.copyGBps() > 0 && Double.isFinite(r.copyGBps()), r.toString());
            assertTrue(r.readGBps() > 0 && Double.isFinite(r.readGBps()), r.toString());
            assertEquals(8L << 20, r.arrayBytes());
            assertEquals(3, r.runs());
            assertEquals(2, r.threads());
            assertTrue(r.toString().contains("read+write"), r.toString());
        }
    }

    @Test
    void measure_invalidArguments_throw() {
        try (Parallelism par = Parallelism.serial()) {
            assertThrows(IllegalArgumentException.class, () -> MemoryBandwidth.measure(par, 1 << 20, 0));
            assertThrows(IllegalArgumentException.class, () -> MemoryBandwidth.measure(par, 8, 1));
        }
    }
}
