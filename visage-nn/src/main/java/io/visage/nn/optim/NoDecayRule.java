package io.visage.nn.optim;

import java.util.List;

/**
 * Which parameters get weight decay. The reference (Hugging Face training scripts, ViSAGe
 * {@code train_*.py}) exempts every name containing {@code "bias"}, {@code "LayerNorm.weight"} or
 * {@code "layer_norm.weight"}; note that {@code layernorm_embedding.weight}, embeddings, bos/eos
 * and null vectors therefore DO get decay.
 */
public record NoDecayRule(List<String> substrings) {
    /** The reference rule. */
    public static final NoDecayRule REFERENCE =
            new NoDecayRule(List.of("bias", "LayerNorm.weight", "layer_norm.weight"));

    public NoDecayRule {
        substrings = List.copyOf(substrings);
    }

    /** True when the parameter named {@code key} gets weight decay. */
    public boolean decays(String key) {
        for (String s : substrings) {
            if (key.contains(s)) {
                return false;
            }
        }
        return true;
    }
}
