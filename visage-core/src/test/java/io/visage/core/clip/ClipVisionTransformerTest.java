package io.visage.core.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.nn.CheckpointFormatException;
import io.visage.nn.ShapeMismatchException;
import io.visage.nn.StateDictMismatchException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.io.Safetensors;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorSource;
import io.visage.nn.module.RandomParams;
import io.visage.nn.testing.Fixtures;
import io.visage.nn.testing.TensorAssert;
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
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClipVisionTransformerTest {
    private static final Ops OPS = Ops.inference();

    private static ClipVisionConfig tinyConfig() {
        return ClipVisionConfig.fromJson(Fixtures.file("clip-tiny", "config.json"));
    }

    private static void assertReproducesFixture(ClipVisionTransformer clip) {
        try (TensorSource io = TensorFiles.open(Fixtures.file("clip-tiny", "io.safetensors"))) {
            Tensor images = Tensor.constant(io.load("images"));
            TensorAssert.assertClose(
                    "tokens_ln_pre",
                    io.load("tokens_ln_pre"),
                    clip.embed(OPS, images).value(),
                    1e-4,
                    1e-4);
            ClipVisionOutput out = clip.forward(OPS, images);
            TensorAssert.assertClose("tokens", io.load("tokens"), out.tokens().value(), 1e-4, 1e-4);
            TensorAssert.assertClose("pooled", io.load("pooled"), out.pooled().value(), 1e-4, 1e-5);
        }
    }

    @Test
    void forward_safetensorsWeights_reproducesReference() {
        assertReproducesFixture(ClipWeights.load(
                Fixtures.file("clip-tiny", "weights.safetensors").getParent()));
    }

    @Test
    void forward_torchZipWeights_reproducesReference() {
        try (TensorSource w = TensorFiles.open(Fixtures.file("clip-tiny", "weights.pt"))) {
            assertEquals(ClipWeights.Layout.OPENAI_VISUAL, ClipWeights.layout(w));
            assertReproducesFixture(ClipWeights.load(w, tinyConfig()));
        }
    }

    /** The fixture's state dict as it sits inside a full OpenAI CLIP file: "visual." + text tower. */
    @Test
    void load_openAiFullLayout_prefixAndIgnoredTextTower(@TempDir Path dir) {
        Map<String, INDArray> full = new LinkedHashMap<>();
        for (String k : OpenAiClipKeys.unusedByImageTower(OpenAiClipKeys.TEXT_LAYERS)) {
            full.put(k, Nd4j.zeros(1));
        }
        try (TensorSource w = TensorFiles.open(Fixtures.file("clip-tiny", "weights.safetensors"))) {
            for (var t : w.tensors()) {
                full.put("visual." + t.name(), w.load(t.name()));
            }
        }
        Path f = dir.resolve("full.safetensors");
        Safetensors.write(f, full, null);
        try (TensorSource s = TensorFiles.open(f)) {
            assertEquals(ClipWeights.Layout.OPENAI_FULL, ClipWeights.layout(s));
            assertReproducesFixture(ClipWeights.load(s, tinyConfig()));
        }
    }

    /** Writes the fixture weights under Hugging Face names (q/k/v split, proj transposed) by hand. */
    private static Map<String, INDArray> asHuggingFace(TensorSource w, ClipVisionConfig c) {
        Map<String, INDArray> hf = new LinkedHashMap<>();
        String v = "vision_model.";
        hf.put(v + "embeddings.class_embedding", w.load("class_embedding"));
        hf.put(v + "embeddings.patch_embedding.weight", w.load("conv1.weight"));
        hf.put(v + "embeddings.position_embedding.weight", w.load("positional_embedding"));
        hf.put(v + "pre_layrnorm.weight", w.load("ln_pre.weight"));
        hf.put(v + "pre_layrnorm.bias", w.load("ln_pre.bias"));
        long d = c.width();
        for (int i = 0; i < c.layers(); i++) {
            String o = "transformer.resblocks." + i + ".";
            String h = v + "encoder.layers." + i + ".";
            INDArray inW = w.load(o + "attn.in_proj_weight");
            INDArray inB = w.load(o + "attn.in_proj_bias");
            String[] names = {"q_proj", "k_proj", "v_proj"};
            for (int j = 0; j < 3; j++) {
                hf.put(
                        h + "self_attn." + names[j] + ".weight",
                        inW.get(NDArrayIndex.interval(j * d, (j + 1) * d), NDArrayIndex.all())
                                .dup());
                hf.put(
                        h + "self_attn." + names[j] + ".bias",
                        inB.get(NDArrayIndex.interval(j * d, (j + 1) * d)).dup());
            }
            hf.put(h + "self_attn.out_proj.weight", w.load(o + "attn.out_proj.weight"));
            hf.put(h + "self_attn.out_proj.bias", w.load(o + "attn.out_proj.bias"));
            hf.put(h + "layer_norm1.weight", w.load(o + "ln_1.weight"));
            hf.put(h + "layer_norm1.bias", w.load(o + "ln_1.bias"));
            hf.put(h + "mlp.fc1.weight", w.load(o + "mlp.c_fc.weight"));
            hf.put(h + "mlp.fc1.bias", w.load(o + "mlp.c_fc.bias"));
            hf.put(h + "mlp.fc2.weight", w.load(o + "mlp.c_proj.weight"));
            hf.put(h + "mlp.fc2.bias", w.load(o + "mlp.c_proj.bias"));
            hf.put(h + "layer_norm2.weight", w.load(o + "ln_2.weight"));
            hf.put(h + "layer_norm2.bias", w.load(o + "ln_2.bias"));
        }
        hf.put(v + "post_layernorm.weight", w.load("ln_post.weight"));
        hf.put(v + "post_layernorm.bias", w.load("ln_post.bias"));
        hf.put("visual_projection.weight", w.load("proj").transpose().dup('c'));
        hf.put("logit_scale", Nd4j.scalar(2.0f));
        return hf;
    }

    @Test
    void load_huggingFaceNames_reproducesReference(@TempDir Path dir) {
        ClipVisionConfig c = tinyConfig();
        Path f = dir.resolve("model.safetensors");
        try (TensorSource w = TensorFiles.open(Fixtures.file("clip-tiny", "weights.safetensors"))) {
            Safetensors.write(f, asHuggingFace(w, c), null);
        }
        try (TensorSource s = TensorFiles.open(f)) {
            assertEquals(ClipWeights.Layout.HUGGING_FACE, ClipWeights.layout(s));
            assertReproducesFixture(ClipWeights.load(s, c));
        }
    }

    @Test
    void load_huggingFaceMissingAndExtraKeys_listsThemByName(@TempDir Path dir) {
        ClipVisionConfig c = tinyConfig();
        Path f = dir.resolve("model.safetensors");
        try (TensorSource w = TensorFiles.open(Fixtures.file("clip-tiny", "weights.safetensors"))) {
            Map<String, INDArray> hf = asHuggingFace(w, c);
            hf.remove("vision_model.encoder.layers.0.self_attn.k_proj.weight");
            hf.put("vision_model.extra", Nd4j.zeros(2));
            Safetensors.write(f, hf, null);
        }
        try (TensorSource s = TensorFiles.open(f)) {
            StateDictMismatchException e = assertThrows(StateDictMismatchException.class, () -> ClipWeights.load(s, c));
            assertEquals(List.of("vision_model.encoder.layers.0.self_attn.k_proj.weight"), e.missing());
            assertEquals(List.of("vision_model.extra"), e.unexpected());
            assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        }
    }

    @Test
    void load_wrongWidth_reportsShapeMismatchWithKey() {
        ClipVisionConfig t = tinyConfig();
        ClipVisionConfig wrong = new ClipVisionConfig(
                t.inputResolution(), t.patchSize(), t.width() * 2, t.layers(), t.heads(), t.outputDim());
        try (TensorSource w = TensorFiles.open(Fixtures.file("clip-tiny", "weights.safetensors"))) {
            StateDictMismatchException e =
                    assertThrows(StateDictMismatchException.class, () -> ClipWeights.load(w, wrong));
            assertTrue(
                    e.shapeMismatches().stream()
                            .anyMatch(s -> s.startsWith("class_embedding: expected [" + wrong.width())),
                    e.getMessage());
        }
    }

    @Test
    void load_notClip_throwsNamingFile() {
        try (TensorSource s = TensorFiles.open(Fixtures.file("clip-tiny", "io.safetensors"))) {
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> ClipWeights.layout(s));
            assertTrue(
                    e.getMessage().contains("io.safetensors") && e.getMessage().contains("not a CLIP checkpoint"),
                    e.getMessage());
        }
    }

    @Test
    void forward_wrongImageSize_throwsWithShapes() {
        ClipVisionTransformer clip = ClipWeights.load(
                Fixtures.file("clip-tiny", "weights.safetensors").getParent());
        int r = clip.config().inputResolution();
        ShapeMismatchException e = assertThrows(
                ShapeMismatchException.class, () -> clip.forward(OPS, Tensor.constant(Nd4j.zeros(1, 3, r + 1, r))));
        assertTrue(
                e.getMessage().contains("[B, 3, " + r + ", " + r + "]")
                        && e.getMessage().contains("[1, 3, " + (r + 1)),
                e.getMessage());
    }

    @Test
    void forward_batchOfFrames_equalsFramesAlone() {
        ClipVisionTransformer clip = ClipWeights.load(
                Fixtures.file("clip-tiny", "weights.safetensors").getParent());
        try (TensorSource io = TensorFiles.open(Fixtures.file("clip-tiny", "io.safetensors"))) {
            INDArray images = io.load("images");
            INDArray pooled =
                    clip.forward(OPS, Tensor.constant(images)).pooled().value();
            for (int b = 0; b < images.size(0); b++) {
                INDArray one = images.get(NDArrayIndex.interval(b, b + 1)).dup();
                INDArray alone =
                        clip.forward(OPS, Tensor.constant(one)).pooled().value();
                TensorAssert.assertClose(
                        "item " + b, pooled.get(NDArrayIndex.interval(b, b + 1)).dup(), alone, 1e-5, 1e-6);
            }
        }
    }

    @Test
    void fullSizeTree_namesAndShapesEqualOpenAiVisualKeys() throws IOException {
        JsonNode keys = new ObjectMapper()
                .readTree(Fixtures.file("keys", "clip-vitb32-keys.json").toFile());
        JsonNode ctor = keys.get("constructor");
        int width = ctor.get("vision_width").asInt();
        ClipVisionConfig c = new ClipVisionConfig(
                ctor.get("image_resolution").asInt(),
                ctor.get("vision_patch_size").asInt(),
                width,
                ctor.get("vision_layers").asInt(),
                ctor.has("vision_heads") ? ctor.get("vision_heads").asInt() : width / 64,
                ctor.get("embed_dim").asInt());
        assertEquals(ClipVisionConfig.VIT_B_32, c, "ViSAGe's constant equals the reference constructor");
        List<String> expected = new ArrayList<>();
        List<String> other = new ArrayList<>();
        for (JsonNode t : keys.get("tensors")) {
            String name = t.get("name").asText();
            StringBuilder shape = new StringBuilder();
            t.get("shape").forEach(s -> shape.append(s.asLong()).append(','));
            if (name.startsWith("visual.")) {
                expected.add(name + shape);
            } else {
                other.add(name);
            }
        }
        List<String> actual = new ArrayList<>();
        try (RandomParams p = new RandomParams(1)) {
            ClipVisionTransformer clip = ClipVisionTransformer.create(p, OpenAiClipKeys.VISUAL_PREFIX, c);
            clip.stateDict().forEach((k, v) -> {
                StringBuilder shape = new StringBuilder();
                Arrays.stream(v.shape()).forEach(s -> shape.append(s).append(','));
                actual.add(OpenAiClipKeys.VISUAL_PREFIX + "." + k + shape);
            });
        }
        assertEquals(expected, actual, "state-dict order, names and shapes");
        List<String> ignoredSorted = new ArrayList<>(
                OpenAiClipKeys.unusedByImageTower(ctor.get("transformer_layers").asInt()));
        ignoredSorted.removeAll(List.of("input_resolution", "context_length", "vocab_size"));
        ignoredSorted.sort(null);
        other.sort(null);
        assertEquals(other, ignoredSorted, "the explicit text-tower ignore list covers exactly the non-visual keys");
    }
}
