package io.visage.core.model;

import io.visage.core.pattern.TokenGrid;
import io.visage.nn.ShapeMismatchException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.layers.Embedding;
import io.visage.nn.layers.LayerNorm;
import io.visage.nn.module.Init;
import io.visage.nn.module.Module;
import io.visage.nn.module.ModuleList;
import io.visage.nn.module.Params;
import io.visage.nn.transformer.BartDecoderLayer;
import io.visage.nn.transformer.LayerConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code model.decoder} (SPEC §1.5). Input row t ≥ 1 is the sum of the K code embeddings of
 * decoder input row t − 1, accumulated in codebook order 0 → K−1 (pad ids are looked up like any
 * code); row 0 is the learned {@code bos}. Positions use rows p + 2 of {@code embed_positions}
 * (BART offset); then {@code layernorm_embedding} and the causal BART decoder layers.
 */
public final class VisageDecoder implements Module {
    private final VisageConfig cfg;
    private final Tensor bos;
    private final ModuleList<Embedding> embedDac;
    private final Embedding embedPositions;
    private final ModuleList<BartDecoderLayer> layers;
    private final LayerNorm layernormEmbedding;

    private VisageDecoder(
            VisageConfig cfg,
            Tensor bos,
            ModuleList<Embedding> embedDac,
            Embedding embedPositions,
            ModuleList<BartDecoderLayer> layers,
            LayerNorm layernormEmbedding) {
        this.cfg = cfg;
        this.bos = bos;
        this.embedDac = embedDac;
        this.embedPositions = embedPositions;
        this.layers = layers;
        this.layernormEmbedding = layernormEmbedding;
    }

    /** Builds the decoder under {@code path} (e.g. {@code model.decoder}) in state-dict order. */
    public static VisageDecoder create(Params p, String path, VisageConfig c, ModelKind kind) {
        long d = c.dModel();
        Tensor bos = p.take(Params.join(path, "bos"), Init.zeros(), 1, d);
        List<Embedding> tables = new ArrayList<>();
        for (int i = 0; i < c.numCodebooks(kind); i++) {
            tables.add(Embedding.create(
                    p, Params.join(path, "embed_dac." + i), c.embeddingRows(), d, c.dacPadTokenId(), c.initStd()));
        }
        Embedding pos = Embedding.create(
                p, Params.join(path, "embed_positions"), c.decoderPositionRows(), d, Embedding.NO_PADDING, c.initStd());
        LayerConfig lc = c.decoderLayer();
        List<BartDecoderLayer> ls = new ArrayList<>();
        for (int i = 0; i < c.decoderLayers(); i++) {
            ls.add(BartDecoderLayer.create(p, Params.join(path, "layers." + i), lc));
        }
        LayerNorm ln = LayerNorm.create(p, Params.join(path, "layernorm_embedding"), d, VisageConfig.LAYER_NORM_EPS);
        return new VisageDecoder(c, bos, new ModuleList<>(tables), pos, new ModuleList<>(ls), ln);
    }

    /**
     * Sum of the code embeddings of every row, in codebook order.
     *
     * @param ids [B, L, K]
     * @return [B, L, D]
     */
    public Tensor embedCodes(Ops ops, TokenGrid ids) {
        int k = embedDac.size();
        if (ids.codebooks() != k) {
            throw new ShapeMismatchException(
                    "decoder input ids must be [B, L, " + k + "], found " + java.util.Arrays.toString(ids.shape()));
        }
        long b = ids.batch();
        long l = ids.rows();
        List<Tensor> tables = new ArrayList<>(k);
        for (Embedding e : embedDac.items()) {
            tables.add(e.weight());
        }
        return ops.embeddingSum(
                tables, ids.values(), Math.toIntExact(b * l), new long[] {b, l, cfg.dModel()}, cfg.dacPadTokenId());
    }

    /**
     * Teacher-forced pass over {@code [bos, ids]}.
     *
     * @param ids     decoder input ids [B, L, K] (L may be 0: bos only)
     * @param encoder encoder states [B, S, D]
     * @return hidden states: after {@code layernorm_embedding}, then after each layer; each [B, L+1, D]
     */
    public List<Tensor> forward(Ops ops, TokenGrid ids, Tensor encoder) {
        long b = ids.batch();
        long d = cfg.dModel();
        long rows = ids.rows() + 1L;
        if (rows > cfg.maxTargetLength()) {
            throw new ShapeMismatchException("decoder input of " + ids.rows() + " rows + bos exceeds max_target_length "
                    + cfg.maxTargetLength());
        }
        if (encoder.rank() != 3 || encoder.size(0) != b || encoder.size(2) != d) {
            throw new ShapeMismatchException("encoder states must be [" + b + ", S, " + d + "], found "
                    + java.util.Arrays.toString(encoder.shape()));
        }
        Tensor start = ops.add(ops.constant(Nd4j.zeros(bos.dataType(), b, 1, d)), ops.reshape(bos, 1, 1, d));
        Tensor x = ids.rows() == 0 ? start : ops.concat(1, start, embedCodes(ops, ids));
        x = ops.add(x, ops.narrow(embedPositions.weight(), 0, VisageConfig.DECODER_POSITION_OFFSET, rows));
        Tensor h = ops.dropout(layernormEmbedding.forward(ops, x), cfg.dropout());
        List<Tensor> states = new ArrayList<>();
        states.add(h);
        for (BartDecoderLayer layer : layers.items()) {
            h = layer.forward(ops, h, encoder);
            states.add(h);
        }
        return states;
    }

    public Tensor bos() {
        return bos;
    }

    /** The K code tables {@code embed_dac.j}, each [ceil((V+1)/64)·64, D]. */
    public List<Embedding> embedDac() {
        return embedDac.items();
    }

    /** {@code embed_positions} [max_target_length + 2, D]; position p uses row p + 2. */
    public Embedding embedPositions() {
        return embedPositions;
    }

    public List<BartDecoderLayer> layers() {
        return layers.items();
    }

    public LayerNorm layernormEmbedding() {
        return layernormEmbedding;
    }

    @Override
    public Map<String, Tensor> parameters() {
        return Map.of("bos", bos);
    }

    @Override
    public Map<String, Module> children() {
        Map<String, Module> c = new LinkedHashMap<>();
        c.put("embed_dac", embedDac);
        c.put("embed_positions", embedPositions);
        c.put("layers", layers);
        c.put("layernorm_embedding", layernormEmbedding);
        return c;
    }
}
