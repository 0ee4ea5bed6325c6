package io.visage.eval.semantic;

import java.util.ArrayList;
import java.util.List;

/**
 * A feature extractor of the semantic evaluation: VGGish embeddings for FAD (128-d per 0.96 s) or
 * PaSST logits for KLD (527 classes per clip). Implementations are immutable and thread-safe.
 */
public interface EmbeddingModel {
    /** A short name for reports, e.g. {@code "vggish"}. */
    String name();

    /** The sample rate {@link #embed} expects. */
    int sampleRateHz();

    /** Width of one embedding row. */
    int dimension();

    /**
     * Embeds one mono clip.
     *
     * @param mono [N] samples at {@link #sampleRateHz()}
     * @return [frames][dimension()]
     */
    float[][] embed(float[] mono);

    /**
     * Embeds several clips; implementations batch them through the network where that is faster. The
     * default embeds one clip after the other.
     *
     * @param clips mono clips at {@link #sampleRateHz()}
     * @return one {@code [frames][dimension()]} array per clip, in order
     */
    default List<float[][]> embedAll(List<float[]> clips) {
        List<float[][]> out = new ArrayList<>(clips.size());
        for (float[] c : clips) {
            out.add(embed(c));
        }
        return out;
    }
}
