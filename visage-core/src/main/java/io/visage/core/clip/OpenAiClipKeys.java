package io.visage.core.clip;

import java.util.ArrayList;
import java.util.List;

/**
 * Names in OpenAI's CLIP state dict ({@code clip.model.CLIP}) that the image tower does not use:
 * the text tower and the scalar entries of the released file, listed explicitly (no patterns).
 */
public final class OpenAiClipKeys {
    /** Prefix of the image tower inside a full CLIP state dict. */
    public static final String VISUAL_PREFIX = "visual";
    /** Text-tower depth of every released OpenAI CLIP (ViT-B/32 included). */
    public static final int TEXT_LAYERS = 12;

    private OpenAiClipKeys() {}

    /**
     * Text-tower and metadata keys of a full OpenAI CLIP state dict.
     *
     * @param textLayers number of text transformer blocks
     */
    public static List<String> unusedByImageTower(int textLayers) {
        List<String> k = new ArrayList<>(List.of(
                "positional_embedding",
                "text_projection",
                "logit_scale",
                "token_embedding.weight",
                "ln_final.weight",
                "ln_final.bias",
                "input_resolution",
                "context_length",
                "vocab_size"));
        for (int i = 0; i < textLayers; i++) {
            String b = "transformer.resblocks." + i + ".";
            for (String leaf : List.of(
                    "attn.in_proj_weight",
                    "attn.in_proj_bias",
                    "attn.out_proj.weight",
                    "attn.out_proj.bias",
                    "ln_1.weight",
                    "ln_1.bias",
                    "mlp.c_fc.weight",
                    "mlp.c_fc.bias",
                    "mlp.c_proj.weight",
                    "mlp.c_proj.bias",
                    "ln_2.weight",
                    "ln_2.bias")) {
                k.add(b + leaf);
            }
        }
        return k;
    }

    /**
     * Tensor attributes of the TorchScript archive ({@code ViT-B-32.pt}) that are not in
     * {@code state_dict()}: the causal mask each text block holds as a plain attribute.
     */
    public static List<String> torchScriptOnlyAttributes(int textLayers) {
        List<String> k = new ArrayList<>();
        for (int i = 0; i < textLayers; i++) {
            k.add("transformer.resblocks." + i + ".attn_mask");
        }
        return k;
    }
}
