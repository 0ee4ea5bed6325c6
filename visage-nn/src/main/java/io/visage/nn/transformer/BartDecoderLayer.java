package io.visage.nn.transformer;

import io.visage.nn.attention.KvCache;
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
 * Post-LN BART decoder layer: causal self-attention, cross-attention over the encoder states,
 * feed-forward; each block {@code h = LN(h + drop(block(h)))} (one fused {@link Ops#residualNorm}). Children in registration order:
 * {@code self_attn, self_attn_layer_norm, encoder_attn, encoder_attn_layer_norm, fc1, fc2,
 * final_layer_norm}.
 */
public final class BartDecoderLayer implements Module {
    private final LayerConfig cfg;
    private final MultiHeadAttention selfAttn;
    private final LayerNorm selfAttnLayerNorm;
    private final MultiHeadAttention encoderAttn;
    private final LayerNorm encoderAttnLayerNorm;
    private final Linear fc1;
    private final Linear fc2;
    private final LayerNorm finalLayerNorm;

    public BartDecoderLayer(
            LayerConfig cfg,
            MultiHeadAttention selfAttn,
            LayerNorm selfAttnLayerNorm,
            MultiHeadAttention encoderAttn,
            LayerNorm encoderAttnLayerNorm,
            Linear fc1,
            Linear fc2,
            LayerNorm finalLayerNorm) {
        this.cfg = cfg;
        this.selfAttn = selfAttn;
        this.selfAttnLayerNorm = selfAttnLayerNorm;
        this.encoderAttn = encoderAttn;
        this.encoderAttnLayerNorm = encoderAttnLayerNorm;
        this.fc1 = fc1;
        this.fc2 = fc2;
        this.finalLayerNorm = finalLayerNorm;
    }

    public static BartDecoderLayer create(Params p, String path, LayerConfig c) {
        return new BartDecoderLayer(
                c,
                MultiHeadAttention.create(
                        p, Params.join(path, "self_attn"), c.dModel(), c.heads(), c.attentionDropout(), c.initStd()),
                LayerNorm.create(p, Params.join(path, "self_attn_layer_norm"), c.dModel(), c.layerNormEps()),
                MultiHeadAttention.create(
                        p, Params.join(path, "encoder_attn"), c.dModel(), c.heads(), c.attentionDropout(), c.initStd()),
                LayerNorm.create(p, Params.join(path, "encoder_attn_layer_norm"), c.dModel(), c.layerNormEps()),
                Linear.create(p, Params.join(path, "fc1"), c.dModel(), c.ffnDim(), true, c.initStd()),
                Linear.create(p, Params.join(path, "fc2"), c.ffnDim(), c.dModel(), true, c.initStd()),
                LayerNorm.create(p, Params.join(path, "final_layer_norm"), c.dModel(), c.layerNormEps()));
    }

    /**
     * Full (teacher-forced) pass with causal self-attention.
     *
     * @param h       [B, T, D]
     * @param encoder encoder states [B, S, D]
     * @return [B, T, D]
     */
    public Tensor forward(Ops ops, Tensor h, Tensor encoder) {
        h = selfAttnLayerNorm.residual(ops, h, selfAttn.forward(ops, h, null, true), cfg.dropout());
        h = encoderAttnLayerNorm.residual(ops, h, encoderAttn.forward(ops, h, encoder, false), cfg.dropout());
        return finalLayerNorm.residual(ops, h, FeedForward.apply(ops, cfg, fc1, fc2, h), cfg.dropout());
    }

    /**
     * Incremental pass over {@code t} new positions using (and extending) {@code cache}.
     *
     * @param h [B, t, D]; @param encoder [B, S, D] (projected into the cache on first use)
     * @return [B, t, D]
     */
    public Tensor forwardCached(Ops ops, Tensor h, Tensor encoder, KvCache.Layer cache) {
        h = selfAttnLayerNorm.residual(ops, h, selfAttn.forwardCached(ops, h, cache), cfg.dropout());
        h = encoderAttnLayerNorm.residual(ops, h, encoderAttn.forwardCross(ops, h, encoder, cache), cfg.dropout());
        return finalLayerNorm.residual(ops, h, FeedForward.apply(ops, cfg, fc1, fc2, h), cfg.dropout());
    }

    public LayerConfig config() {
        return cfg;
    }

    public MultiHeadAttention selfAttn() {
        return selfAttn;
    }

    public LayerNorm selfAttnLayerNorm() {
        return selfAttnLayerNorm;
    }

    public MultiHeadAttention encoderAttn() {
        return encoderAttn;
    }

    public LayerNorm encoderAttnLayerNorm() {
        return encoderAttnLayerNorm;
    }

    public Linear fc1() {
        return fc1;
    }

    public Linear fc2() {
        return fc2;
    }

    public LayerNorm finalLayerNorm() {
        return finalLayerNorm;
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
        c.put("encoder_attn", encoderAttn);
        c.put("encoder_attn_layer_norm", encoderAttnLayerNorm);
        c.put("fc1", fc1);
        c.put("fc2", fc2);
        c.put("final_layer_norm", finalLayerNorm);
        return c;
    }
}
