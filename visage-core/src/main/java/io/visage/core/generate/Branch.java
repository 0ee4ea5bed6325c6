package io.visage.core.generate;

/**
 * One guidance branch: which conditions the encoder sees as given and which as the learned null
 * embeddings ({@code null_embedding} for CLIP, {@code energy_null_embedding} for the energy map —
 * these two always travel together — and {@code dir_null_embedding} for the direction).
 */
public enum Branch {
    /** Everything given: the conditional ("cond" / "full") stream. */
    FULL(true, true),
    /** Video given, direction null ("semantic"). */
    SEMANTIC(true, false),
    /** Video null, direction given ("spatial"). */
    SPATIAL(false, true),
    /** Everything null ("uncond"). */
    UNCOND(false, false);

    private final boolean video;
    private final boolean direction;

    Branch(boolean video, boolean direction) {
        this.video = video;
        this.direction = direction;
    }

    /** True when CLIP features and energy maps are the real ones. */
    public boolean videoGiven() {
        return video;
    }

    /** True when the direction is the real one. */
    public boolean directionGiven() {
        return direction;
    }
}
