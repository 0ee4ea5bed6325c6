package io.visage.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code visage version}: versions, the ND4J backend, BLAS kernels and threads, JVM features. */
@Command(
        name = "version",
        mixinStandardHelpOptions = true,
        description = "Print project, Java and ND4J/BLAS versions, kernel and thread settings.")
public final class VersionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /**
     * What {@code visage version} reports.
     *
     * @param openblasCore   OpenBLAS kernel set in use, "n/a" when the backend has no OpenBLAS
     * @param coreTypeEnv    the {@code OPENBLAS_CORETYPE} environment variable, "" when unset
     * @param maxHeapBytes   Java heap limit ({@code -Xmx})
     * @param maxOffHeapBytes JavaCPP limit for ND4J's off-heap arrays
     * @param hints          start-up hints (slow BLAS kernels), already printed to stderr
     */
    public record Info(
            String projectVersion,
            String javaVersion,
            String javaVm,
            String nd4jVersion,
            String backend,
            String blasVendor,
            String openblasCore,
            String coreTypeEnv,
            int blasThreads,
            int ompThreads,
            int cores,
            long maxHeapBytes,
            long maxOffHeapBytes,
            boolean vectorModule,
            List<String> hints) {
        public Info {
            hints = List.copyOf(hints);
        }
    }

    /** Initialises ND4J and collects the report. */
    public static Info run() {
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        String coreEnv = System.getenv("OPENBLAS_CORETYPE");
        return new Info(
                VisageCli.projectVersion(),
                System.getProperty("java.version"),
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name"),
                mavenVersion("org.nd4j", "nd4j-api"),
                Nd4j.getBackend().getClass().getSimpleName() + " (" + env.getOrDefault("backend", "?") + ")",
                String.valueOf(env.getOrDefault("blas.vendor", "?")),
                BlasCheck.loadedCoreName().orElse("n/a"),
                coreEnv == null ? "" : coreEnv,
                intValue(env.get("blas.threads")),
                intValue(env.get("omp.threads")),
                intValue(env.get("cores")),
                Runtime.getRuntime().maxMemory(),
                Pointer.maxBytes(),
                ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                BlasCheck.currentHint().stream().toList());
    }

    @Override
    public Integer call() {
        Info info = run();
        PrintWriter err = spec.commandLine().getErr();
        info.hints().forEach(err::println);
        err.flush();
        spec.commandLine().getOut().print(format(info));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The human-readable report, one aligned line per topic. */
    public static String format(Info i) {
        StringBuilder sb = new StringBuilder();
        line(sb, "visage", i.projectVersion());
        line(sb, "java", i.javaVersion() + " (" + i.javaVm() + ")");
        line(
                sb,
                "memory",
                "heap max " + gib(i.maxHeapBytes()) + ", off-heap (JavaCPP) max " + gib(i.maxOffHeapBytes()));
        line(sb, "nd4j", i.nd4jVersion() + ", " + i.backend());
        line(
                sb,
                "blas",
                i.blasVendor() + ", core " + i.openblasCore()
                        + (i.coreTypeEnv().isEmpty()
                                ? " (auto-detected)"
                                : " (OPENBLAS_CORETYPE=" + i.coreTypeEnv() + ")")
                        + ", " + i.blasThreads() + " threads");
        line(sb, "openmp", i.ompThreads() + " threads, " + i.cores() + " cores");
        line(
                sb,
                "vector api",
                i.vectorModule()
                        ? "jdk.incubator.vector present"
                        : "jdk.incubator.vector absent (add --add-modules jdk.incubator.vector; ./visage does)");
        return sb.toString();
    }

    private static void line(StringBuilder sb, String key, String value) {
        sb.append(String.format(Locale.ROOT, "%-11s %s%n", key, value));
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }

    private static int intValue(Object o) {
        try {
            return o == null ? -1 : Integer.parseInt(o.toString().trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Version from a jar's Maven metadata, "unknown" when absent. */
    static String mavenVersion(String groupId, String artifactId) {
        String res = "META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
        return versionProperty(VersionCommand.class.getClassLoader().getResourceAsStream(res));
    }

    /** The {@code version} property of a properties stream (closed here), "unknown" when absent or unreadable. */
    static String versionProperty(InputStream stream) {
        try (InputStream in = stream) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
