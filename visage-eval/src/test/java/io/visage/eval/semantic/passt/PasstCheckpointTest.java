package io.visage.eval.semantic.passt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.nn.CheckpointFormatException;
import io.visage.nn.StateDictMismatchException;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.io.Safetensors;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorInfo;
import io.visage.nn.io.TensorSource;
import io.visage.nn.module.Init;
import io.visage.nn.module.Params;
import io.visage.nn.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasstCheckpointTest {
    /** Zero-filled parameters of the requested shapes (the module tree without any weights file). */
    private static final class ZeroParams implements Params {
        @Override
        public Tensor take(String key, Init init, long... shape) {
            return Tensor.parameter(Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, shape));
        }
    }

    private static Map<String, INDArray> arrays(Path file) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        try (TensorSource s = TensorFiles.open(file)) {
            for (TensorInfo t : s.tensors()) {
                m.put(t.name(), s.load(t.name()));
            }
        }
        return m;
    }

    private static void assertSameStateDict(Passt want, Passt got) {
        Map<String, Tensor> a = want.stateDict();
        Map<String, Tensor> b = got.stateDict();
        assertEquals(new ArrayList<>(a.keySet()), new ArrayList<>(b.keySet()));
        a.forEach((k, v) -> assertEquals(v.value(), b.get(k).value(), k));
    }

    @Test
    void load_torchZipAndSafetensors_giveIdenticalModels() {
        PasstConfig c = PasstFixture.config();
        Passt st = Passt.load(PasstFixture.file("weights.safetensors"), c);
        Passt pt = Passt.load(PasstFixture.file("weights.pt"), c);
        assertSameStateDict(st, pt);
    }

    @Test
    void stateDict_keysAndOrder_equalTheCheckpoints() {
        Passt passt = PasstFixture.model();
        try (TensorSource pt = TensorFiles.open(PasstFixture.file("weights.pt"))) {
            List<String> names = pt.tensors().stream().map(TensorInfo::name).toList();
            assertEquals(names, new ArrayList<>(passt.stateDict().keySet()));
            for (TensorInfo t : pt.tensors()) {
                assertEquals(
                        Arrays.toString(t.shape()),
                        Arrays.toString(passt.stateDict().get(t.name()).shape()),
                        t.name());
            }
        }
    }

    @Test
    void stateDict_fullConfig_equalsReleasedKeyList() throws IOException {
        JsonNode keys = new ObjectMapper()
                .readTree(Fixtures.root().resolve("keys/passt-keys.json").toFile());
        JsonNode ctor = keys.get("constructor");
        PasstConfig full = PasstConfig.full();
        assertEquals(ctor.get("embed_dim").asInt(), full.embedDim());
        assertEquals(ctor.get("depth").asInt(), full.depth());
        assertEquals(ctor.get("num_heads").asInt(), full.numHeads());
        assertEquals(ctor.get("num_classes").asInt(), full.numClasses());
        assertEquals(ctor.get("img_size").get(0).asInt(), full.imgFreq());
        assertEquals(ctor.get("img_size").get(1).asInt(), full.imgTime());
        assertEquals(ctor.get("patch_size").asInt(), full.patchSize());
        assertEquals(ctor.get("stride").get(0).asInt(), full.strideFreq());
        assertEquals(ctor.get("stride").get(1).asInt(), full.strideTime());

        Map<String, Tensor> sd = Passt.create(new ZeroParams(), full).stateDict();
        List<String> want = new ArrayList<>();
        for (JsonNode t : keys.get("tensors")) {
            StringBuilder shape = new StringBuilder();
            t.get("shape")
                    .forEach(d -> shape.append(shape.length() == 0 ? "" : ", ").append(d.asLong()));
            want.add(t.get("name").asText() + " [" + shape + "] "
                    + t.get("dtype").asText());
        }
        List<String> got = new ArrayList<>();
        sd.forEach((k, v) -> got.add(k + " " + Arrays.toString(v.shape()) + " "
                + v.dataType().name().toLowerCase().replace("float", "float32")));
        assertEquals(want, got);
        assertEquals(keys.get("n_tensors").asInt(), sd.size());
        assertEquals(
                keys.get("n_values").asLong(),
                sd.values().stream().mapToLong(t -> t.value().length()).sum());
    }

    @Test
    void load_wrapperStateDict_netPrefixAndDeviceProxy(@TempDir Path dir) {
        Map<String, INDArray> wrapped = new LinkedHashMap<>();
        wrapped.put("device_proxy", Nd4j.zeros(1));
        arrays(PasstFixture.file("weights.safetensors")).forEach((k, v) -> wrapped.put("net." + k, v));
        Path f = dir.resolve("wrapper.safetensors");
        Safetensors.write(f, wrapped, null);
        try (TensorSource s = TensorFiles.open(f)) {
            assertEquals(PasstCheckpoint.Layout.WRAPPER, PasstCheckpoint.layout(s));
            assertSameStateDict(PasstFixture.model(), Passt.load(s, PasstFixture.config()));
        }
    }

    @Test
    void load_modelEntry_modelPrefix(@TempDir Path dir) {
        Map<String, INDArray> nested = new LinkedHashMap<>();
        arrays(PasstFixture.file("weights.safetensors")).forEach((k, v) -> nested.put("model." + k, v));
        Path f = dir.resolve("model-entry.safetensors");
        Safetensors.write(f, nested, null);
        try (TensorSource s = TensorFiles.open(f)) {
            assertEquals(PasstCheckpoint.Layout.MODEL_ENTRY, PasstCheckpoint.layout(s));
            assertSameStateDict(PasstFixture.model(), Passt.load(s, PasstFixture.config()));
        }
    }

    @Test
    void load_missingAndUnexpectedKeys_listsThemNamingTheFile(@TempDir Path dir) {
        Map<String, INDArray> m = arrays(PasstFixture.file("weights.safetensors"));
        m.remove("blocks.0.attn.qkv.bias");
        m.put("blocks.0.attn.extra", Nd4j.zeros(2));
        Path f = dir.resolve("broken.safetensors");
        Safetensors.write(f, m, null);
        StateDictMismatchException e =
                assertThrows(StateDictMismatchException.class, () -> Passt.load(f, PasstFixture.config()));
        assertEquals(List.of("blocks.0.attn.qkv.bias"), e.missing());
        assertEquals(List.of("blocks.0.attn.extra"), e.unexpected());
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void load_wrongClassCount_reportsShapeMismatchExpectedAndFound() {
        PasstConfig t = PasstFixture.config();
        PasstConfig wrong = new PasstConfig(
                t.embedDim(),
                t.depth(),
                t.numHeads(),
                t.mlpRatio(),
                t.numClasses() + 1,
                t.imgFreq(),
                t.imgTime(),
                t.patchSize(),
                t.strideFreq(),
                t.strideTime());
        Path f = PasstFixture.file("weights.pt");
        StateDictMismatchException e = assertThrows(StateDictMismatchException.class, () -> Passt.load(f, wrong));
        String want = "head.1.weight: expected [" + (t.numClasses() + 1) + ", " + t.embedDim() + "] found ["
                + t.numClasses() + ", " + t.embedDim() + "]";
        assertTrue(e.shapeMismatches().contains(want), e.getMessage());
        assertTrue(e.getMessage().contains("weights.pt"), e.getMessage());
    }

    @Test
    void load_wrongDepth_listsTheMissingOrExtraBlock() {
        PasstConfig t = PasstFixture.config();
        PasstConfig deeper = new PasstConfig(
                t.embedDim(),
                t.depth() + 1,
                t.numHeads(),
                t.mlpRatio(),
                t.numClasses(),
                t.imgFreq(),
                t.imgTime(),
                t.patchSize(),
                t.strideFreq(),
                t.strideTime());
        StateDictMismatchException e = assertThrows(
                StateDictMismatchException.class, () -> Passt.load(PasstFixture.file("weights.safetensors"), deeper));
        assertTrue(e.missing().contains("blocks." + t.depth() + ".attn.qkv.weight"), e.getMessage());
    }

    @Test
    void load_notAPasstFile_throwsCheckpointFormatNamingTheFile() {
        CheckpointFormatException e = assertThrows(
                CheckpointFormatException.class,
                () -> Passt.load(PasstFixture.file("io.safetensors"), PasstFixture.config()));
        assertTrue(
                e.getMessage().contains("io.safetensors") && e.getMessage().contains("not a PaSST checkpoint"),
                e.getMessage());
    }
}
