package io.visage.eval.semantic.passt;

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
 * The timm/PaSST ViT {@code Block} in eval mode (dropout and drop-path are identities), pre-LN:
 * {@code x = x + attn(norm1(x)); x = x + mlp(norm2(x))}, {@code mlp = fc2(GELU(fc1(·)))} with the
 * exact erf GELU, LayerNorm eps 1e-6. Children in registration order: {@code norm1, attn, norm2,
 * mlp{fc1, fc2}}.
 */
public final class PasstBlock implements Module {
    private final LayerNorm norm1;
    private final PasstAttention attn;
    private final LayerNorm norm2;
    private final Linear fc1;
    private final Linear fc2;

    public PasstBlock(LayerNorm norm1, PasstAttention attn, LayerNorm norm2, Linear fc1, Linear fc2) {
        this.norm1 = norm1;
        this.attn = attn;
        this.norm2 = norm2;
        this.fc1 = fc1;
        this.fc2 = fc2;
    }

    /** {@code path.norm1.*, path.attn.*, path.norm2.*, path.mlp.fc1.*, path.mlp.fc2.*}. */
    public static PasstBlock create(Params p, String path, PasstConfig c) {
        long d = c.embedDim();
        long hidden = c.mlpHidden();
        return new PasstBlock(
                LayerNorm.create(p, Params.join(path, "norm1"), d, PasstConfig.BLOCK_NORM_EPS),
                PasstAttention.create(p, Params.join(path, "attn"), d, c.numHeads()),
                LayerNorm.create(p, Params.join(path, "norm2"), d, PasstConfig.BLOCK_NORM_EPS),
                Linear.create(p, Params.join(path, "mlp.fc1"), d, hidden, true, 0.02),
                Linear.create(p, Params.join(path, "mlp.fc2"), hidden, d, true, 0.02));
    }

    /**
     * Under inference ops the block's temporaries are freed on the way ({@link Release}).
     *
     * @param x [B, N, D] (not modified or freed)
     * @return [B, N, D]
     */
    public Tensor forward(Ops ops, Tensor x) {
        Tensor h = norm1.forward(ops, x);
        Tensor a = attn.forward(ops, h);
        Release.after(ops, h);
        Tensor mid = ops.add(x, a);
        Release.after(ops, a);
        h = norm2.forward(ops, mid);
        Tensor m = ops.feedForward(h, fc1.weight(), fc1.bias(), Activation.GELU_EXACT, 0.0, fc2.weight(), fc2.bias());
        Release.after(ops, h);
        Tensor out = ops.add(mid, m);
        Release.after(ops, mid, m);
        return out;
    }

    @Override
    public Map<String, Tensor> parameters() {
        return Map.of();
    }

    @Override
    public Map<String, Module> children() {
        Map<String, Module> c = new LinkedHashMap<>();
        c.put("norm1", norm1);
        c.put("attn", attn);
        c.put("norm2", norm2);
        c.put("mlp", new Mlp(fc1, fc2));
        return c;
    }

    /** The {@code mlp} container ({@code fc1}, {@code fc2}) for state-dict naming. */
    private record Mlp(Linear fc1, Linear fc2) implements Module {
        @Override
        public Map<String, Tensor> parameters() {
            return Map.of();
        }

        @Override
        public Map<String, Module> children() {
            Map<String, Module> c = new LinkedHashMap<>();
            c.put("fc1", fc1);
            c.put("fc2", fc2);
            return c;
        }
    }
}
