package io.visage.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResourceFailuresTest {
    private static final Path OUT = Path.of(System.getProperty("java.io.tmpdir"), "run");

    @Test
    void heap_namesTheHeapTheBatchAndWhatToTry() {
        Optional<ResourceFailures.Described> d = ResourceFailures.describe(
                new RuntimeException("worker failed", new OutOfMemoryError("Java heap space")), 4, 2, OUT);
        assertTrue(d.isPresent());
        assertEquals(ResourceFailures.Kind.HEAP, d.get().kind());
        String line = d.get().line();
        assertTrue(line.startsWith("out of Java heap"), line);
        assertTrue(line.contains("batch 4 x accumulate 2"), line);
        assertTrue(line.contains("--batch 2 --accumulate 4"), line);
        assertTrue(line.contains("VISAGE_JAVA_OPTS=\"-Xmx"), line);
        assertFalse(line.contains("\n"), line);
    }

    @Test
    void offHeap_isRecognisedFromJavaCppsMessage() {
        // the words JavaCPP's Pointer uses when an allocation would pass maxBytes
        OutOfMemoryError e = new OutOfMemoryError(
                "Cannot allocate new FloatPointer(1048576): totalBytes = 3G, " + "physicalBytes = 3G");
        e.initCause(
                new OutOfMemoryError("Failed to allocate memory within limits: totalBytes (3G + 4M) > maxBytes (3G)"));
        ResourceFailures.Described d = ResourceFailures.describe(e, 1, 1, OUT).orElseThrow();
        assertEquals(ResourceFailures.Kind.OFF_HEAP, d.kind());
        assertTrue(d.line().startsWith("out of off-heap memory"), d.line());
        assertTrue(d.line().contains("org.bytedeco.javacpp.maxbytes"), d.line());
        assertFalse(d.line().contains("--accumulate"), "batch 1 cannot be split: " + d.line());
    }

    @Test
    void disk_namesTheFile() {
        IOException full = new FileSystemException(
                "/data/run/.checkpoint-4.tmp/model.safetensors", null, "No space left on device");
        ResourceFailures.Described d = ResourceFailures.describe(
                        new UncheckedIOException("save failed", full), 4, 16, OUT)
                .orElseThrow();
        assertEquals(ResourceFailures.Kind.DISK, d.kind());
        assertTrue(d.line().contains("/data/run/.checkpoint-4.tmp/model.safetensors"), d.line());
        assertTrue(d.line().contains("--save-every"), d.line());
    }

    @Test
    void otherFailures_areNotDescribed() {
        assertTrue(ResourceFailures.describe(new IllegalArgumentException("bad csv"), 4, 1, OUT)
                .isEmpty());
        assertTrue(ResourceFailures.describe(new UncheckedIOException(new IOException("Permission denied")), 4, 1, OUT)
                .isEmpty());
    }
}
