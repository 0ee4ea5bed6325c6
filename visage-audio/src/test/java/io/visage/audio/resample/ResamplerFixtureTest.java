package io.visage.audio.resample;

import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorInfo;
import io.visage.nn.io.TensorSource;
import io.visage.nn.testing.FixtureTolerances;
import io.visage.nn.testing.Fixtures;
import io.visage.nn.testing.TensorAssert;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Parity with the {@code resample} fixture: every case found in {@code io.safetensors} (named
 * {@code <library>.<orig>_<new>.*}) is run, so other fixture folders with other rates and lengths work.
 */
class ResamplerFixtureTest {
    private static final String SET = "resample";

    /** The resampler a fixture case name stands for ({@code ta}, {@code ta_transform}, {@code julius}). */
    static Resampler forCase(String library, String rates) {
        String[] r = rates.split("_");
        int from = Integer.parseInt(r[0]);
        int to = Integer.parseInt(r[1]);
        return switch (library) {
            case "ta" -> Resampler.torchaudio(from, to);
            case "ta_transform" -> Resampler.torchaudioTransform(from, to);
            case "julius" -> Resampler.julius(from, to);
            default ->
                throw new AssertionError(
                        "unknown resampler '" + library + "' in fixture case " + library + "." + rates);
        };
    }

    @TestFactory
    List<DynamicTest> outputsAndKernels_matchTheReference() {
        FixtureTolerances tol = FixtureTolerances.forSet(SET);
        Set<String> libraries = new TreeSet<>();
        List<DynamicTest> tests = new ArrayList<>();
        try (TensorSource io = TensorFiles.open(Fixtures.file(SET, "io.safetensors"))) {
            for (TensorInfo t : io.tensors()) {
                String name = t.name();
                if (!name.endsWith(".input") || name.startsWith("lengths.")) {
                    continue;
                }
                String caseName = name.substring(0, name.length() - ".input".length());
                int dot = caseName.indexOf('.');
                Resampler rs = forCase(caseName.substring(0, dot), caseName.substring(dot + 1));
                libraries.add(caseName.substring(0, dot));
                float[][] input = rows(io.floats(name), io.shape(name));
                float[] expectedOut = io.floats(caseName + ".output");
                long[] outShape = io.shape(caseName + ".output");
                float[] expectedKernel = io.floats(caseName + ".kernel");
                long[] kernelShape = io.shape(caseName + ".kernel");
                double[] tolOut = tol.of(caseName + ".output");
                double[] tolKernel = tol.of(caseName + ".kernel");
                tests.add(DynamicTest.dynamicTest(caseName + ".output", () -> {
                    float[][] y = rs.resample(input);
                    assertEquals(outShape[outShape.length - 1], y[0].length, caseName + " output length");
                    TensorAssert.assertClose(
                            caseName + ".output", outShape, expectedOut, flatten(y), tolOut[0], tolOut[1]);
                }));
                tests.add(DynamicTest.dynamicTest(caseName + ".kernel", () -> {
                    float[][] k = rs.kernel();
                    assertEquals(kernelShape[0], k.length, caseName + " phases");
                    assertEquals(kernelShape[2], k[0].length, caseName + " taps");
                    TensorAssert.assertClose(
                            caseName + ".kernel", kernelShape, expectedKernel, flatten(k), tolKernel[0], tolKernel[1]);
                }));
            }
        }
        // every resampler the pipeline uses must be covered, not just some
        assertEquals(
                new TreeSet<>(List.of("julius", "ta", "ta_transform")),
                libraries,
                "resampler families with a <case>.input tensor in the resample fixture");
        return tests;
    }

    @TestFactory
    List<DynamicTest> outputLengthTables_matchExactly() {
        List<DynamicTest> tests = new ArrayList<>();
        try (TensorSource io = TensorFiles.open(Fixtures.file(SET, "io.safetensors"))) {
            for (TensorInfo t : io.tensors()) {
                String name = t.name();
                if (!name.startsWith("lengths.") || !name.endsWith(".input_length")) {
                    continue;
                }
                String caseName = name.substring("lengths.".length(), name.length() - ".input_length".length());
                int dot = caseName.indexOf('.');
                Resampler rs = forCase(caseName.substring(0, dot), caseName.substring(dot + 1));
                long[] in = io.longs(name);
                long[] expected = io.longs("lengths." + caseName + ".output_length");
                tests.add(DynamicTest.dynamicTest("lengths." + caseName, () -> {
                    long[] got = Arrays.stream(in).map(rs::outputLength).toArray();
                    TensorAssert.assertExact(
                            "lengths." + caseName + " for inputs " + Arrays.toString(in),
                            new long[] {in.length},
                            expected,
                            got);
                }));
            }
        }
        assertFalse(tests.isEmpty(), "no length tables in the resample fixture");
        return tests;
    }

    /** A [..., L] tensor as rows of L. */
    static float[][] rows(float[] flat, long[] shape) {
        int len = (int) shape[shape.length - 1];
        if (len == 0 || flat.length % len != 0) {
            fail("cannot split " + Arrays.toString(shape) + " into rows");
        }
        float[][] r = new float[flat.length / len][];
        for (int i = 0; i < r.length; i++) {
            r[i] = Arrays.copyOfRange(flat, i * len, (i + 1) * len);
        }
        return r;
    }

    static float[] flatten(float[][] x) {
        int total = Arrays.stream(x).mapToInt(a -> a.length).sum();
        float[] f = new float[total];
        int at = 0;
        for (float[] row : x) {
            System.arraycopy(row, 0, f, at, row.length);
            at += row.length;
        }
        return f;
    }
}
