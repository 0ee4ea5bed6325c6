package io.visage.examples.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeakRssTest {

    @Test
    void parse_statusText_readsKibibytes() {
        String status = "Name:\tjava\nVmPeak:\t 9000 kB\nVmHWM:\t   204800 kB\nVmRSS:\t   102400 kB\nThreads:\t3\n";
        Optional<PeakRss.Usage> u = PeakRss.parse(status);
        assertEquals(204800L * 1024, u.orElseThrow().peakBytes());
        assertEquals(102400L * 1024, u.orElseThrow().currentBytes());
        assertTrue(u.get().toString().contains("200.0 MiB"), u.get().toString());
    }

    @Test
    void parse_missingOrMalformedFields_isEmpty() {
        assertTrue(PeakRss.parse("VmRSS:\t 1 kB\n").isEmpty());
        assertTrue(PeakRss.parse("VmHWM:\t x kB\nVmRSS:\t 1 kB\n").isEmpty());
        assertTrue(PeakRss.parse("").isEmpty());
    }

    @Test
    void read_onLinux_peakAtLeastCurrent() {
        Optional<PeakRss.Usage> u = PeakRss.read();
        assertEquals(Files.isReadable(Path.of("/proc/self/status")), u.isPresent());
        u.ifPresent(x -> assertTrue(x.peakBytes() >= x.currentBytes() && x.currentBytes() > 0, x.toString()));
    }
}
