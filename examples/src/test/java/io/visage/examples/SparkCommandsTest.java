package io.visage.examples;

import io.visage.audio.io.AudioBuffer;
import io.visage.audio.io.SampleFormat;
import io.visage.audio.io.Wav;
import io.visage.core.data.TinyDatasets;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code prepare --spark} and {@code evaluate --spark} against the same commands without Spark. */
class SparkCommandsTest {
    private static String[] prepareArgs(Path raw, Path cfg, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of(
                "prepare",
                "--videos",
                raw.resolve("videos").toString(),
                "--foa",
                raw.resolve("foa").toString(),
                "--ambi-json",
                raw.resolve("ambi.json").toString(),
                "--clip-config",
                cfg.resolve("clip.json").toString(),
                "--codec-config",
                cfg.resolve("codec.json").toString(),
                "--seed",
                "11",
                "--valid-fraction",
                "0.25",
                "--test-fraction",
                "0.25",
                "--out",
                out.toString()));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    private static Path configs(Path dir) throws IOException {
        Files.createDirectories(dir);
        TinyDatasets.writeClipConfig(dir.resolve("clip.json"));
        TinyDatasets.writeCodecConfig(dir.resolve("codec.json"), 2, 16);
        return dir;
    }

    private static int cli(StringWriter out, StringWriter err, String... args) {
        return VisageCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void prepareSpark_equalsPrepare_byteForByte_andARerunRewritesNothing(@TempDir Path dir) throws Exception {
        Path raw = dir.resolve("raw");
        TinyDatasets.write(raw, List.of("vidAAAAAAAA_0", "vidAAAAAAAA_3", "vidBBBBBBBB_1", "vidCCCCCCCC_7"), 1, 48000);
        Path cfg = configs(dir.resolve("cfg"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, cli(out, err, prepareArgs(raw, cfg, dir.resolve("one"))), err.toString());
        assertEquals(
                0, cli(out, err, prepareArgs(raw, cfg, dir.resolve("spark"), "--spark", "local[2]")), err.toString());
        Map<String, byte[]> one = files(dir.resolve("one"));
        assertEquals(4 * 4 + 4, one.size(), one.keySet().toString());
        assertSameFiles(one, files(dir.resolve("spark")));

        Map<Path, Long> times = mtimes(dir.resolve("spark"));
        StringWriter again = new StringWriter();
        assertEquals(0, cli(again, err, prepareArgs(raw, cfg, dir.resolve("spark"), "--spark", "local[2]")));
        assertTrue(again.toString().contains("0 prepared now, 4 already there"), again.toString());
        assertEquals(times, mtimes(dir.resolve("spark")), "a rerun rewrote files");
    }

    @Test
    void prepareSpark_killedMidRun_thenRunAgain_endsWithTheSingleMachineFiles(@TempDir Path dir) throws Exception {
        Path raw = dir.resolve("raw");
        List<String> ids = IntStream.range(0, 16)
                .mapToObj(i -> "vid" + (char) ('A' + i / 2) + "xxxxxxx_" + i)
                .toList();
        TinyDatasets.write(raw, ids, 1, 44100);
        Path cfg = configs(dir.resolve("cfg"));
        Path spark = dir.resolve("spark");
        // a separate JVM running the Spark job, killed (SIGKILL) once its first clip file has landed
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-agentlib") && !a.startsWith("-javaagent"))
                .toList());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), VisageCli.class.getName()));
        cmd.addAll(List.of(prepareArgs(raw, cfg, spark, "--spark", "local[2]")));
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("killed.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (countNpy(spark) == 0 && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        int left = countNpy(spark);
        assertTrue(
                left > 0 && left < 4 * ids.size(),
                "the job was to be killed mid-run; .npy files at the kill: " + left + "\n"
                        + Files.readString(dir.resolve("killed.log")));
        assertFalse(Files.exists(spark.resolve("train.csv")), "a killed job writes no splits");

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, cli(out, err, prepareArgs(raw, cfg, spark, "--spark", "local[2]")), err.toString());
        assertEquals(0, cli(out, err, prepareArgs(raw, cfg, dir.resolve("one"))), err.toString());
        assertSameFiles(files(dir.resolve("one")), files(spark));
    }

    @Test
    void evaluateSpark_writesTheSameReport(@TempDir Path dir) throws Exception {
        Path gen = Files.createDirectories(dir.resolve("gen"));
        Path gt = Files.createDirectories(dir.resolve("gt"));
        SplittableRandom rng = new SplittableRandom(3);
        for (int c = 0; c < 5; c++) {
            Wav.write(gen.resolve("clip" + c + ".wav"), noise(rng, 16000, 2), SampleFormat.FLOAT_32);
            Wav.write(gt.resolve("clip" + c + ".wav"), noise(rng, 16000, 2), SampleFormat.FLOAT_32);
        }
        String[] base = {"evaluate", "--generated", gen.toString(), "--ground-truth", gt.toString(), "--seed", "4"};
        assertSameReportWithSpark(dir, base, "clip4");
    }

    /** Runs {@code args} without and with {@code --spark local[2]}; both reports must be the same text. */
    private static void assertSameReportWithSpark(Path dir, String[] args, String mustContain) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(
                0, cli(out, err, concat(args, "--out", dir.resolve("one.json").toString())), err.toString());
        assertEquals(
                0,
                cli(out, err, concat(args, "--out", dir.resolve("spark.json").toString(), "--spark", "local[2]")),
                err.toString());
        String one = Files.readString(dir.resolve("one.json"));
        assertTrue(one.contains(mustContain), one);
        assertEquals(one, Files.readString(dir.resolve("spark.json")));
    }

    @Test
    void evaluateSparkSemantic_onTheFixtureFolders_writesTheSameReport(@TempDir Path dir) throws Exception {
        String[] args = concat(
                new String[] {"evaluate", "--semantic-only", "--semantic-batch", "1"},
                EvaluateCommandTest.semanticFixtureArgs());
        assertSameReportWithSpark(dir, args, "FAD_dec");
    }

    private static AudioBuffer noise(SplittableRandom rng, int rate, int seconds) {
        float[][] ch = new float[4][rate * seconds];
        for (float[] c : ch) {
            double g = rng.nextDouble(0.05, 1);
            for (int n = 0; n < c.length; n++) {
                c[n] = (float) (g * (rng.nextDouble() - 0.5));
            }
        }
        return new AudioBuffer(rate, ch);
    }

    private static String[] concat(String[] a, String... b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }

    private static int countNpy(Path root) {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(root)) {
            return (int) s.filter(f -> f.getFileName().toString().endsWith(".npy")
                            && !f.getFileName().toString().startsWith("."))
                    .count();
        } catch (IOException | UncheckedIOException e) {
            return 0; // a file moved while walking: look again
        }
    }

    private static Map<String, byte[]> files(Path root) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }

    private static Map<Path, Long> mtimes(Path root) throws IOException {
        Map<Path, Long> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(p, Files.getLastModifiedTime(p).toMillis());
            }
        }
        return m;
    }

    private static void assertSameFiles(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), k));
    }
}
