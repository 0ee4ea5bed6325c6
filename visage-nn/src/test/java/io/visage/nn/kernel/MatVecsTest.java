package io.visage.nn.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MatVecsTest {

    @Test
    void best_withoutVectorModule_fallsBackWithoutLoadingVectorClasses(@TempDir Path tmp)
            throws IOException, InterruptedException {
        Path log = tmp.resolve("out.txt");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-Xlog:class+load=info");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(NoVectorApiProbe.class.getName());
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean finished = p.waitFor(180, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        String tail = out.length() > 4000 ? out.substring(out.length() - 4000) : out;
        assertTrue(finished, "probe timed out:\n" + tail);
        assertEquals(0, p.exitValue(), "probe failed:\n" + tail);
        assertTrue(out.contains("OK SCALAR scalar"), tail);
        Pattern vectorClass = Pattern.compile(
                "jdk\\.incubator\\.vector|io\\.visage\\.nn\\.kernel\\.Vector(MatVec|Math|RowKernels|Attention)\\b");
        for (String line : out.split("\n")) {
            assertFalse(vectorClass.matcher(line).find(), "loaded without the module: " + line);
        }
        assertTrue(out.contains("io.visage.nn.kernel.ScalarMatVec"), "class-load log missing");
    }

    @Test
    void best_inThisJvm_choosesVector() {
        assertTrue(MatVecs.vectorApiAvailable(), "surefire runs with --add-modules jdk.incubator.vector");
        assertEquals(MatVecs.Kind.VECTOR, MatVecs.bestKind());
        try (Parallelism par = new Parallelism(2)) {
            assertTrue(MatVecs.best(par) instanceof VectorMatVec);
            assertTrue(MatVecs.best(par).name().startsWith("vector("));
            assertTrue(MatVecs.vector(par) instanceof VectorMatVec);
            assertTrue(MatVecs.scalar(par) instanceof ScalarMatVec);
        }
        assertTrue(MatVecs.naive() instanceof NaiveMatVec);
        assertTrue(MatVecs.HINT.startsWith("start the JVM with --add-modules jdk.incubator.vector"));
    }
}
