package io.visage.nn.transformer;

import io.visage.nn.kernel.AttentionKernel;
import io.visage.nn.kernel.KvLayout;
import io.visage.nn.kernel.MatVec;
import io.visage.nn.kernel.RowKernels;
import io.visage.nn.layers.LayerNorm;
import io.visage.nn.layers.Linear;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The fast path for autoregressive decoding with a stack of {@link BartDecoderLayer}s: one new
 * position for each of a few batch rows per {@link #step}, weights read in place from the layers'
 * ND4J arrays by a {@link MatVec} kernel (each weight streamed once for all rows), keys/values in a
 * preallocated {@code float[]} cache ({@link State}), no allocation per step.
 *
 * <p>Numerically the same computation as {@link BartDecoderLayer#forwardCached} in inference mode
 * (tests compare the two); that general path stays the reference and the training path.
 */
public final class IncrementalDecoder {
    private final List<BartDecoderLayer> layers;
    private final MatVec matVec;
    private final AttentionKernel attention;
    private final int dModel;
    private final int heads;
    private final int ffn;

    /**
     * @param layers    the decoder layers, in order; float32 weights
     * @param matVec    the dense kernel (see {@code MatVecs.best})
     * @param attention the single-query attention kernel
     */
    public IncrementalDecoder(List<BartDecoderLayer> layers, MatVec matVec, AttentionKernel attention) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("IncrementalDecoder needs at least one layer");
        }
        LayerConfig c = layers.get(0).config();
        for (BartDecoderLayer l : layers) {
            if (!l.config().equals(c)) {
                throw new IllegalArgumentException("all decoder layers must share one configuration");
            }
            if (l.fc1().weight().dataType() != DataType.FLOAT) {
                throw new IllegalArgumentException("IncrementalDecoder needs float32 weights, got "
                        + l.fc1().weight().dataType());
            }
        }
        this.layers = List.copyOf(layers);
        this.matVec = matVec;
        this.attention = attention;
        this.dModel = Math.toIntExact(c.dModel());
        this.heads = c.heads();
        this.ffn = Math.toIntExact(c.ffnDim());
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
        if (encoder.rank() != 3 || encoder.size(0) != batch || encoder.size(2) != dModel) {
            throw new IllegalArgumentException("encoder states must be [" + batch + ", S, " + dModel + "] but are "
                    + java.util.Arrays.toString(encoder.shape()));
        }
        int s = (int) encoder.size(1);
        State st = new State(batch, capacity, s);
        INDArray flat = encoder.castTo(DataType.FLOAT).reshape('c', (long) batch * s, dModel);
        for (int l = 0; l < layers.size(); l++) {
            var attn = layers.get(l).encoderAttn();
            float[] k = project(flat, attn.kProj());
            float[] v = project(flat, attn.vProj());
            for (int t = 0; t < s; t++) {
                st.crossLayout.write(st.crossKeys[l], t, k, t * dModel, s * dModel);
                st.crossLayout.write(st.crossValues[l], t, v, t * dModel, s * dModel);
            }
        }
        return st;
    }

    private static float[] project(INDArray x2, Linear lin) {
        INDArray y = Nd4j.gemm(x2, lin.weight().value(), false, true);
        y.addiRowVector(lin.bias().value());
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
            throw new IllegalArgumentException("hidden needs " + st.batch * dModel + " floats, has " + hidden.length);
        }
        if (st.length >= st.capacity) {
            throw new IllegalStateException("decoder cache full: capacity " + st.capacity + " positions");
        }
        int b = st.batch;
        int pos = st.length;
        for (int l = 0; l < layers.size(); l++) {
            BartDecoderLayer layer = layers.get(l);
            var self = layer.selfAttn();
            // causal self-attention over positions 0..pos
            linear(self.qProj(), hidden, st.q, b);
            scale(st.q, b * dModel, (float) self.scaling());
            linear(self.kProj(), hidden, st.k, b);
            linear(self.vProj(), hidden, st.v, b);
            st.selfLayout.write(st.selfKeys[l], pos, st.k, 0, dModel);
            st.selfLayout.write(st.selfValues[l], pos, st.v, 0, dModel);
            attention.attend(st.q, 0, st.selfKeys[l], st.selfValues[l], st.selfLayout, pos + 1, st.ctx, 0);
            residualNorm(self.outProj(), st.ctx, hidden, layer.selfAttnLayerNorm(), st, b);
            // cross-attention over the encoder states
            var cross = layer.encoderAttn();
            linear(cross.qProj(), hidden, st.q, b);
            scale(st.q, b * dModel, (float) cross.scaling());
            attention.attend(st.q, 0, st.crossKeys[l], st.crossValues[l], st.crossLayout, st.sourceLength, st.ctx, 0);
            residualNorm(cross.outProj(), st.ctx, hidden, layer.encoderAttnLayerNorm(), st, b);
            // feed-forward
            linear(layer.fc1(), hidden, st.ffn, b);
            RowKernels.gelu(st.ffn, 0, st.ffn, 0, b * ffn);
            residualNorm(layer.fc2(), st.ffn, hidden, layer.finalLayerNorm(), st, b);
        }
        st.length++;
    }

    private void linear(Linear lin, float[] x, float[] y, int batch) {
        matVec.multiply(
                lin.weight().value(), lin.bias() == null ? null : lin.bias().value(), x, 0, y, 0, batch);
    }

    /** hidden = LN(hidden + proj(x)). */
    private void residualNorm(Linear proj, float[] x, float[] hidden, LayerNorm ln, State st, int batch) {
        linear(proj, x, st.tmp, batch);
        RowKernels.add(hidden, 0, st.tmp, 0, batch * dModel);
        RowKernels.layerNorm(
                hidden,
                0,
                hidden,
                0,
                batch,
                dModel,
                ln.weight().value(),
                ln.bias().value(),
                (float) ln.eps());
    }

    private static void scale(float[] a, int n, float s) {
        for (int i = 0; i < n; i++) {
            a[i] *= s;
        }
    }

    /** Bytes of decoder weights one step reads (every layer's matrices, biases and LayerNorms; not the cross K/V). */
    public long weightBytesPerStep() {
        long n = 0;
        for (BartDecoderLayer l : layers) {
            for (Linear lin : List.of(
                    l.selfAttn().qProj(),
                    l.selfAttn().kProj(),
                    l.selfAttn().vProj(),
                    l.selfAttn().outProj(),
                    l.encoderAttn().qProj(),
                    l.encoderAttn().outProj(),
                    l.fc1(),
                    l.fc2())) {
                n += lin.weight().value().length()
                        + (lin.bias() == null ? 0 : lin.bias().value().length());
            }
            n += 6L * dModel; // three LayerNorms
        }
        return 4 * n;
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

        /** Bytes of self-attention keys and values one step at the current length reads. */
        public long cacheBytesPerStep() {
            return 2L * 4 * layers.size() * batch * (long) (length + 1) * dModel;
        }
    }
}
