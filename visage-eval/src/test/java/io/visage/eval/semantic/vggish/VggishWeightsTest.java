package io.visage.eval.semantic.vggish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.nn.CheckpointFormatException;
import io.visage.nn.StateDictMismatchException;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.io.Npz;
import io.visage.nn.io.Safetensors;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorInfo;
import io.visage.nn.io.TensorSource;
import io.visage.nn.module.Params;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Strict loading by the reference's key names: both fixture formats, the key list, PCA files, and bad files. */
class VggishWeightsTest {

    private static void assertSameStateDict(Vggish a, Vggish b) {
        Map<String, Tensor> x = a.stateDict();
        Map<String, Tensor> y = b.stateDict();
        assertEquals(new ArrayList<>(x.keySet()), new ArrayList<>(y.keySet()));
        for (String k : x.keySet()) {
            assertEquals(x.get(k).value(), y.get(k).value(), k);
        }
    }

    /** The fixture's tensors, optionally without pproc.*, and renamed/replaced where asked. */
    private static Map<String, INDArray> fixtureTensors(boolean withPproc) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        try (TensorSource w = TensorFiles.open(VggishFixture.file("weights.safetensors"))) {
            for (TensorInfo t : w.tensors()) {
                if (withPproc || !t.name().startsWith(VggishWeights.PPROC_PREFIX)) {
                    out.put(t.name(), w.load(t.name()));
                }
            }
        }
        return out;
    }

    private static Path write(Path dir, String name, Map<String, INDArray> tensors) {
        Path f = dir.resolve(name);
        Safetensors.write(f, tensors, null);
        return f;
    }

    @Test
    void ptAndSafetensors_loadIdentically() {
        VggishConfig c = VggishFixture.config();
        Vggish st = VggishWeights.load(VggishFixture.file("weights.safetensors"), null, c);
        Vggish pt = VggishWeights.load(VggishFixture.file("weights.pt"), null, c);
        assertTrue(st.hasPostprocessor() && pt.hasPostprocessor());
        assertSameStateDict(st, pt);
    }

    @Test
    void stateDict_namesOrderAndShapes_matchWeightsFile() {
        Vggish m = VggishFixture.model();
        try (TensorSource w = TensorFiles.open(VggishFixture.file("weights.safetensors"))) {
            List<String> names = new ArrayList<>();
            for (TensorInfo t : w.tensors()) {
                names.add(t.name());
                assertArrayEquals(t.shape(), m.stateDict().get(t.name()).shape(), t.name());
            }
            assertEquals(names, new ArrayList<>(m.stateDict().keySet()));
        }
    }

    /** The full-size tree (built without loading anything) against the released model's key list. */
    @Test
    void fullSizeModuleTree_matchesKeyList() throws IOException {
        JsonNode keys = new ObjectMapper()
                .readTree(io.visage.nn.testing.Fixtures.file("keys", "vggish-keys.json")
                        .toFile());
        Params shapesOnly = (key, init, shape) -> Tensor.parameter(Nd4j.createUninitialized(DataType.FLOAT, shape));
        Vggish full = Vggish.create(shapesOnly, VggishConfig.full(), true);
        Map<String, Tensor> sd = full.stateDict();
        List<String> expectedNames = new ArrayList<>();
        long values = 0;
        for (JsonNode t : keys.get("tensors")) {
            String name = t.get("name").asText();
            expectedNames.add(name);
            long[] shape = new long[t.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.get("shape").get(i).asLong();
            }
            assertTrue(sd.containsKey(name), "module tree lacks " + name);
            assertArrayEquals(shape, sd.get(name).shape(), name);
            assertEquals("float32", t.get("dtype").asText(), name);
            values += sd.get(name).value().length();
        }
        assertEquals(expectedNames, new ArrayList<>(sd.keySet()));
        assertEquals(keys.get("n_tensors").asInt(), sd.size());
        assertEquals(keys.get("n_values").asLong(), values);
    }

    @Test
    void separatePcaFile_ptAndNpz_giveTheWeightsPostprocessor(@TempDir Path dir) {
        VggishConfig c = VggishFixture.config();
        Vggish ref = VggishFixture.model();
        Path bare = write(dir, "vgg.safetensors", fixtureTensors(false));
        Vggish noPca = VggishWeights.load(bare, null, c);
        assertFalse(noPca.hasPostprocessor());
        Vggish fromPt = VggishWeights.load(bare, VggishFixture.file("pca_params.pt"), c);
        assertSameStateDict(ref, fromPt);
        // Google's .npz holds float64 arrays, means as [D]
        Map<String, INDArray> npz = new LinkedHashMap<>();
        try (TensorSource p = TensorFiles.open(VggishFixture.file("pca_params.pt"))) {
            npz.put(
                    VggishWeights.PCA_EIGEN_VECTORS,
                    p.load(VggishWeights.PCA_EIGEN_VECTORS).castTo(DataType.DOUBLE));
            npz.put(VggishWeights.PCA_MEANS, p.load(VggishWeights.PCA_MEANS).castTo(DataType.DOUBLE));
        }
        Path npzFile = dir.resolve("vggish_pca_params.npz");
        Npz.write(npzFile, npz);
        assertSameStateDict(ref, VggishWeights.load(bare, npzFile, c));
    }

    @Test
    void pcaInWeightsAndAsFile_throws() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> VggishWeights.load(
                        VggishFixture.file("weights.safetensors"),
                        VggishFixture.file("pca_params.pt"),
                        VggishFixture.config()));
        assertTrue(
                e.getMessage().contains("pproc.pca_eigen_vectors")
                        && e.getMessage().contains("pca_params.pt"),
                e.getMessage());
    }

    @Test
    void renamedKey_throwsNamingFileMissingAndUnexpected(@TempDir Path dir) {
        Map<String, INDArray> t = fixtureTensors(true);
        String victim = t.keySet().stream()
                .filter(k -> k.startsWith("features."))
                .findFirst()
                .orElseThrow();
        INDArray v = t.remove(victim);
        t.put(victim.replace("features.", "feature."), v);
        Path f = write(dir, "renamed.safetensors", t);
        var e = assertThrows(
                StateDictMismatchException.class, () -> VggishWeights.load(f, null, VggishFixture.config()));
        assertEquals(List.of(victim), e.missing());
        assertEquals(List.of(victim.replace("features.", "feature.")), e.unexpected());
        assertTrue(
                e.getMessage().contains("renamed.safetensors") && e.getMessage().contains(victim), e.getMessage());
    }

    @Test
    void otherWidths_throwNamingTensorExpectedAndFound() {
        VggishConfig c = VggishFixture.config();
        VggishConfig wider = new VggishConfig(c.layers(), c.hidden() + 1, c.embedding());
        var e = assertThrows(
                StateDictMismatchException.class,
                () -> VggishWeights.load(VggishFixture.file("weights.safetensors"), null, wider));
        String bad = e.shapeMismatches().stream()
                .filter(s -> s.startsWith("embeddings.0.weight: expected [" + (c.hidden() + 1) + ", "))
                .findFirst()
                .orElse(null);
        assertTrue(bad != null && bad.contains("found [" + c.hidden() + ", "), e.getMessage());
        assertTrue(e.getMessage().contains("weights.safetensors"), e.getMessage());
    }

    @Test
    void missingFile_throwsNamingIt(@TempDir Path dir) {
        Path nope = dir.resolve("vggish-10086976.pth");
        var e = assertThrows(UncheckedIOException.class, () -> VggishWeights.load(nope, null, VggishConfig.full()));
        assertTrue(
                e.getMessage().contains(nope.toString()) && e.getMessage().contains("does not exist"), e.getMessage());
        var p = assertThrows(
                UncheckedIOException.class,
                () -> VggishWeights.load(
                        VggishFixture.file("weights.pt"), dir.resolve("pca.npz"), VggishFixture.config()));
        assertTrue(p.getMessage().contains("pca.npz"), p.getMessage());
    }

    @Test
    void notATensorFile_throwsCheckpointFormat(@TempDir Path dir) throws IOException {
        Path junk = Files.writeString(dir.resolve("vggish.pth"), "not a checkpoint at all");
        var e = assertThrows(
                CheckpointFormatException.class, () -> VggishWeights.load(junk, null, VggishFixture.config()));
        assertTrue(e.getMessage().startsWith(junk.toString()), e.getMessage());
    }

    /** torchvggish's released PCA .pth pickles numpy arrays: refused, with a pointer to the .npz. */
    @Test
    void pickledNumpyPca_throwsPointingToNpz(@TempDir Path dir) throws IOException {
        Path pth = dir.resolve("vggish_pca_params-970ea276.pth");
        ByteArrayBuilder pkl = new ByteArrayBuilder();
        pkl.bytes(0x80, 2, '}', 'q', 0, '('); // PROTO 2, EMPTY_DICT, BINPUT 0, MARK
        String key = VggishWeights.PCA_EIGEN_VECTORS;
        pkl.bytes('X', key.length(), 0, 0, 0).ascii(key).bytes('q', 1);
        pkl.ascii("cnumpy.core.multiarray\n_reconstruct\n").bytes('q', 2, '.');
        try (OutputStream os = Files.newOutputStream(pth);
                ZipOutputStream zip = new ZipOutputStream(os)) {
            zip.putNextEntry(new ZipEntry("archive/data.pkl"));
            zip.write(pkl.toArray());
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("archive/version"));
            zip.write("3\n".getBytes(StandardCharsets.US_ASCII));
            zip.closeEntry();
        }
        var e = assertThrows(CheckpointFormatException.class, () -> VggishWeights.loadPca(pth, 128));
        assertTrue(
                e.getMessage().startsWith(pth.toString())
                        && e.getMessage().contains("numpy")
                        && e.getMessage().contains("vggish_pca_params.npz"),
                e.getMessage());
    }

    @Test
    void pcaFile_wrongShapeOrExtraKey_throwsNamingTensor(@TempDir Path dir) {
        int d = VggishFixture.config().embedding();
        Map<String, INDArray> t = new LinkedHashMap<>();
        t.put(VggishWeights.PCA_EIGEN_VECTORS, Nd4j.zeros(DataType.FLOAT, d, d + 1));
        t.put(VggishWeights.PCA_MEANS, Nd4j.zeros(DataType.FLOAT, d));
        t.put("extra", Nd4j.zeros(DataType.FLOAT, 1));
        Path f = dir.resolve("pca.npz");
        Npz.write(f, t);
        var e = assertThrows(StateDictMismatchException.class, () -> VggishWeights.loadPca(f, d));
        assertEquals(List.of("extra"), e.unexpected());
        assertEquals(1, e.shapeMismatches().size());
        assertTrue(
                e.shapeMismatches().get(0).contains(VggishWeights.PCA_EIGEN_VECTORS)
                        && e.shapeMismatches().get(0).contains(Arrays.toString(new long[] {d, d + 1})),
                e.getMessage());
        assertTrue(e.getMessage().contains("pca.npz"), e.getMessage());
        t.remove(VggishWeights.PCA_MEANS);
        Npz.write(f, t);
        var m = assertThrows(StateDictMismatchException.class, () -> VggishWeights.loadPca(f, d));
        assertEquals(List.of(VggishWeights.PCA_MEANS), m.missing());
    }

    /** A tiny byte buffer for hand-written pickles. */
    private static final class ByteArrayBuilder {
        private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

        ByteArrayBuilder bytes(int... b) {
            for (int x : b) {
                out.write(x);
            }
            return this;
        }

        ByteArrayBuilder ascii(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        byte[] toArray() {
            return out.toByteArray();
        }
    }
}
