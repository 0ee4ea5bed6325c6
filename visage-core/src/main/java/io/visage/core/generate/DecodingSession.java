package io.visage.core.generate;

import io.visage.core.model.VisageConfig;
import io.visage.nn.ShapeMismatchException;
import io.visage.nn.kernel.MatVec;
import io.visage.nn.kernel.RowKernels;
import io.visage.nn.transformer.IncrementalDecoder;
import java.util.Arrays;

/**
 * One KV-cached decoding run: B clips × G guidance branches as R = G·B rows of a single
 * {@link IncrementalDecoder} state (row {@code g·B + b} is branch g of clip b). Each
 * {@link #step} embeds the previous row of codes of each clip once (sum of the K code embeddings
 * in codebook order, or {@code bos} at step 0, plus position row {@code s + 2}, then
 * {@code layernorm_embedding}), gives it to every branch and runs all decoder layers; heads are
 * then evaluated on demand for the live codebooks only.
 *
 * <p>Not thread-safe; one per generation. Obtain from {@link Generator#start}.
 */
public final class DecodingSession {
    private final DecodingWeights weights;
    private final IncrementalDecoder decoder;
    private final IncrementalDecoder.State state;
    private final MatVec matVec;
    private final Guidance guidance;
    private final int batch;
    private final int rows;
    private final int dModel;
    private final int vocab;
    private final int codebooks;
    private final float[] hidden;
    private final float[] embedded;
    private final float[] headOut;
    private int steps;

    DecodingSession(
            DecodingWeights weights,
            IncrementalDecoder decoder,
            IncrementalDecoder.State state,
            MatVec matVec,
            Guidance guidance,
            int batch) {
        this.weights = weights;
        this.decoder = decoder;
        this.state = state;
        this.matVec = matVec;
        this.guidance = guidance;
        this.batch = batch;
        this.rows = state.batch();
        this.dModel = weights.dModel();
        this.vocab = weights.vocab();
        this.codebooks = weights.codebooks();
        this.hidden = new float[rows * dModel];
        this.embedded = new float[batch * dModel];
        this.headOut = new float[rows * vocab];
    }

    /** Clips B. */
    public int batch() {
        return batch;
    }

    /** Decoder rows R = branches · B. */
    public int rows() {
        return rows;
    }

    public Guidance guidance() {
        return guidance;
    }

    /** Steps taken so far (the position of the next step). */
    public int position() {
        return steps;
    }

    /** Remaining positions of the cache. */
    public int remaining() {
        return state.capacity() - state.length();
    }

    /**
     * Runs one decoder step.
     *
     * @param previous the codes produced by the previous step for each clip, [B, K] row-major
     *                 (pad ids where a codebook was not predicted), or null at step 0 (bos)
     * @return the last layer's hidden state of every row, [R, D] (a live view, overwritten by the
     *         next step)
     */
    public float[] step(long[] previous) {
        if ((previous == null) != (steps == 0)) {
            throw new IllegalArgumentException(
                    steps == 0
                            ? "step 0 feeds the bos: previous must be null"
                            : "step " + steps + " needs the previous row of codes, got null");
        }
        if (previous != null && previous.length != batch * codebooks) {
            throw new ShapeMismatchException("previous row must be [" + batch + ", " + codebooks + "] = "
                    + batch * codebooks + " ids, got " + previous.length);
        }
        Arrays.fill(embedded, 0f);
        for (int b = 0; b < batch; b++) {
            int off = b * dModel;
            if (previous == null) {
                System.arraycopy(weights.bos(), 0, embedded, off, dModel);
            } else {
                for (int j = 0; j < codebooks; j++) {
                    weights.codeTables().get(j).addTo(previous[b * codebooks + j], embedded, off);
                }
            }
            weights.positions().addTo(steps + VisageConfig.DECODER_POSITION_OFFSET, embedded, off);
        }
        RowKernels.layerNorm(embedded, 0, embedded, 0, batch, weights.embeddingNorm());
        for (int g = 0; g < rows / batch; g++) {
            System.arraycopy(embedded, 0, hidden, g * batch * dModel, batch * dModel);
        }
        decoder.step(state, hidden);
        steps++;
        return hidden;
    }

    /**
     * Logits of head {@code j} for every row at the current step.
     *
     * @return [R, V] (a live view, overwritten by the next call)
     */
    public float[] headLogits(int head) {
        if (steps == 0) {
            throw new IllegalStateException("no decoder step has run yet");
        }
        matVec.multiply(weights.heads().get(head), hidden, 0, headOut, 0, rows);
        return headOut;
    }

    /**
     * Guided logits of head {@code j} for every clip at the current step.
     *
     * @return [B, V] (new array)
     */
    public float[] guidedLogits(int head) {
        float[] all = headLogits(head);
        int g = rows / batch;
        float[] out = new float[batch * vocab];
        float[] l = new float[g];
        for (int b = 0; b < batch; b++) {
            for (int v = 0; v < vocab; v++) {
                for (int k = 0; k < g; k++) {
                    l[k] = all[(k * batch + b) * vocab + v];
                }
                out[b * vocab + v] = guidance.combine(l);
            }
        }
        return out;
    }

    /** Bytes of weights one step streams for {@code liveHeads} heads (decoder layers plus heads). */
    public long weightBytesPerStep(int liveHeads) {
        return decoder.weightBytesPerStep() + weights.headBytes(liveHeads);
    }
}
