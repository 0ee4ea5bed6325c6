package io.visage.core.clip;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The explicit table from OpenAI image-tower keys to Hugging Face {@code transformers} CLIP keys
 * ({@code CLIPModel} / {@code CLIPVisionModelWithProjection}, e.g. {@code openai/clip-vit-base-patch32}).
 *
 * <p>Differences: HF splits the packed attention projection into {@code q_proj, k_proj, v_proj}
 * (concatenated here in that order, rows q, k, v); the projection is a bias-free Linear
 * {@code visual_projection.weight} [O, D], the transpose of OpenAI's {@code proj} [D, O]; the
 * positional embedding is an {@code nn.Embedding}; {@code ln_pre} is spelt {@code pre_layrnorm}.
 */
public final class HfClipKeys {
    /** How one OpenAI key is assembled from HF tensors. */
    public sealed interface Recipe permits Rename, ConcatRows, Transpose {
        /** The HF keys this recipe reads. */
        List<String> sources();
    }

    /** The same tensor under another name. */
    public record Rename(String key) implements Recipe {
        @Override
        public List<String> sources() {
            return List.of(key);
        }
    }

    /** Row-wise concatenation (q, k, v into a packed in-projection). */
    public record ConcatRows(List<String> keys) implements Recipe {
        @Override
        public List<String> sources() {
            return keys;
        }
    }

    /** The 2-D transpose of a tensor. */
    public record Transpose(String key) implements Recipe {
        @Override
        public List<String> sources() {
            return List.of(key);
        }
    }

    private static final String V = "vision_model.";

    private HfClipKeys() {}

    /** OpenAI standalone image-tower key → recipe over HF keys, in OpenAI state-dict order. */
    public static Map<String, Recipe> table(ClipVisionConfig c) {
        Map<String, Recipe> t = new LinkedHashMap<>();
        t.put("class_embedding", new Rename(V + "embeddings.class_embedding"));
        t.put("positional_embedding", new Rename(V + "embeddings.position_embedding.weight"));
        t.put("proj", new Transpose("visual_projection.weight"));
        t.put("conv1.weight", new Rename(V + "embeddings.patch_embedding.weight"));
        t.put("ln_pre.weight", new Rename(V + "pre_layrnorm.weight"));
        t.put("ln_pre.bias", new Rename(V + "pre_layrnorm.bias"));
        for (int i = 0; i < c.layers(); i++) {
            String o = "transformer.resblocks." + i + ".";
            String h = V + "encoder.layers." + i + ".";
            for (String wb : List.of("weight", "bias")) {
                t.put(
                        o + "attn.in_proj_" + wb,
                        new ConcatRows(List.of(
                                h + "self_attn.q_proj." + wb,
                                h + "self_attn.k_proj." + wb,
                                h + "self_attn.v_proj." + wb)));
            }
            for (String wb : List.of("weight", "bias")) {
                t.put(o + "attn.out_proj." + wb, new Rename(h + "self_attn.out_proj." + wb));
            }
            for (String wb : List.of("weight", "bias")) {
                t.put(o + "ln_1." + wb, new Rename(h + "layer_norm1." + wb));
            }
            for (String wb : List.of("weight", "bias")) {
                t.put(o + "mlp.c_fc." + wb, new Rename(h + "mlp.fc1." + wb));
            }
            for (String wb : List.of("weight", "bias")) {
                t.put(o + "mlp.c_proj." + wb, new Rename(h + "mlp.fc2." + wb));
            }
            for (String wb : List.of("weight", "bias")) {
                t.put(o + "ln_2." + wb, new Rename(h + "layer_norm2." + wb));
            }
        }
        t.put("ln_post.weight", new Rename(V + "post_layernorm.weight"));
        t.put("ln_post.bias", new Rename(V + "post_layernorm.bias"));
        return t;
    }

    /**
     * HF keys a checkpoint may hold that the image tower does not use: the text tower of a
     * {@code CLIPModel}, {@code logit_scale}, and the {@code position_ids} buffers older
     * conversions saved.
     *
     * @param textLayers text transformer depth (12 for the released CLIPs)
     */
    public static List<String> unusedByImageTower(int textLayers) {
        List<String> k = new ArrayList<>(List.of(
                V + "embeddings.position_ids",
                "text_model.embeddings.position_ids",
                "text_model.embeddings.token_embedding.weight",
                "text_model.embeddings.position_embedding.weight",
                "text_model.final_layer_norm.weight",
                "text_model.final_layer_norm.bias",
                "text_projection.weight",
                "logit_scale"));
        for (int i = 0; i < textLayers; i++) {
            String h = "text_model.encoder.layers." + i + ".";
            for (String m : List.of(
                    "self_attn.k_proj",
                    "self_attn.v_proj",
                    "self_attn.q_proj",
                    "self_attn.out_proj",
                    "layer_norm1",
                    "mlp.fc1",
                    "mlp.fc2",
                    "layer_norm2")) {
                k.add(h + m + ".weight");
                k.add(h + m + ".bias");
            }
        }
        return k;
    }
}
