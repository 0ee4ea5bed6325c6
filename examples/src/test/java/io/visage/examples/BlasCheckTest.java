package io.visage.examples;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlasCheckTest {
    static final Set<String> SAPPHIRE = Set.of(
            "sse3", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_bf16", "amx_tile");
    static final Set<String> HASWELL = Set.of("sse3", "avx", "avx2", "fma");
    static final Set<String> OLD = Set.of("sse3", "ssse3", "sse4_2", "avx");

    @Test
    void prescottOnAvx512XeonGetsSkylakeXHint() {
        Optional<String> hint = BlasCheck.hint("Prescott", SAPPHIRE);
        assertTrue(hint.isPresent());
        assertTrue(hint.get().contains("OPENBLAS_CORETYPE=SkylakeX"), hint.get());
        assertTrue(hint.get().contains("Prescott"), hint.get());
    }

    @Test
    void aUserChosenCoreTypeIsNamedInsteadOfTheLauncher() {
        String hint = BlasCheck.hint("Prescott", SAPPHIRE, "Prescott").orElseThrow();
        assertTrue(hint.contains("OPENBLAS_CORETYPE=Prescott is set; SkylakeX"), hint);
        assertTrue(BlasCheck.hint("Prescott", SAPPHIRE, " ").orElseThrow().contains("./visage sets it"));
        assertEquals(Optional.empty(), BlasCheck.hint("SkylakeX", SAPPHIRE, "SkylakeX"));
    }

    @Test
    void noHintWhenTheCoreMatchesTheCpu() {
        assertEquals(Optional.empty(), BlasCheck.hint("SkylakeX", SAPPHIRE));
        assertEquals(Optional.empty(), BlasCheck.hint("Cooperlake", SAPPHIRE));
        assertEquals(Optional.empty(), BlasCheck.hint("Haswell", HASWELL));
        assertEquals(Optional.empty(), BlasCheck.hint("Zen", HASWELL));
        assertEquals(Optional.empty(), BlasCheck.hint("Sandybridge", OLD));
        assertEquals(
                Optional.empty(), BlasCheck.hint("SkylakeX", HASWELL), "a core above the flags is not ours to judge");
    }

    @Test
    void avx2CoresOnAvx512CpuAndOldCoresOnAvx2Cpu() {
        assertTrue(BlasCheck.hint("Zen", SAPPHIRE).orElseThrow().contains("SkylakeX"));
        assertTrue(BlasCheck.hint("Haswell", SAPPHIRE).orElseThrow().contains("SkylakeX"));
        assertTrue(BlasCheck.hint("Prescott", HASWELL).orElseThrow().contains("OPENBLAS_CORETYPE=Haswell"));
        assertTrue(BlasCheck.hint("prescott", HASWELL).isPresent(), "case-insensitive");
    }

    @Test
    void unknownCoreNamesAndMissingFlagsGiveNoHint() {
        assertEquals(Optional.empty(), BlasCheck.hint("GraniteRapids", SAPPHIRE));
        assertEquals(Optional.empty(), BlasCheck.hint("", SAPPHIRE));
        assertEquals(Optional.empty(), BlasCheck.hint(null, SAPPHIRE));
        assertEquals(Optional.empty(), BlasCheck.hint("Prescott", Set.of()));
    }

    @Test
    void recommendedCoreNeedsAllFourAvx512Subsets() {
        assertEquals(Optional.of("SkylakeX"), BlasCheck.recommendedCore(SAPPHIRE));
        assertEquals(Optional.of("Haswell"), BlasCheck.recommendedCore(Set.of("avx2", "fma", "avx512f", "avx512vl")));
        assertEquals(Optional.of("Haswell"), BlasCheck.recommendedCore(HASWELL));
        assertEquals(Optional.empty(), BlasCheck.recommendedCore(Set.of("avx2")), "avx2 without fma");
        assertEquals(Optional.empty(), BlasCheck.recommendedCore(OLD));
    }

    @Test
    void parsesTheFirstFlagsLineOfCpuinfo() {
        String cpuinfo = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel\t\t: 207\n"
                + "flags\t\t: fpu sse3 avx2 fma avx512f\nbugs\t\t: spectre_v1\n\n"
                + "processor\t: 1\nflags\t\t: fpu sse3\n";
        assertEquals(Set.of("fpu", "sse3", "avx2", "fma", "avx512f"), BlasCheck.cpuFlags(cpuinfo));
        assertEquals(Set.of(), BlasCheck.cpuFlags("processor : 0\n"));
    }

    @Test
    void readsTheCoreOfTheOpenBlasNd4jLoaded() {
        Nd4j.getExecutioner();
        String core = BlasCheck.loadedCoreName().orElseThrow();
        assertTrue(BlasCheck.coreLevel(core).isPresent(), "a core name OpenBLAS 0.3.19 reports: " + core);
        String forced = System.getenv("OPENBLAS_CORETYPE");
        if (forced != null && !forced.isBlank()) {
            assertEquals(forced.toLowerCase(), core.toLowerCase());
        }
    }
}
