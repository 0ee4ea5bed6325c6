package io.visage.nn.attention;

import io.visage.nn.ShapeMismatchException;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Preallocated key/value cache for incremental decoding: per decoder layer a self-attention buffer
 * [B, H, capacity, Dh] filled one step at a time, and the cross-attention keys/values of the
 * encoder states [B, H, S, Dh], computed once. Owned by the caller and passed to each step;
 * one cache per generation (guidance branches are rows of the batch dimension).
 */
public final class KvCache {
    private final List<Layer> layers;
    private final int capacity;

    private KvCache(List<Layer> layers, int capacity) {
        this.layers = layers;
        this.capacity = capacity;
    }

    /** Allocates zeroed buffers for {@code layers} layers. */
    public static KvCache allocate(int layers, int batch, int heads, int capacity, int headDim, DataType type) {
        if (layers < 1 || batch < 1 || heads < 1 || capacity < 1 || headDim < 1) {
            throw new IllegalArgumentException("KvCache sizes must be positive: layers=" + layers + " batch=" + batch
                    + " heads=" + heads + " capacity=" + capacity + " headDim=" + headDim);
        }
        List<Layer> ls = new ArrayList<>(layers);
        for (int i = 0; i < layers; i++) {
            ls.add(new Layer(
                    Nd4j.create(type, batch, heads, capacity, headDim),
                    Nd4j.create(type, batch, heads, capacity, headDim)));
        }
        return new KvCache(List.copyOf(ls), capacity);
    }

    public Layer layer(int i) {
        return layers.get(i);
    }

    public int layers() {
        return layers.size();
    }

    public int capacity() {
        return capacity;
    }

    /** Positions already cached (equal in every layer after a full step). */
    public int length() {
        return layers.get(0).length;
    }

    /** Cache of one layer. */
    public static final class Layer {
        private final INDArray keys;
        private final INDArray values;
        private int length;
        private INDArray crossKeys;
        private INDArray crossValues;

        Layer(INDArray keys, INDArray values) {
            this.keys = keys;
            this.values = values;
        }

        public int length() {
            return length;
        }

        /**
         * Appends {@code t} positions and returns views of all cached keys and values.
         *
         * @param k [B, H, t, Dh]; @param v [B, H, t, Dh]
         * @return {keys [B, H, length, Dh], values [B, H, length, Dh]} after the append
         */
        public INDArray[] append(INDArray k, INDArray v) {
            long t = k.size(2);
            long cap = keys.size(2);
            if (length + t > cap) {
                throw new IllegalStateException(
                        "KV cache full: " + length + " cached + " + t + " new > capacity " + cap);
            }
            if (k.size(0) != keys.size(0) || k.size(1) != keys.size(1) || k.size(3) != keys.size(3)) {
                throw new ShapeMismatchException("KV cache is [B=" + keys.size(0) + ", H=" + keys.size(1) + ", *, Dh="
                        + keys.size(3) + "] but got keys " + java.util.Arrays.toString(k.shape()));
            }
            keys.get(
                            NDArrayIndex.all(),
                            NDArrayIndex.all(),
                            NDArrayIndex.interval(length, length + t),
                            NDArrayIndex.all())
                    .assign(k);
            values.get(
                            NDArrayIndex.all(),
                            NDArrayIndex.all(),
                            NDArrayIndex.interval(length, length + t),
                            NDArrayIndex.all())
                    .assign(v);
            length += (int) t;
            return new INDArray[] {cachedKeys(), cachedValues()};
        }

        /** Keys of positions [0, length): [B, H, length, Dh] (a view). */
        public INDArray cachedKeys() {
            return keys.get(
                    NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, length), NDArrayIndex.all());
        }

        /** Values of positions [0, length): [B, H, length, Dh] (a view). */
        public INDArray cachedValues() {
            return values.get(
                    NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, length), NDArrayIndex.all());
        }

        public boolean hasCross() {
            return crossKeys != null;
        }

        /** Stores the cross-attention keys/values [B, H, S, Dh] (once per generation). */
        public void setCross(INDArray k, INDArray v) {
            this.crossKeys = k;
            this.crossValues = v;
        }

        public INDArray crossKeys() {
            return crossKeys;
        }

        public INDArray crossValues() {
            return crossValues;
        }
    }
}
