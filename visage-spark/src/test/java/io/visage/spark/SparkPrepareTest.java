package io.visage.spark;

import io.visage.core.data.DatasetLayout;
import io.visage.core.data.DatasetPreparer;
import io.visage.core.data.PrepareNetworks;
import io.visage.core.data.SplitRule;
import io.visage.core.data.TinyDatasets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SparkPrepareTest {
    private static final SplitRule SPLIT = new SplitRule(0.3, 0.3, 7);
    private static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        sc = SparkContexts.open("local[2]", "visage-test");
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    private static DatasetPreparer.Result single(TinyDatasets.Raw raw, PrepareNetworks nets, Path out) {
        try (PrepareNetworks.Loaded l = nets.open(SPLIT)) {
            return l.preparer()
                    .prepare(raw.videos(), raw.foa(), raw.ambiJson(), new DatasetLayout(out), (a, b, c) -> {});
        }
    }

    private static DatasetPreparer.Result spark(TinyDatasets.Raw raw, PrepareNetworks nets, String out) {
        return SparkPrepare.run(sc, raw.videos(), raw.foa(), raw.ambiJson(), out, nets, SPLIT, (a, b, c) -> {});
    }

    @Test
    void local2_writesTheSingleMachineBytes_reportsTheBadClip_andASecondRunRewritesNothing(@TempDir Path dir)
            throws Exception {
        TinyDatasets.Raw raw = SparkTestInputs.raw(dir.resolve("raw"));
        PrepareNetworks nets = SparkTestInputs.networks(dir, 5);
        DatasetPreparer.Result one = single(raw, nets, dir.resolve("single"));
        DatasetPreparer.Result many = spark(raw, nets, dir.resolve("spark").toString());

        Map<String, byte[]> expected = SparkTestInputs.files(dir.resolve("single"));
        Map<String, byte[]> actual = SparkTestInputs.files(dir.resolve("spark"));
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), k));
        assertEquals(4 * 4 + 3 + 1, expected.size(), expected.keySet().toString());
        assertEquals(one.splits(), many.splits());
        assertEquals(one.failed(), many.failed());
        assertEquals(List.of("vidBBBBBBBB_2"), new ArrayList<>(many.failed().keySet()));
        assertTrue(
                many.failed().get("vidBBBBBBBB_2").contains("vidBBBBBBBB_2.wav"),
                many.failed().toString());
        assertTrue(many.skipped().containsKey("orphan_1"));
        assertEquals(4, many.newlyPrepared());

        Map<Path, FileTime> times = touchAll(dir.resolve("spark"));
        DatasetPreparer.Result again = spark(raw, nets, dir.resolve("spark").toString());
        assertEquals(0, again.newlyPrepared());
        assertEquals(4, again.alreadyPrepared());
        assertEquals(one.splits(), again.splits());
        times.forEach((p, t) -> assertEquals(t, mtime(p), "rewritten: " + p));
    }

    @Test
    void aFailedJob_writesNoSplits_andARunOverWhatAKilledJobLeft_completesWithTheSameFiles(@TempDir Path dir)
            throws Exception {
        TinyDatasets.Raw raw = SparkTestInputs.raw(dir.resolve("raw"));
        PrepareNetworks nets = SparkTestInputs.networks(dir, 6);
        single(raw, nets, dir.resolve("single"));
        Map<String, byte[]> expected = SparkTestInputs.files(dir.resolve("single"));
        Path outDir = dir.resolve("spark");

        PrepareNetworks broken = new PrepareNetworks(
                null, nets.clipConfig(), dir.resolve("no-such-codec.json").toString(), 6, nets.decoder(), 4);
        SparkJobException e = assertThrows(SparkJobException.class, () -> spark(raw, broken, outDir.toString()));
        assertTrue(e.getMessage().contains("no-such-codec.json"), e.getMessage());
        assertFalse(Files.exists(outDir.resolve("train.csv")), "splits are written only by a finished job");

        // what a job killed mid-run leaves: two whole clips and one clip with two of its four files
        List<String> left = List.of(
                DatasetLayout.relative(DatasetLayout.CLIP, "vidAAAAAAAA_0"),
                DatasetLayout.relative(DatasetLayout.ENERGY_MAP, "vidAAAAAAAA_0"),
                DatasetLayout.relative(DatasetLayout.DAC, "vidAAAAAAAA_0"),
                DatasetLayout.relative(DatasetLayout.DAC_ROTATED, "vidAAAAAAAA_0"),
                DatasetLayout.relative(DatasetLayout.CLIP, "vidCCCCCCCC_0"),
                DatasetLayout.relative(DatasetLayout.ENERGY_MAP, "vidCCCCCCCC_0"),
                DatasetLayout.relative(DatasetLayout.DAC, "vidCCCCCCCC_0"),
                DatasetLayout.relative(DatasetLayout.DAC_ROTATED, "vidCCCCCCCC_0"),
                DatasetLayout.relative(DatasetLayout.CLIP, "vidAAAAAAAA_4"),
                DatasetLayout.relative(DatasetLayout.DAC, "vidAAAAAAAA_4"));
        for (String rel : left) {
            Path p = outDir.resolve(rel);
            Files.createDirectories(p.getParent());
            Files.write(p, expected.get(rel));
        }
        Map<Path, FileTime> times = touchAll(outDir);
        DatasetPreparer.Result r = spark(raw, nets, outDir.toString());
        assertEquals(2, r.alreadyPrepared());
        assertEquals(2, r.newlyPrepared());
        Map<String, byte[]> actual = SparkTestInputs.files(outDir);
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), k));
        times.forEach((p, t) -> assertEquals(t, mtime(p), "rewritten: " + p));
    }

    @Test
    void aHadoopFileSystemUri_getsTheSameBytes_withoutChecksumFiles(@TempDir Path dir) throws Exception {
        TinyDatasets.Raw raw = SparkTestInputs.raw(dir.resolve("raw"));
        PrepareNetworks nets = SparkTestInputs.networks(dir, 8);
        single(raw, nets, dir.resolve("single"));
        Path target = dir.resolve("hadoop");
        String uri = target.toUri().toString();
        assertTrue(uri.startsWith("file:/"), uri);
        DatasetPreparer.Result r = spark(raw, nets, uri);
        assertEquals(4, r.newlyPrepared());
        Map<String, byte[]> expected = SparkTestInputs.files(dir.resolve("single"));
        Map<String, byte[]> actual = SparkTestInputs.files(target);
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), k));
    }

    private static Map<Path, FileTime> touchAll(Path root) throws Exception {
        Map<Path, FileTime> m = new TreeMap<>();
        for (String rel : SparkTestInputs.files(root).keySet()) {
            Path p = root.resolve(rel);
            Files.setLastModifiedTime(p, FileTime.fromMillis(2_000_000L));
            m.put(p, mtime(p));
        }
        return m;
    }

    private static FileTime mtime(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
