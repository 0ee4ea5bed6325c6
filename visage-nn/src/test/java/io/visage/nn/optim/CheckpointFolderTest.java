package io.visage.nn.optim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointFolderTest {
    @TempDir
    Path run;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(run)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void write_replacesAFolderOfTheSameName_leavingNoHiddenFolders() throws IOException {
        CheckpointFolder.write(run, "checkpoint-3", d -> {
            Files.writeString(d.resolve("a.txt"), "old");
            Files.writeString(d.resolve("stale.txt"), "x");
        });
        Path dir = CheckpointFolder.write(run, "checkpoint-3", d -> Files.writeString(d.resolve("a.txt"), "new"));
        assertEquals(run.resolve("checkpoint-3"), dir);
        assertEquals("new", Files.readString(dir.resolve("a.txt")));
        assertFalse(Files.exists(dir.resolve("stale.txt")), "the old folder's files are gone");
        assertEquals(List.of("checkpoint-3"), names());
    }

    @Test
    void aFailedWrite_keepsThePreviousFolder_andNamesIt() throws IOException {
        CheckpointFolder.write(run, "final", d -> Files.writeString(d.resolve("a.txt"), "kept"));
        UncheckedIOException e = assertThrows(
                UncheckedIOException.class,
                () -> CheckpointFolder.write(run, "final", d -> {
                    Files.writeString(d.resolve("a.txt"), "half");
                    throw new IOException("disk full");
                }));
        assertTrue(e.getMessage().contains("final") && e.getMessage().contains("disk full"), e.getMessage());
        assertEquals("kept", Files.readString(run.resolve("final/a.txt")));
        assertEquals(List.of("final"), names());
    }

    @Test
    void latest_comparesStepsAsNumbers_andIgnoresOtherNames() throws IOException {
        assertNull(CheckpointFolder.latest(run.resolve("missing"), "checkpoint-"));
        assertNull(CheckpointFolder.latest(run, "checkpoint-"));
        for (String n :
                List.of("checkpoint-9", "checkpoint-10", "checkpoint-2", "checkpoint-x", ".checkpoint-99.tmp")) {
            Files.createDirectories(run.resolve(n));
        }
        Files.writeString(run.resolve("checkpoint-100"), "a file, not a folder");
        assertEquals(run.resolve("checkpoint-10"), CheckpointFolder.latest(run, "checkpoint-"));
    }
}
