package io.visage.nn.transformer;

import io.visage.nn.Checks;
import io.visage.nn.ShapeMismatchException;
import io.visage.nn.kernel.AttentionKernel;
import io.visage.nn.kernel.DenseWeights;
import io.visage.nn.kernel.KvLayout;
import io.visage.nn.kernel.MatVec;
import io.visage.nn.kernel.NormWeights;
import io.visage.nn.kernel.RowKernels;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The fast path for autoregressive decoding with a stack of {@link BartDecoderLayer}s: one new
 * position for each of a few batch rows per {@link #step}, weights read in place from the layers'
 * ND4J arrays ({@link DecoderLayerWeights}, resolved once) by a {@link MatVec} kernel (each weight streamed once for all rows), keys/values in a
 * preallocated {@code float[]} cache ({@link State}), no allocation per step.
 *
 * <p>Numerically the same computation as {@link BartDecoderLayer#forwardCached} in inference mode
 * (tests compare the two); that general path stays the reference and the training path.
 */
public final class IncrementalDecoder {
    private final List<DecoderLayerWeights> layers;
    private final MatVec matVec;
    private final AttentionKernel attention;
    private final int dModel;
    private final int heads;
    private final int ffn;

    /**
     * @param layers    the decoder layers' weights, in order ({@link DecoderLayerWeights#of(List)})
     * @param matVec    the dense kernel (see {@code MatVecs.best})
     * @param attention the single-query attention kernel
     */
    public IncrementalDecoder(List<DecoderLayerWeights> layers, MatVec matVec, AttentionKernel attention) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("IncrementalDecoder needs at least one layer");
        }
        DecoderLayerWeights first = layers.get(0);
        for (int i = 0; i < layers.size(); i++) {
            DecoderLayerWeights l = layers.get(i);
            if (l.dModel() != first.dModel() || l.heads() != first.heads() || l.ffnDim() != first.ffnDim()) {
                throw new ShapeMismatchException("IncrementalDecoder: layer " + i + " has d_model " + l.dModel()
                        + ", " + l.heads() + " heads, ffn " + l.ffnDim() + " but layer 0 has " + first.dModel()
                        + ", " + first.heads() + ", " + first.ffnDim() + "; all layers must share one shape");
            }
        }
        this.layers = List.copyOf(layers);
        this.matVec = matVec;
        this.attention = attention;
        this.dModel = first.dModel();
        this.heads = first.heads();
        this.ffn = first.ffnDim();
    }

    public int dModel() {
        return dModel;
    }

    public int layerCount() {
        return layers.size();
    }

    /**
     * A fresh cache for {@code batch} rows and up to {@code capacity} positions, with the
     * cross-attention keys/values of {@code encoder} projected once.
     *
     * @param encoder encoder states [batch, S, D] (float32)
     */
    public State newState(int batch, int capacity, INDArray encoder) {
        Checks.shape("IncrementalDecoder.newState", "encoder states", encoder, batch, Checks.ANY, dModel);
        int s = (int) encoder.size(1);
        State st = new State(batch, capacity, s);
        INDArray flat = encoder.castTo(DataType.FLOAT).reshape('c', (long) batch * s, dModel);
        for (int l = 0; l < layers.size(); l++) {
            float[] k = project(flat, layers.get(l).crossK());
            float[] v = project(flat, layers.get(l).crossV());
            for (int t = 0; t < s; t++) {
                st.crossLayout.write(st.crossKeys[l], t, k, t * dModel, s * dModel);
                st.crossLayout.write(st.crossValues[l], t, v, t * dModel, s * dModel);
            }
        }
        return st;
    }

    /** x2 · Wᵀ + b for all encoder rows at once (one GEMM per generation and layer). */
    private static float[] project(INDArray x2, DenseWeights lin) {
        INDArray y = Nd4j.gemm(x2, lin.weight(), false, true);
        if (lin.bias() != null) {
            y.addiRowVector(lin.bias());
        }
        return y.dup('c').data().asFloat();
    }

    /**
     * Runs every layer on one new position per row, in place.
     *
     * @param hidden [batch, D]: the embedded input row (after positions and the embedding
     *               LayerNorm) on entry, the last layer's output on return
     */
    public void step(State st, float[] hidden) {
        if (hidden.length < st.batch * dModel) {
            throw new ShapeMismatchException("IncrementalDecoder.step: hidden needs " + st.batch * dModel + " floats (["
                    + st.batch + ", " + dModel + "]), has " + hidden.length);
        }
        if (st.length >= st.capacity) {
            throw new IllegalStateException("decoder cache full: capacity " + st.capacity + " positions");
        }
        int b = st.batch;
        int pos = st.length;
        for (int l = 0; l < layers.size(); l++) {
            DecoderLayerWeights w = layers.get(l);
            // causal self-attention over positions 0..pos
            matVec.multiply(w.selfQ(), hidden, 0, st.q, 0, b);
            scale(st.q, b * dModel, w.scaling());
            matVec.multiply(w.selfK(), hidden, 0, st.k, 0, b);
            matVec.multiply(w.selfV(), hidden, 0, st.v, 0, b);
            st.selfLayout.write(st.selfKeys[l], pos, st.k, 0, dModel);
            st.selfLayout.write(st.selfValues[l], pos, st.v, 0, dModel);
            attention.attend(st.q, 0, st.selfKeys[l], st.selfValues[l], st.selfLayout, pos + 1, st.ctx, 0);
            residualNorm(w.selfOut(), st.ctx, hidden, w.selfNorm(), st, b);
            // cross-attention over the encoder states
            matVec.multiply(w.crossQ(), hidden, 0, st.q, 0, b);
            scale(st.q, b * dModel, w.scaling());
            attention.attend(st.q, 0, st.crossKeys[l], st.crossValues[l], st.crossLayout, st.sourceLength, st.ctx, 0);
            residualNorm(w.crossOut(), st.ctx, hidden, w.crossNorm(), st, b);
            // feed-forward
            matVec.multiply(w.fc1(), hidden, 0, st.ffn, 0, b);
            RowKernels.gelu(st.ffn, 0, st.ffn, 0, b * ffn);
            residualNorm(w.fc2(), st.ffn, hidden, w.finalNorm(), st, b);
        }
        st.length++;
    }

    /** hidden = LN(hidden + proj(x)). */
    private void residualNorm(DenseWeights proj, float[] x, float[] hidden, NormWeights ln, State st, int batch) {
        matVec.multiply(proj, x, 0, st.tmp, 0, batch);
        RowKernels.add(hidden, 0, st.tmp, 0, batch * dModel);
        RowKernels.layerNorm(hidden, 0, hidden, 0, batch, ln);
    }

    private static void scale(float[] a, int n, float s) {
        for (int i = 0; i < n; i++) {
            a[i] *= s;
        }
    }

    /** Bytes of decoder weights one step reads (every layer's matrices, biases and LayerNorms; not the cross K/V). */
    public long weightBytesPerStep() {
        long n = 0;
        for (DecoderLayerWeights l : layers) {
            n += l.bytesPerStep();
        }
        return n;
    }

    /**
     * Decoding state of one generation: the key/value caches of every layer and scratch rows. Owned
     * by the caller; one per generation (guidance branches are batch rows).
     */
    public final class State {
        private final int batch;
        private final int capacity;
        private final int sourceLength;
        private final KvLayout selfLayout;
        private final KvLayout crossLayout;
        private final float[][] selfKeys;
        private final float[][] selfValues;
        private final float[][] crossKeys;
        private final float[][] crossValues;
        private final float[] q;
        private final float[] k;
        private final float[] v;
        private final float[] ctx;
        private final float[] tmp;
        private final float[] ffn;
        private int length;

        private State(int batch, int capacity, int sourceLength) {
            int n = layers.size();
            this.batch = batch;
            this.capacity = capacity;
            this.sourceLength = sourceLength;
            this.selfLayout = new KvLayout(batch, heads, capacity, dModel / heads);
            this.crossLayout = new KvLayout(batch, heads, sourceLength, dModel / heads);
            this.selfKeys = new float[n][selfLayout.size()];
            this.selfValues = new float[n][selfLayout.size()];
            this.crossKeys = new float[n][crossLayout.size()];
            this.crossValues = new float[n][crossLayout.size()];
            this.q = new float[batch * dModel];
            this.k = new float[batch * dModel];
            this.v = new float[batch * dModel];
            this.ctx = new float[batch * dModel];
            this.tmp = new float[batch * dModel];
            this.ffn = new float[batch * IncrementalDecoder.this.ffn];
        }

        /** Positions decoded so far. */
        public int length() {
            return length;
        }

        public int batch() {
            return batch;
        }

        public int capacity() {
            return capacity;
        }
    }
}
