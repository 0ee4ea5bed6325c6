package io.visage.nn.layers;

import io.visage.nn.ConfigException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;

/** Activation functions by their Hugging Face / CLIP names. */
public enum Activation {
    /** {@code "gelu"}: exact erf GELU (BART default, {@code nn.GELU()}). */
    GELU_EXACT("gelu"),
    /** CLIP's QuickGELU x·σ(1.702x). */
    QUICK_GELU("quick_gelu"),
    RELU("relu"),
    TANH("tanh");

    private final String configName;

    Activation(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public Tensor apply(Ops ops, Tensor x) {
        return switch (this) {
            case GELU_EXACT -> ops.geluExact(x);
            case QUICK_GELU -> ops.quickGelu(x);
            case RELU -> ops.relu(x);
            case TANH -> ops.tanh(x);
        };
    }

    /** Parses a config value such as {@code "gelu"}; unknown names are rejected with the list of known ones. */
    public static Activation fromConfig(String name) {
        for (Activation a : values()) {
            if (a.configName.equals(name)) {
                return a;
            }
        }
        throw new ConfigException(
                "activation_function \"" + name + "\" is not supported; known: gelu, quick_gelu, relu, tanh");
    }
}
