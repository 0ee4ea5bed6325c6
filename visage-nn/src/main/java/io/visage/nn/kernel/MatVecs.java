package io.visage.nn.kernel;

/**
 * Chooses a {@link MatVec}: the Vector API kernel when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}, otherwise the plain-Java one. The Vector API classes
 * are not loaded when the module is absent, so the library works either way.
 *
 * <pre>{@code
 * try (Parallelism par = new Parallelism()) {
 *     MatVec mv = MatVecs.best(par);
 *     if (MatVecs.bestKind() == MatVecs.Kind.SCALAR) log.info(MatVecs.HINT);
 *     mv.multiply(w, b, x, 0, y, 0, 2);
 * }
 * }</pre>
 */
public final class MatVecs {
    /** One line for users whose JVM lacks the Vector API module. */
    public static final String HINT = "start the JVM with --add-modules jdk.incubator.vector for ~3x faster decoding";

    /** Which implementation {@link #best} returns. */
    public enum Kind {
        /** {@link VectorMatVec}. */
        VECTOR,
        /** {@link ScalarMatVec}. */
        SCALAR
    }

    private MatVecs() {}

    /** True if {@code jdk.incubator.vector} is in the boot layer of this JVM. */
    public static boolean vectorApiAvailable() {
        return VectorApi.PRESENT;
    }

    /** The kind {@link #best} returns in this JVM. */
    public static Kind bestKind() {
        return VectorApi.PRESENT ? Kind.VECTOR : Kind.SCALAR;
    }

    /** The fastest implementation this JVM can run, splitting rows over {@code par}. */
    public static MatVec best(Parallelism par) {
        return VectorApi.PRESENT ? vector(par) : new ScalarMatVec(par);
    }

    /** The plain-Java implementation, whatever the JVM. */
    public static MatVec scalar(Parallelism par) {
        return new ScalarMatVec(par);
    }

    /** The single-threaded double-accumulating reference. */
    public static MatVec naive() {
        return new NaiveMatVec();
    }

    /**
     * The Vector API implementation.
     *
     * @throws UnsupportedOperationException with {@link #HINT} if the module is absent
     */
    public static MatVec vector(Parallelism par) {
        if (!VectorApi.PRESENT) {
            throw new UnsupportedOperationException("the Vector API module is not available: " + HINT);
        }
        return new VectorMatVec(par);
    }
}
