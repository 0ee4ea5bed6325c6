package io.visage.audio.foa;

import java.util.List;

/** The order of the four FOA channels in a signal or file. */
public enum ChannelOrder {
    /** Ambisonic Channel Number order (ambiX): W, Y, Z, X. */
    ACN(List.of(Component.W, Component.Y, Component.Z, Component.X)),
    /** Furse-Malham order: W, X, Y, Z. */
    FUMA(List.of(Component.W, Component.X, Component.Y, Component.Z));

    private final List<Component> components;

    ChannelOrder(List<Component> components) {
        this.components = components;
    }

    /** The components in channel order. */
    public List<Component> components() {
        return components;
    }

    /** The channel index holding {@code c}. */
    public int indexOf(Component c) {
        return components.indexOf(c);
    }
}
