package io.visage.examples;

import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Detects when OpenBLAS runs slower kernels than the CPU supports. ND4J 1.0.0-M2.1 bundles
 * OpenBLAS 0.3.19, which does not know recent Xeons (Sapphire/Emerald Rapids) and falls back to
 * the SSE3 "Prescott" kernels, about 8x slower for sgemm; {@code OPENBLAS_CORETYPE} set before the
 * JVM starts fixes it (the {@code ./visage} launcher sets it from /proc/cpuinfo).
 *
 * <p>{@link #hint(String, Set)} is the pure decision; the other methods gather its inputs.
 */
public final class BlasCheck {
    /** dlopen flags RTLD_LAZY | RTLD_LOCAL. */
    private static final int RTLD_LAZY_LOCAL = 1;

    /** Kernel classes that matter for sgemm speed, in increasing order. */
    enum Level {
        BASELINE,
        AVX2,
        AVX512
    }

    private static final Set<String> AVX512_CORES = Set.of("skylakex", "cooperlake", "sapphirerapids");
    private static final Set<String> AVX2_CORES = Set.of("haswell", "zen");
    /** The other core names OpenBLAS 0.3.19 (x86_64 DYNAMIC_ARCH) reports; all pre-AVX2 kernels. */
    private static final Set<String> BASELINE_CORES = Set.of(
            "unknown",
            "katmai",
            "coppermine",
            "northwood",
            "prescott",
            "banias",
            "atom",
            "core2",
            "penryn",
            "dunnington",
            "nehalem",
            "athlon",
            "opteron",
            "opteron_sse3",
            "barcelona",
            "nano",
            "sandybridge",
            "bobcat",
            "bulldozer",
            "piledriver",
            "steamroller",
            "excavator");

    private BlasCheck() {}

    /**
     * A one-line hint when the OpenBLAS core is below what the CPU flags allow, else empty.
     *
     * @param corename    the OpenBLAS core ({@code openblas_get_corename()}, e.g. "Prescott"); a name
     *                    this class does not know gives no hint
     * @param flags       the CPU flags from /proc/cpuinfo
     * @param coreTypeEnv the {@code OPENBLAS_CORETYPE} environment variable, null or empty when unset
     */
    public static Optional<String> hint(String corename, Set<String> flags, String coreTypeEnv) {
        Optional<Level> core = coreLevel(corename);
        Level cpu = cpuLevel(flags);
        if (core.isEmpty() || core.get().compareTo(cpu) >= 0) {
            return Optional.empty();
        }
        String best = recommendedCore(cpu).orElseThrow();
        String fix = coreTypeEnv == null || coreTypeEnv.isBlank()
                ? "start Java with OPENBLAS_CORETYPE=" + best + " for faster matrix products (./visage sets it)"
                : "OPENBLAS_CORETYPE=" + coreTypeEnv.trim() + " is set; " + best + " gives faster matrix products";
        return Optional.of("hint: OpenBLAS runs its " + corename + " kernels but this CPU supports "
                + (cpu == Level.AVX512 ? "AVX-512" : "AVX2/FMA") + "; " + fix);
    }

    /** {@link #hint(String, Set, String)} with {@code OPENBLAS_CORETYPE} unset. */
    public static Optional<String> hint(String corename, Set<String> flags) {
        return hint(corename, flags, null);
    }

    /**
     * The {@code OPENBLAS_CORETYPE} the launcher picks for these flags: SkylakeX with AVX-512
     * F/BW/VL/DQ, Haswell with AVX2 and FMA, otherwise none (never a core the CPU cannot run).
     */
    public static Optional<String> recommendedCore(Set<String> flags) {
        return recommendedCore(cpuLevel(flags));
    }

    private static Optional<String> recommendedCore(Level cpu) {
        return switch (cpu) {
            case AVX512 -> Optional.of("SkylakeX");
            case AVX2 -> Optional.of("Haswell");
            case BASELINE -> Optional.empty();
        };
    }

    static Level cpuLevel(Set<String> flags) {
        if (flags.containsAll(Set.of("avx512f", "avx512bw", "avx512vl", "avx512dq"))) {
            return Level.AVX512;
        }
        if (flags.containsAll(Set.of("avx2", "fma"))) {
            return Level.AVX2;
        }
        return Level.BASELINE;
    }

    static Optional<Level> coreLevel(String corename) {
        String c = corename == null ? "" : corename.trim().toLowerCase(Locale.ROOT);
        if (AVX512_CORES.contains(c)) {
            return Optional.of(Level.AVX512);
        }
        if (AVX2_CORES.contains(c)) {
            return Optional.of(Level.AVX2);
        }
        if (BASELINE_CORES.contains(c)) {
            return Optional.of(Level.BASELINE);
        }
        return Optional.empty();
    }

    /** The flags of the first {@code flags} line of /proc/cpuinfo text; empty when there is none. */
    public static Set<String> cpuFlags(String cpuinfo) {
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals("flags")) {
                return new HashSet<>(
                        Arrays.asList(line.substring(colon + 1).trim().split("\\s+")));
            }
        }
        return Set.of();
    }

    /** This machine's CPU flags; empty when /proc/cpuinfo is unreadable (not Linux). */
    public static Set<String> cpuFlags() {
        try {
            return cpuFlags(Files.readString(Path.of("/proc/cpuinfo")));
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
    }

    /**
     * The core of the OpenBLAS library ND4J loaded into this process, or empty (CUDA backend, not
     * Linux, or ND4J not initialised yet). The bytedeco 1.5.7 presets do not map
     * {@code openblas_get_corename}, so it is called through JNA (already on ND4J's classpath) in
     * the library found in /proc/self/maps.
     */
    public static Optional<String> loadedCoreName() {
        Optional<String> lib = loadedOpenBlasLibrary();
        if (lib.isEmpty()) {
            return Optional.empty();
        }
        try {
            // RTLD_LAZY | RTLD_LOCAL: JNA's default RTLD_GLOBAL would let this copy's symbols take over
            // lookups of the second OpenBLAS that ND4J loads (libopenblas_nolapack), which mixes their
            // buffer tables ("BLAS : Bad memory unallocation!" at exit).
            String name = NativeLibrary.getInstance(lib.get(), Map.of(Library.OPTION_OPEN_FLAGS, RTLD_LAZY_LOCAL))
                    .getFunction("openblas_get_corename")
                    .invokeString(new Object[0], false);
            return Optional.ofNullable(name).map(String::trim).filter(s -> !s.isEmpty());
        } catch (RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }

    /** Path of the loaded libopenblas (the one libnd4jcpu links), preferring it over the nolapack twin. */
    static Optional<String> loadedOpenBlasLibrary() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/maps"))) {
            String found = null;
            for (String line : (Iterable<String>) lines::iterator) {
                int slash = line.indexOf('/');
                if (slash < 0) {
                    continue;
                }
                String path = line.substring(slash).trim();
                String file = path.substring(path.lastIndexOf('/') + 1);
                if (file.startsWith("libopenblas.so")) {
                    return Optional.of(path);
                }
                if (file.startsWith("libopenblas") && file.contains(".so") && found == null) {
                    found = path;
                }
            }
            return Optional.ofNullable(found);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The hint for this process (call after ND4J is initialised), or empty. */
    public static Optional<String> currentHint() {
        return loadedCoreName().flatMap(core -> hint(core, cpuFlags(), System.getenv("OPENBLAS_CORETYPE")));
    }

    /**
     * Initialises ND4J (which loads OpenBLAS) and prints {@link #currentHint()} to {@code err} when
     * there is one. Heavy commands call this first.
     */
    public static void printHint(PrintWriter err) {
        Nd4j.getExecutioner();
        currentHint().ifPresent(h -> {
            err.println(h);
            err.flush();
        });
    }
}
