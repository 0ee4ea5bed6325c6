package io.visage.nn.kernel;

/**
 * Whether {@code jdk.incubator.vector} is in the boot module layer, decided once from an immutable
 * fact of the running JVM. Code that touches Vector API classes must only run when
 * {@link #PRESENT} is true, so that those classes are never loaded otherwise.
 */
final class VectorApi {
    static final boolean PRESENT =
            ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private VectorApi() {}
}
