package io.visage.nn.module;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RandomParamsTest {
    /** A few parameters of every init, as text: the exact float bits of every value. */
    static String fingerprint(long seed) {
        StringBuilder sb = new StringBuilder();
        try (RandomParams p = new RandomParams(seed)) {
            for (INDArray a : List.of(
                    p.take("a", Init.normal(0.02), 3, 5).value(),
                    p.take("b", new Init.Uniform(0.5), 7).value(),
                    p.take("c", new Init.Constant(1.5), 2).value(),
                    p.take("d", Init.normal(1.0), 4, 1, 3).value(),
                    p.take("e", Init.normal(0.1), 64, 96).value(),
                    p.take("f", new Init.Uniform(1), 8, 1024).value())) {
                for (float f : a.dup().data().asFloat()) {
                    sb.append(Integer.toHexString(Float.floatToRawIntBits(f))).append(' ');
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * Prints {@link #fingerprint} of the seed in args[0] (run in a fresh JVM by the test), after
     * drawing from another generator first: one generator's numbers must not depend on what else
     * the process did.
     */
    public static void main(String[] args) {
        try (RandomParams other = new RandomParams(5)) {
            for (int i = 0; i < 8; i++) {
                other.take("w" + i, Init.normal(0.02), 512, 768);
            }
        }
        System.out.print(fingerprint(Long.parseLong(args[0])));
    }

    @Test
    void sameSeed_givesTheSameWeights_inAnotherProcess() throws Exception {
        String here = fingerprint(77);
        assertEquals(here, fingerprint(77), "same process");
        assertNotEquals(here, fingerprint(78));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-agentlib") && !a.startsWith("-javaagent"))
                .toList());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), RandomParamsTest.class.getName(), "77"));
        Process proc = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String there = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(proc.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, proc.exitValue());
        assertEquals(here, there, "a new JVM built other weights from the same seed");
    }

    @Test
    void draws_haveTheAskedDistribution() {
        try (RandomParams p = new RandomParams(3, DataType.DOUBLE)) {
            INDArray n = p.take("n", Init.normal(0.5), 200_000).value();
            assertEquals(0.0, n.meanNumber().doubleValue(), 0.005);
            assertEquals(0.5, n.stdNumber().doubleValue(), 0.005);
            INDArray u = p.take("u", new Init.Uniform(0.25), 100_000).value();
            assertTrue(u.maxNumber().doubleValue() <= 0.25 && u.minNumber().doubleValue() >= -0.25);
            assertEquals(0.25 / Math.sqrt(3), u.stdNumber().doubleValue(), 0.002);
            assertEquals(DataType.DOUBLE, u.dataType());
        }
    }
}
