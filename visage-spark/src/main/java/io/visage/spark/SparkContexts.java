package io.visage.spark;

import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** Starts the Spark context of a {@code --spark MASTER} run. */
public final class SparkContexts {
    /**
     * What Spark 4 needs opened on Java 17 when it runs inside a JVM that {@code spark-submit} did not
     * start ({@code local[N]} from the command line, tests): the list {@code spark-submit} itself
     * passes. {@code ./visage} and the build's test runner pass them.
     */
    public static final List<String> JAVA_OPTIONS = List.of(
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "-Djdk.reflect.useDirectMethodHandle=false",
            "-Dio.netty.tryReflectionSetAccessible=true");

    /** The master that takes the master {@code spark-submit} was given ({@code --master}). */
    public static final String SUBMIT = "submit";

    private SparkContexts() {}

    /**
     * A context for {@code master}: {@code local[N]}, a cluster URL ({@code spark://host:7077}),
     * or {@link #SUBMIT} under {@code spark-submit}. For a standalone master without {@code spark.jars}
     * this JVM's class path jars are shipped to the executors (YARN and Kubernetes need the cluster's Spark
     * modules, which {@code spark-submit} puts on the class path; this project bundles only
     * spark-core). Local masters bind to the loopback address and run without the
     * web UI; every setting given by {@code spark-submit} or {@code spark.*} system properties wins.
     *
     * @throws IllegalStateException when the JVM lacks {@link #JAVA_OPTIONS}
     */
    public static JavaSparkContext open(String master, String appName) {
        if (master == null || master.isBlank()) {
            throw new IllegalArgumentException("Spark master is empty (e.g. local[2], spark://host:7077, submit)");
        }
        SparkConf conf = new SparkConf(true).setAppName(appName);
        if (!SUBMIT.equals(master)) {
            conf.setMaster(master);
        }
        if (master.startsWith("local")) {
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.ui.enabled", "false");
        }
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        if (master.startsWith("spark://") && !conf.contains("spark.jars")) {
            // a standalone cluster's executors start with Spark's own jars only: ship this JVM's class
            // path to them (spark-submit does the same with the application jar)
            conf.set("spark.jars", String.join(",", classPathJars()));
        }
        try {
            return new JavaSparkContext(conf);
        } catch (IllegalAccessError | RuntimeException e) {
            if (e instanceof IllegalAccessError || e.getClass().getName().endsWith("InaccessibleObjectException")) {
                throw new IllegalStateException(
                        "Spark cannot start in this JVM: it needs " + JAVA_OPTIONS + " (./visage passes them)", e);
            }
            throw e;
        }
    }

    /** The jar files of this JVM's class path (the launcher's {@code lib/*} is already expanded). */
    static List<String> classPathJars() {
        return java.util.Arrays.stream(System.getProperty("java.class.path", "").split(java.io.File.pathSeparator))
                .filter(p -> p.endsWith(".jar") && java.nio.file.Files.isRegularFile(java.nio.file.Path.of(p)))
                .map(p -> java.nio.file.Path.of(p).toAbsolutePath().toString())
                .toList();
    }
}
