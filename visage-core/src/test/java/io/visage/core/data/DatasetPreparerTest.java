package io.visage.core.data;

import io.visage.audio.dac.DacCodec;
import io.visage.audio.io.AudioBuffer;
import io.visage.audio.io.SampleFormat;
import io.visage.audio.io.Wav;
import io.visage.core.model.VisageConfig;
import io.visage.nn.io.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dataset preparation on tiny generated clips with a tiny random CLIP and codec. */
class DatasetPreparerTest {
    private static final int LEVELS = 2;
    private static final int VOCAB = 16;

    @Test
    void prepare_tinyClips_writesReferenceLayoutWithConsistentShapes(@TempDir Path dir) throws Exception {
        List<String> ids = List.of("vidAAAAAAAA_0", "vidAAAAAAAA_5", "vidBBBBBBBB_10", "orphan_3");
        TinyDatasets.Raw raw = TinyDatasets.write(dir, ids, 1, 48000);
        Files.delete(raw.foa().resolve("orphan_3.wav"));
        List<String> seen = new ArrayList<>();
        DatasetLayout out = new DatasetLayout(dir.resolve("data"));
        DatasetPreparer.Result r;
        int hop;
        try (DacCodec codec = TinyDatasets.codec(LEVELS, VOCAB, 5)) {
            hop = codec.config().hopLength();
            r = new DatasetPreparer(TinyDatasets.frontEnd(3), codec, SplitRule.reference(1))
                    .prepare(raw.videos(), raw.foa(), raw.ambiJson(), out, (done, n, id) -> seen.add(id));
        }

        assertEquals(3, r.prepared());
        assertEquals(List.of("vidAAAAAAAA_0", "vidAAAAAAAA_5", "vidBBBBBBBB_10"), seen);
        assertTrue(
                r.skipped().get("orphan_3").contains("orphan_3.wav"),
                r.skipped().toString());
        int expectFrames = (int) Math.ceil(44100.0 / hop);
        for (String id : seen) {
            INDArray clip = Npy.read(out.clip(id));
            INDArray energy = Npy.read(out.energyMap(id));
            INDArray codes = Npy.read(out.dac(id));
            INDArray rot = Npy.read(out.dacRotated(id));
            assertEquals(DataType.FLOAT, clip.dataType());
            assertArrayEquals(new long[] {r.clipFrames(), TinyDatasets.CLIP.outputDim()}, clip.shape());
            assertArrayEquals(new long[] {r.clipFrames(), VisageConfig.ENERGY_MAP_SIZE}, energy.shape());
            assertEquals(DataType.LONG, codes.dataType());
            assertArrayEquals(new long[] {4L * LEVELS, expectFrames}, codes.shape());
            assertArrayEquals(codes.shape(), rot.shape());
            // rotation Y' = -X, X' = Y, W and Z unchanged: W and Z codes equal, rotated X codes = original Y codes
            assertEquals(rows(codes, 0), rows(rot, 0), id + " W");
            assertEquals(rows(codes, 2), rows(rot, 2), id + " Z");
            assertEquals(rows(codes, 1), rows(rot, 3), id + " X' = Y");
            assertTrue(
                    codes.maxNumber().longValue() < VOCAB && codes.minNumber().longValue() >= 0);
        }
        // splits: every prepared clip once, both clips of one video in the same split
        Set<String> listed = new HashSet<>();
        String splitOfA = null;
        for (String s : DatasetLayout.SPLITS) {
            List<String> lines = Files.readAllLines(out.split(s));
            assertEquals(DatasetLayout.FILE_PATH_COLUMN, lines.get(0));
            for (String l : lines.subList(1, lines.size())) {
                assertTrue(listed.add(l), "listed twice: " + l);
                if (l.startsWith("vidAAAAAAAA")) {
                    assertTrue(splitOfA == null || splitOfA.equals(s), "one video, two splits");
                    splitOfA = s;
                }
            }
        }
        assertEquals(Set.of("vidAAAAAAAA_0.npy", "vidAAAAAAAA_5.npy", "vidBBBBBBBB_10.npy"), listed);
        assertEquals(
                raw.directions().get("vidBBBBBBBB_10"),
                AmbiIndex.read(out.ambiJson()).get("vidBBBBBBBB_10"));
        assertFalse(AmbiIndex.read(out.ambiJson()).containsKey("orphan_3"));
        try (Stream<Path> s = Files.walk(out.root())) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temporary files left");
        }
    }

    private static String rows(INDArray codes, int channel) {
        return codes.get(NDArrayIndex.interval(channel * LEVELS, (channel + 1) * LEVELS), NDArrayIndex.all())
                .toString();
    }

    @Test
    void rotate_isTheReferenceQuarterTurn_andFourTimesIsIdentity() {
        float[][] a = {{1, 2}, {3, 4}, {5, 6}, {7, 8}};
        float[][] r = DatasetPreparer.rotate(a);
        assertArrayEquals(new float[] {1, 2}, r[0]);
        assertArrayEquals(new float[] {-7, -8}, r[1]);
        assertArrayEquals(new float[] {5, 6}, r[2]);
        assertArrayEquals(new float[] {3, 4}, r[3]);
        float[][] four = DatasetPreparer.rotate(DatasetPreparer.rotate(DatasetPreparer.rotate(r)));
        for (int c = 0; c < 4; c++) {
            assertArrayEquals(a[c], four[c]);
        }
    }

    @Test
    void prepare_stereoRecording_failsThatClipNamingTheFile_andPreparesTheOthers(@TempDir Path dir) throws Exception {
        TinyDatasets.Raw raw = TinyDatasets.write(dir, List.of("clip_0", "clip_1"), 1, 44100);
        Wav.write(raw.foa().resolve("clip_0.wav"), new AudioBuffer(44100, new float[2][441]), SampleFormat.PCM_16);
        DatasetLayout out = new DatasetLayout(dir.resolve("out"));
        DatasetPreparer.Result r;
        try (DacCodec codec = TinyDatasets.codec(LEVELS, VOCAB, 1)) {
            r = new DatasetPreparer(TinyDatasets.frontEnd(1), codec, SplitRule.reference(1))
                    .prepare(raw.videos(), raw.foa(), raw.ambiJson(), out, (a, b, c) -> {});
        }
        assertEquals(java.util.Set.of("clip_0"), r.failed().keySet());
        String why = r.failed().get("clip_0");
        assertTrue(why.contains("clip_0.wav") && why.contains("4 channels"), why);
        assertEquals(1, r.newlyPrepared());
        assertEquals(1, r.prepared());
        for (String f : DatasetLayout.FEATURES) {
            assertFalse(Files.exists(out.root().resolve(DatasetLayout.relative(f, "clip_0"))), f);
            assertTrue(Files.exists(out.root().resolve(DatasetLayout.relative(f, "clip_1"))), f);
        }
        assertFalse(AmbiIndex.read(out.ambiJson()).containsKey("clip_0"));
        assertTrue(AmbiIndex.read(out.ambiJson()).containsKey("clip_1"));
    }

    @Test
    void prepare_rerun_rewritesNothing_andAPartlyWrittenClipIsCompletedWithTheSameBytes(@TempDir Path dir)
            throws Exception {
        TinyDatasets.Raw raw = TinyDatasets.write(dir, List.of("vidA_0", "vidA_5", "vidB_0"), 1, 44100);
        DatasetLayout out = new DatasetLayout(dir.resolve("out"));
        try (DacCodec codec = TinyDatasets.codec(LEVELS, VOCAB, 2)) {
            DatasetPreparer p = new DatasetPreparer(TinyDatasets.frontEnd(2), codec, SplitRule.reference(3));
            DatasetPreparer.Result first = p.prepare(raw.videos(), raw.foa(), raw.ambiJson(), out, (a, b, c) -> {});
            assertEquals(3, first.newlyPrepared());
            java.util.Map<Path, byte[]> bytes = new java.util.TreeMap<>();
            java.util.Map<Path, java.nio.file.attribute.FileTime> times = new java.util.TreeMap<>();
            try (Stream<Path> s = Files.walk(out.root())) {
                for (Path f : s.filter(Files::isRegularFile).toList()) {
                    bytes.put(f, Files.readAllBytes(f));
                    Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(1_000_000L));
                    times.put(f, Files.getLastModifiedTime(f));
                }
            }
            DatasetPreparer.Result again = p.prepare(raw.videos(), raw.foa(), raw.ambiJson(), out, (a, b, c) -> {});
            assertEquals(0, again.newlyPrepared());
            assertEquals(3, again.alreadyPrepared());
            for (Path f : times.keySet()) {
                assertEquals(times.get(f), Files.getLastModifiedTime(f), "rewritten: " + f);
            }
            // a run killed between two files of a clip: the missing file is computed again, the same bytes
            Path energy = out.root().resolve(DatasetLayout.relative(DatasetLayout.ENERGY_MAP, "vidA_5"));
            Path dac = out.root().resolve(DatasetLayout.relative(DatasetLayout.DAC_ROTATED, "vidA_5"));
            Files.delete(energy);
            Files.delete(dac);
            DatasetPreparer.Result resumed = p.prepare(raw.videos(), raw.foa(), raw.ambiJson(), out, (a, b, c) -> {});
            assertEquals(1, resumed.newlyPrepared());
            assertEquals(2, resumed.alreadyPrepared());
            assertArrayEquals(bytes.get(energy), Files.readAllBytes(energy));
            assertArrayEquals(bytes.get(dac), Files.readAllBytes(dac));
            for (Path f : times.keySet()) {
                if (!f.equals(energy) && !f.equals(dac)) {
                    assertEquals(times.get(f), Files.getLastModifiedTime(f), "rewritten: " + f);
                }
            }
        }
    }

    @Test
    void prepare_missingFolderOrNoMatchingClip_throwsNamingIt(@TempDir Path dir) throws Exception {
        TinyDatasets.Raw raw = TinyDatasets.write(dir, List.of("clip_0"), 1, 44100);
        try (DacCodec codec = TinyDatasets.codec(LEVELS, VOCAB, 1)) {
            DatasetPreparer p = new DatasetPreparer(TinyDatasets.frontEnd(1), codec, SplitRule.reference(1));
            DatasetLayout out = new DatasetLayout(dir.resolve("out"));
            var e = assertThrows(
                    IllegalArgumentException.class,
                    () -> p.prepare(dir.resolve("nope"), raw.foa(), raw.ambiJson(), out, (a, b, c) -> {}));
            assertTrue(e.getMessage().contains("nope"), e.getMessage());
            AmbiIndex.write(raw.ambiJson(), java.util.Map.of());
            e = assertThrows(
                    IllegalArgumentException.class,
                    () -> p.prepare(raw.videos(), raw.foa(), raw.ambiJson(), out, (a, b, c) -> {}));
            assertTrue(
                    e.getMessage().contains("no clip to prepare")
                            && e.getMessage().contains("clip_0"),
                    e.getMessage());
        }
    }

    @Test
    void splitRule_isDeterministicByVideo_andRespectsFractions() {
        SplitRule r = new SplitRule(0.2, 0.3, 42);
        int[] counts = new int[3];
        for (int v = 0; v < 2000; v++) {
            String s = r.assign("video" + v + "_0");
            assertEquals(s, r.assign("video" + v + "_125"), "clips of one video share a split");
            assertEquals(s, new SplitRule(0.2, 0.3, 42).assign("video" + v + "_0"));
            counts[DatasetLayout.SPLITS.indexOf(s)]++;
        }
        assertEquals(0.5, counts[0] / 2000.0, 0.05);
        assertEquals(0.2, counts[1] / 2000.0, 0.04);
        assertEquals(0.3, counts[2] / 2000.0, 0.04);
        assertEquals("abc_def", SplitRule.videoId("abc_def"));
        assertEquals("abc", SplitRule.videoId("abc_12"));
        assertThrows(IllegalArgumentException.class, () -> new SplitRule(0.6, 0.5, 1));
    }

    @Test
    void ambiIndex_badEntry_throwsNamingFileAndClip(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("ambi.json");
        Files.writeString(f, "{\"ok_1\": [3, 4], \"bad_2\": [3, 400]}");
        var e = assertThrows(io.visage.nn.ConfigException.class, () -> AmbiIndex.read(f));
        assertTrue(e.getMessage().contains("ambi.json") && e.getMessage().contains("bad_2"), e.getMessage());
        Files.writeString(f, "{\"ok_1\": \"north\"}");
        e = assertThrows(io.visage.nn.ConfigException.class, () -> AmbiIndex.read(f));
        assertTrue(e.getMessage().contains("ok_1"), e.getMessage());
    }
}
