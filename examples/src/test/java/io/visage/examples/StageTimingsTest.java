package io.visage.examples;

import io.visage.core.pipeline.PipelineProgress;
import io.visage.core.pipeline.PipelineProgress.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StageTimingsTest {
    /** A clock that advances by the given number of milliseconds at each reading after the first. */
    private static final class Steps implements java.util.function.LongSupplier {
        private final long[] millis;
        private int next = -1;
        private long now;

        Steps(long... millis) {
            this.millis = millis;
        }

        @Override
        public long getAsLong() {
            if (next >= 0) {
                now += millis[next] * 1_000_000L;
            }
            next++;
            return now;
        }
    }

    @Test
    void timeUpToAnEvent_belongsToItsStage_andInterleavedWindowsAddUp() {
        List<String> passedOn = new ArrayList<>();
        PipelineProgress inner = (s, done, total) -> passedOn.add(s + ":" + done);
        // loading 100, frames 0 then 30, window 1: steps 400 + audio 50 + 200, window 2: steps 300 + audio 150,
        // resampling 20, writing 10 (ms)
        StageTimings t = new StageTimings(inner, new Steps(100, 1, 30, 400, 50, 200, 300, 1, 150, 20, 10));
        t.mark("loading");
        t.update(Stage.FRAMES, 0, -1);
        t.update(Stage.FRAMES, 20, 20);
        t.update(Stage.DECODER_STEPS, 431, 862);
        t.update(Stage.AUDIO, 0, 2);
        t.update(Stage.AUDIO, 1, 2);
        t.update(Stage.DECODER_STEPS, 862, 862);
        t.update(Stage.AUDIO, 1, 2);
        t.update(Stage.AUDIO, 2, 2);
        t.mark("resampling");
        t.mark("writing");

        Map<String, Double> s = t.seconds();
        assertEquals(
                List.of("loading", "frames+CLIP", "decoder steps", "DAC decode", "resampling", "writing"),
                List.copyOf(s.keySet()));
        assertEquals(0.100, s.get("loading"), 1e-9);
        assertEquals(0.031, s.get("frames+CLIP"), 1e-9);
        assertEquals(0.700, s.get("decoder steps"), 1e-9);
        assertEquals(0.401, s.get("DAC decode"), 1e-9);
        assertEquals(0.020, s.get("resampling"), 1e-9);
        assertEquals(0.010, s.get("writing"), 1e-9);
        assertEquals(1.262, t.totalSeconds(), 1e-9);
        assertEquals(8, passedOn.size(), "every update reaches the wrapped listener");
        assertEquals("AUDIO:2", passedOn.get(7));

        String line = t.report(0.5);
        assertTrue(line.startsWith("timings: JVM start 0.50 s, loading 0.10 s, frames+CLIP 0.03 s,"), line);
        assertTrue(line.endsWith("writing 0.01 s, total 1.76 s"), line);
        assertTrue(t.report(-1).startsWith("timings: loading"), "no JVM figure when not known");
    }

    @Test
    void demoCommand_withTimings_printsEveryStage() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("timings");
        try {
            java.io.StringWriter out = new java.io.StringWriter();
            java.io.StringWriter err = new java.io.StringWriter();
            int status = VisageCli.execute(
                    new java.io.PrintWriter(out),
                    new java.io.PrintWriter(err),
                    "demo",
                    "--out",
                    dir.toString(),
                    "--timings");
            assertEquals(0, status, err.toString());
            String line = err.toString()
                    .lines()
                    .filter(l -> l.startsWith("timings:"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no timings line in: " + err));
            for (String stage : List.of(
                    "JVM start",
                    "random networks",
                    "decoder weights",
                    "frames+CLIP",
                    "decoder steps",
                    "DAC decode",
                    "resampling",
                    "writing",
                    "total")) {
                assertTrue(
                        line.matches(".*\\b" + java.util.regex.Pattern.quote(stage) + " \\d+\\.\\d\\d s.*"),
                        stage + " missing in: " + line);
            }
        } finally {
            try (var files = java.nio.file.Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }
}
