package io.visage.core.model;

import io.visage.nn.Checks;
import io.visage.nn.ShapeMismatchException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.layers.Embedding;
import io.visage.nn.layers.LayerNorm;
import io.visage.nn.layers.Linear;
import io.visage.nn.module.Init;
import io.visage.nn.module.Module;
import io.visage.nn.module.ModuleList;
import io.visage.nn.module.Params;
import io.visage.nn.transformer.BartEncoderLayer;
import io.visage.nn.transformer.LayerConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code model.encoder}: CLIP frames (plus, for the ambisonics model, energy maps and the camera
 * direction) to S = F + 2 encoder states (SPEC §1.4):
 * <pre>
 *   X = ((clip_projection(C) + energy_map_projection(E)) + embed_positions[0..F)) + direction_embedding(D)
 *   H = layernorm_embedding([bos, X, eos]);  H = layers(H)
 * </pre>
 * Positions have no offset and are added to the F frame tokens only; the direction vector is
 * added to every frame. {@code embed_spatial} is a parameter of the checkpoint that no forward
 * pass reads.
 */
public final class VisageEncoder implements Module {
    private final VisageConfig cfg;
    private final Tensor bos;
    private final Tensor eos;
    private final Linear clipProjection;
    private final Embedding embedPositions;
    private final Embedding embedSpatial;
    private final ModuleList<BartEncoderLayer> layers;
    private final LayerNorm layernormEmbedding;
    private final ConditionMlp directionEmbedding;
    private final ConditionMlp energyMapProjection;

    private VisageEncoder(
            VisageConfig cfg,
            Tensor bos,
            Tensor eos,
            Linear clipProjection,
            Embedding embedPositions,
            Embedding embedSpatial,
            ModuleList<BartEncoderLayer> layers,
            LayerNorm layernormEmbedding,
            ConditionMlp directionEmbedding,
            ConditionMlp energyMapProjection) {
        this.cfg = cfg;
        this.bos = bos;
        this.eos = eos;
        this.clipProjection = clipProjection;
        this.embedPositions = embedPositions;
        this.embedSpatial = embedSpatial;
        this.layers = layers;
        this.layernormEmbedding = layernormEmbedding;
        this.directionEmbedding = directionEmbedding;
        this.energyMapProjection = energyMapProjection;
    }

    /** Builds the encoder under {@code path} (e.g. {@code model.encoder}) in state-dict order. */
    public static VisageEncoder create(Params p, String path, VisageConfig c, ModelKind kind) {
        long d = c.dModel();
        Tensor bos = p.take(Params.join(path, "bos"), Init.zeros(), 1, d);
        Tensor eos = p.take(Params.join(path, "eos"), Init.zeros(), 1, d);
        Linear clip = Linear.create(p, Params.join(path, "clip_projection"), c.dClip(), d, true, c.initStd());
        Embedding pos = Embedding.create(
                p, Params.join(path, "embed_positions"), c.maxSourceLength(), d, Embedding.NO_PADDING, c.initStd());
        Embedding spatial = Embedding.create(
                p,
                Params.join(path, "embed_spatial"),
                VisageConfig.EMBED_SPATIAL_ROWS,
                d,
                Embedding.NO_PADDING,
                c.initStd());
        LayerConfig lc = c.encoderLayer();
        List<BartEncoderLayer> ls = new ArrayList<>();
        for (int i = 0; i < c.encoderLayers(); i++) {
            ls.add(BartEncoderLayer.create(p, Params.join(path, "layers." + i), lc));
        }
        LayerNorm ln = LayerNorm.create(p, Params.join(path, "layernorm_embedding"), d, VisageConfig.LAYER_NORM_EPS);
        ConditionMlp dir = null;
        ConditionMlp energy = null;
        if (kind == ModelKind.AMBISONICS) {
            dir = ConditionMlp.create(
                    p, Params.join(path, "direction_embedding"), VisageConfig.DIRECTION_SIZE, d, c.initStd());
            energy = ConditionMlp.create(
                    p, Params.join(path, "energy_map_projection"), VisageConfig.ENERGY_MAP_SIZE, d, c.initStd());
        }
        return new VisageEncoder(c, bos, eos, clip, pos, spatial, new ModuleList<>(ls), ln, dir, energy);
    }

    /**
     * Encodes a batch.
     *
     * @param clip      CLIP frame features [B, F, d_clip], F ≤ max_source_length
     * @param energy    energy maps [B, F, 49], or null to skip the term (always null for mono)
     * @param direction camera direction [B, 3], or null to skip the term (always null for mono)
     * @return hidden states: after {@code layernorm_embedding}, then after each layer; each [B, F+2, D]
     * @throws ShapeMismatchException naming the input and its expected shape
     */
    public List<Tensor> forward(Ops ops, Tensor clip, Tensor energy, Tensor direction) {
        if (clip.rank() != 3
                || clip.size(2) != cfg.dClip()
                || clip.size(1) < 1
                || clip.size(1) > cfg.maxSourceLength()) {
            throw new ShapeMismatchException("encoder input clip features must be [B, F, " + cfg.dClip()
                    + "] with 1 <= F <= max_source_length " + cfg.maxSourceLength() + ", found "
                    + Arrays.toString(clip.shape()));
        }
        long b = clip.size(0);
        long f = clip.size(1);
        long d = cfg.dModel();
        Tensor x = clipProjection.forward(ops, clip);
        if (energy != null) {
            if (energyMapProjection == null) {
                throw new IllegalArgumentException(
                        "this (mono) encoder has no energy_map_projection; pass energy = null");
            }
            Checks.shape("model.encoder", "energy map", energy.shape(), b, f, VisageConfig.ENERGY_MAP_SIZE);
            x = ops.add(x, energyMapProjection.forward(ops, energy));
        }
        x = ops.add(x, ops.narrow(embedPositions.weight(), 0, 0, f));
        if (direction != null) {
            if (directionEmbedding == null) {
                throw new IllegalArgumentException(
                        "this (mono) encoder has no direction_embedding; pass direction = null");
            }
            Checks.shape("model.encoder", "direction", direction.shape(), b, VisageConfig.DIRECTION_SIZE);
            x = ops.add(x, ops.reshape(directionEmbedding.forward(ops, direction), b, 1, d));
        }
        Tensor zeros = ops.constant(Nd4j.zeros(x.dataType(), b, 1, d));
        Tensor h =
                ops.concat(1, ops.add(zeros, ops.reshape(bos, 1, 1, d)), x, ops.add(zeros, ops.reshape(eos, 1, 1, d)));
        h = ops.dropout(layernormEmbedding.forward(ops, h), cfg.dropout());
        List<Tensor> states = new ArrayList<>();
        states.add(h);
        for (BartEncoderLayer layer : layers.items()) {
            h = layer.forward(ops, h);
            states.add(h);
        }
        return states;
    }

    public List<BartEncoderLayer> layers() {
        return layers.items();
    }

    @Override
    public Map<String, Tensor> parameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("bos", bos);
        m.put("eos", eos);
        return m;
    }

    @Override
    public Map<String, Module> children() {
        Map<String, Module> c = new LinkedHashMap<>();
        c.put("clip_projection", clipProjection);
        c.put("embed_positions", embedPositions);
        c.put("embed_spatial", embedSpatial);
        c.put("layers", layers);
        c.put("layernorm_embedding", layernormEmbedding);
        if (directionEmbedding != null) {
            c.put("direction_embedding", directionEmbedding);
            c.put("energy_map_projection", energyMapProjection);
        }
        return c;
    }
}
