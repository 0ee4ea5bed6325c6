package io.visage.nn.transformer;

import io.visage.nn.attention.MultiHeadAttention;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.layers.LayerNorm;
import io.visage.nn.layers.Linear;
import io.visage.nn.module.Module;
import io.visage.nn.module.Params;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Post-LN BART encoder layer: {@code h = LN(h + drop(selfAttn(h)))}, then
 * {@code h = LN(h + drop(fc2(drop_act(act(fc1(h))))))}.
 * Children: {@code self_attn, self_attn_layer_norm, fc1, fc2, final_layer_norm}.
 */
public final class BartEncoderLayer implements Module {
    private final LayerConfig cfg;
    private final MultiHeadAttention selfAttn;
    private final LayerNorm selfAttnLayerNorm;
    private final Linear fc1;
    private final Linear fc2;
    private final LayerNorm finalLayerNorm;

    public BartEncoderLayer(
            LayerConfig cfg,
            MultiHeadAttention selfAttn,
            LayerNorm selfAttnLayerNorm,
            Linear fc1,
            Linear fc2,
            LayerNorm finalLayerNorm) {
        this.cfg = cfg;
        this.selfAttn = selfAttn;
        this.selfAttnLayerNorm = selfAttnLayerNorm;
        this.fc1 = fc1;
        this.fc2 = fc2;
        this.finalLayerNorm = finalLayerNorm;
    }

    public static BartEncoderLayer create(Params p, String path, LayerConfig c) {
        return new BartEncoderLayer(
                c,
                MultiHeadAttention.create(
                        p, Params.join(path, "self_attn"), c.dModel(), c.heads(), c.attentionDropout(), c.initStd()),
                LayerNorm.create(p, Params.join(path, "self_attn_layer_norm"), c.dModel(), c.layerNormEps()),
                Linear.create(p, Params.join(path, "fc1"), c.dModel(), c.ffnDim(), true, c.initStd()),
                Linear.create(p, Params.join(path, "fc2"), c.ffnDim(), c.dModel(), true, c.initStd()),
                LayerNorm.create(p, Params.join(path, "final_layer_norm"), c.dModel(), c.layerNormEps()));
    }

    /** @param h [B, S, D] @return [B, S, D] */
    public Tensor forward(Ops ops, Tensor h) {
        h = selfAttnLayerNorm.residual(ops, h, selfAttn.forward(ops, h, null, false), cfg.dropout());
        return finalLayerNorm.residual(ops, h, FeedForward.apply(ops, cfg, fc1, fc2, h), cfg.dropout());
    }

    public LayerConfig config() {
        return cfg;
    }

    public MultiHeadAttention selfAttn() {
        return selfAttn;
    }

    @Override
    public Map<String, Tensor> parameters() {
        return Map.of();
    }

    @Override
    public Map<String, Module> children() {
        Map<String, Module> c = new LinkedHashMap<>();
        c.put("self_attn", selfAttn);
        c.put("self_attn_layer_norm", selfAttnLayerNorm);
        c.put("fc1", fc1);
        c.put("fc2", fc2);
        c.put("final_layer_norm", finalLayerNorm);
        return c;
    }
}
