package io.visage.examples;

import io.visage.examples.VersionCommand.Info;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VersionCommandTest {
    @Test
    void reportsBackendBlasAndThreads() {
        Info info = VersionCommand.run();

        assertEquals(VisageCli.projectVersion(), info.projectVersion());
        assertEquals(
                Runtime.version().feature(), Integer.parseInt(info.javaVersion().split("[.+-]")[0]));
        assertEquals("1.0.0-M2.1", info.nd4jVersion());
        // whichever backend the build selected (CPU by default, CUDA with -Pcuda): the one that is running
        assertEquals(
                Nd4j.getBackend().getClass().getSimpleName(), info.backend().split(" ")[0], info.backend());
        assertTrue(Set.of("OPENBLAS", "MKL", "CUBLAS").contains(info.blasVendor()), info.blasVendor());
        assertTrue(info.blasThreads() >= 1 && info.ompThreads() >= 1 && info.cores() >= 1, info.toString());
        assertEquals(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), info.vectorModule());
        assertTrue(info.maxHeapBytes() > 0 && info.maxOffHeapBytes() > 0);

        String text = VersionCommand.format(info);
        assertTrue(text.startsWith("visage      " + info.projectVersion() + "\n"), text);
        assertTrue(text.contains("\nblas        " + info.blasVendor()), text);
        if (info.blasVendor().equals("OPENBLAS")) {
            assertTrue(text.contains("\nblas        OPENBLAS, core " + info.openblasCore()), text);
        }
    }

    @Test
    void commandExitsZero() {
        InspectCommandTest.Run run = InspectCommandTest.cli("version");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("nd4j        1.0.0-M2.1"), run.out());
    }
}
