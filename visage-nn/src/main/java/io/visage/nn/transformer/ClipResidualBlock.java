package io.visage.nn.transformer;

import io.visage.nn.attention.PackedSelfAttention;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.layers.Activation;
import io.visage.nn.layers.LayerNorm;
import io.visage.nn.layers.Linear;
import io.visage.nn.module.Module;
import io.visage.nn.module.Params;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CLIP's {@code ResidualAttentionBlock} (pre-LN): {@code x = x + attn(ln_1(x)); x = x + mlp(ln_2(x))},
 * mlp = {@code c_fc → QuickGELU → c_proj}. Children: {@code attn, ln_1, mlp{c_fc, c_proj}, ln_2}.
 */
public final class ClipResidualBlock implements Module {
    private final PackedSelfAttention attn;
    private final LayerNorm ln1;
    private final Linear cFc;
    private final Linear cProj;
    private final LayerNorm ln2;
    private final Activation activation;

    public ClipResidualBlock(
            PackedSelfAttention attn, LayerNorm ln1, Linear cFc, Linear cProj, LayerNorm ln2, Activation activation) {
        this.attn = attn;
        this.ln1 = ln1;
        this.cFc = cFc;
        this.cProj = cProj;
        this.ln2 = ln2;
        this.activation = activation;
    }

    /** CLIP ViT block: LayerNorm eps 1e-5, MLP width 4·D, QuickGELU. */
    public static ClipResidualBlock create(Params p, String path, long width, int heads) {
        double std = 1.0 / Math.sqrt(width);
        return new ClipResidualBlock(
                PackedSelfAttention.create(p, Params.join(path, "attn"), width, heads),
                LayerNorm.create(p, Params.join(path, "ln_1"), width, 1e-5),
                Linear.create(p, Params.join(path, "mlp.c_fc"), width, 4 * width, true, std),
                Linear.create(p, Params.join(path, "mlp.c_proj"), 4 * width, width, true, std),
                LayerNorm.create(p, Params.join(path, "ln_2"), width, 1e-5),
                Activation.QUICK_GELU);
    }

    /** @param x [B, T, D], @param mask additive [T, T] or null @return [B, T, D] */
    public Tensor forward(Ops ops, Tensor x, Tensor mask) {
        x = ops.add(x, attn.forward(ops, ln1.forward(ops, x), mask));
        Tensor m = cProj.forward(ops, activation.apply(ops, cFc.forward(ops, ln2.forward(ops, x))));
        return ops.add(x, m);
    }

    @Override
    public Map<String, Tensor> parameters() {
        return Map.of();
    }

    @Override
    public Map<String, Module> children() {
        Map<String, Module> c = new LinkedHashMap<>();
        c.put("attn", attn);
        c.put("ln_1", ln1);
        c.put("mlp", new Mlp(cFc, cProj));
        c.put("ln_2", ln2);
        return c;
    }

    /** The {@code mlp} container ({@code c_fc}, {@code c_proj}) for state-dict naming. */
    private record Mlp(Linear cFc, Linear cProj) implements Module {
        @Override
        public Map<String, Tensor> parameters() {
            return Map.of();
        }

        @Override
        public Map<String, Module> children() {
            Map<String, Module> c = new LinkedHashMap<>();
            c.put("c_fc", cFc);
            c.put("c_proj", cProj);
            return c;
        }
    }
}
