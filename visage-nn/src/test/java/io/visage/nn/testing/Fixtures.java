package io.visage.nn.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Locates the golden-data folder. Tests read it from the system property {@code visage.fixtures}
 * (set by the build to the project's {@code testdata/fixtures} copy, overridable on the command
 * line). A missing folder fails the test: parity tests are never skipped silently.
 */
public final class Fixtures {
    public static final String PROPERTY = "visage.fixtures";

    private Fixtures() {}

    /** The fixtures root folder. */
    public static Path root() {
        String p = System.getProperty(PROPERTY);
        if (p == null || p.isBlank()) {
            fail("system property " + PROPERTY + " is not set; run the tests through Maven or pass -D" + PROPERTY
                    + "=DIR (a folder of the ../shared/fixtures format)");
        }
        Path root = Paths.get(p);
        if (!Files.isDirectory(root)) {
            fail("fixtures folder " + root.toAbsolutePath() + " (from -D" + PROPERTY + ") does not exist");
        }
        return root;
    }

    /** A fixture set folder, e.g. {@code set("visage-tiny")}; fails when absent. */
    public static Path set(String name) {
        Path dir = root().resolve(name);
        if (!Files.isDirectory(dir)) {
            fail("fixture set " + name + " missing under " + root().toAbsolutePath());
        }
        return dir;
    }

    /** A file of a fixture set; fails when absent. */
    public static Path file(String set, String file) {
        Path f = set(set).resolve(file);
        if (!Files.isRegularFile(f)) {
            fail("fixture file " + f.toAbsolutePath() + " is missing");
        }
        return f;
    }
}
