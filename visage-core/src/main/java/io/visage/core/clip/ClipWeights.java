package io.visage.core.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.nn.CheckpointFormatException;
import io.visage.nn.ConfigException;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorSource;
import io.visage.nn.module.LoadedParams;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Loads the CLIP image tower from a checkpoint, recognising its key layout:
 * <ul>
 *   <li>OpenAI full CLIP state dict ({@code visual.class_embedding}, ...; text tower ignored by an
 *       explicit list, {@link OpenAiClipKeys}), as safetensors or a {@code torch.save} zip;</li>
 *   <li>a standalone {@code VisionTransformer} state dict ({@code class_embedding}, ...);</li>
 *   <li>Hugging Face {@code CLIPModel} / {@code CLIPVisionModelWithProjection}
 *       ({@code vision_model.embeddings.class_embedding}, ...) via {@link HfClipKeys}.</li>
 * </ul>
 * Loading is strict: missing, unexpected or wrong-shape tensors fail together, naming the file.
 * Weights are converted to float32 (the released OpenAI file stores fp16 matrices).
 */
public final class ClipWeights {
    /** File names looked for, in order, when a folder is given. */
    public static final List<String> FILE_NAMES = List.of(
            "ViT-B-32.pt",
            "model.safetensors",
            "pytorch_model.bin",
            "clip.safetensors",
            "weights.safetensors",
            "weights.pt");

    /** The recognised key layouts. */
    public enum Layout {
        OPENAI_FULL,
        OPENAI_VISUAL,
        HUGGING_FACE
    }

    private ClipWeights() {}

    /** Which layout {@code source} uses. @throws CheckpointFormatException naming the file otherwise */
    public static Layout layout(TensorSource source) {
        if (source.contains("visual.class_embedding")) {
            return Layout.OPENAI_FULL;
        }
        if (source.contains("class_embedding")) {
            return Layout.OPENAI_VISUAL;
        }
        if (source.contains("vision_model.embeddings.class_embedding")) {
            return Layout.HUGGING_FACE;
        }
        throw new CheckpointFormatException(
                source.path(),
                "not a CLIP checkpoint: none of 'visual.class_embedding'"
                        + " (OpenAI CLIP), 'class_embedding' (vision tower) or 'vision_model.embeddings.class_embedding'"
                        + " (Hugging Face) found among its " + source.tensors().size() + " tensors");
    }

    /**
     * Builds the tower from an opened checkpoint.
     *
     * @throws io.visage.nn.StateDictMismatchException when names or shapes do not match {@code config}
     */
    public static ClipVisionTransformer load(TensorSource source, ClipVisionConfig config) {
        switch (layout(source)) {
            case HUGGING_FACE -> {
                HfClipParams p = new HfClipParams(
                        source, config, HfClipKeys.unusedByImageTower(OpenAiClipKeys.TEXT_LAYERS), DataType.FLOAT);
                ClipVisionTransformer t = ClipVisionTransformer.create(p, "", config);
                p.verify();
                return t;
            }
            case OPENAI_FULL -> {
                Set<String> unused = new HashSet<>(OpenAiClipKeys.unusedByImageTower(OpenAiClipKeys.TEXT_LAYERS));
                unused.addAll(OpenAiClipKeys.torchScriptOnlyAttributes(OpenAiClipKeys.TEXT_LAYERS));
                LoadedParams p = new LoadedParams(source, DataType.FLOAT, k -> k, unused);
                ClipVisionTransformer t = ClipVisionTransformer.create(p, OpenAiClipKeys.VISUAL_PREFIX, config);
                p.verify();
                return t;
            }
            default -> {
                LoadedParams p = new LoadedParams(source, DataType.FLOAT);
                ClipVisionTransformer t = ClipVisionTransformer.create(p, "", config);
                p.verify();
                return t;
            }
        }
    }

    /**
     * Loads from a file, or from a folder holding one of {@link #FILE_NAMES} and optionally a
     * {@code config.json} (a {@link ClipVisionConfig} object, or a Hugging Face CLIP config with
     * {@code vision_config}); without a config ViT-B/32 is assumed.
     */
    public static ClipVisionTransformer load(Path fileOrFolder) {
        Path file = fileOrFolder;
        ClipVisionConfig config = ClipVisionConfig.VIT_B_32;
        if (Files.isDirectory(fileOrFolder)) {
            file = FILE_NAMES.stream()
                    .map(fileOrFolder::resolve)
                    .filter(Files::isRegularFile)
                    .findFirst()
                    .orElseThrow(() -> new CheckpointFormatException(
                            fileOrFolder, "no CLIP checkpoint in this folder" + " (looked for " + FILE_NAMES + ")"));
            Path cfg = fileOrFolder.resolve("config.json");
            if (Files.isRegularFile(cfg)) {
                config = configFrom(cfg);
            }
        }
        try (TensorSource source = TensorFiles.open(file)) {
            return load(source, config);
        }
    }

    /** A {@link ClipVisionConfig} JSON or a Hugging Face CLIP {@code config.json}. */
    static ClipVisionConfig configFrom(Path cfg) {
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(cfg.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(cfg + ": cannot read: " + e.getMessage(), e);
        }
        if (n != null && n.has("vision_config")) {
            JsonNode v = n.get("vision_config");
            int width = v.path("hidden_size").asInt(768);
            return new ClipVisionConfig(
                    v.path("image_size").asInt(224),
                    v.path("patch_size").asInt(32),
                    width,
                    v.path("num_hidden_layers").asInt(12),
                    v.path("num_attention_heads").asInt(width / 64),
                    n.path("projection_dim").asInt(512));
        }
        if (n == null || !n.has("width")) {
            throw new ConfigException(cfg + ": neither a CLIP vision config (width, layers, ...) nor a Hugging Face"
                    + " CLIP config (vision_config)");
        }
        return ClipVisionConfig.fromJson(cfg);
    }
}
