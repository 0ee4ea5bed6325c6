package io.visage.core.clip;

import io.visage.nn.ShapeMismatchException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.layers.LayerNorm;
import io.visage.nn.module.Init;
import io.visage.nn.module.Module;
import io.visage.nn.module.ModuleList;
import io.visage.nn.module.Params;
import io.visage.nn.transformer.ClipResidualBlock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code clip.model.VisionTransformer}: conv1 patchify (no bias) → [class token; patches] +
 * positional embedding → {@code ln_pre} → residual blocks (pre-LN, QuickGELU) → {@code ln_post} on
 * the class token → {@code @ proj}. The patch convolution has kernel = stride = patch, so it is
 * computed as a reshape to patches followed by one matrix product with the flattened kernel.
 *
 * <p>State-dict order (torch: own parameters, then children): {@code class_embedding,
 * positional_embedding, proj, conv1.weight, ln_pre.*, transformer.resblocks.N.*, ln_post.*}.
 */
public final class ClipVisionTransformer implements Module {
    private final ClipVisionConfig config;
    private final Tensor classEmbedding;
    private final Tensor positionalEmbedding;
    private final Tensor proj;
    private final Tensor conv1Weight;
    private final LayerNorm lnPre;
    private final ModuleList<ClipResidualBlock> resblocks;
    private final LayerNorm lnPost;

    private ClipVisionTransformer(
            ClipVisionConfig config,
            Tensor classEmbedding,
            Tensor positionalEmbedding,
            Tensor proj,
            Tensor conv1Weight,
            LayerNorm lnPre,
            ModuleList<ClipResidualBlock> resblocks,
            LayerNorm lnPost) {
        this.config = config;
        this.classEmbedding = classEmbedding;
        this.positionalEmbedding = positionalEmbedding;
        this.proj = proj;
        this.conv1Weight = conv1Weight;
        this.lnPre = lnPre;
        this.resblocks = resblocks;
        this.lnPost = lnPost;
    }

    /**
     * Builds the tower from {@code p}; keys are {@code prefix + "." + name} (prefix "" for a
     * standalone tower, {@code "visual"} inside an OpenAI CLIP state dict). Random initialisation
     * follows CLIP's scales (width^-0.5 for embeddings and proj).
     */
    public static ClipVisionTransformer create(Params p, String prefix, ClipVisionConfig c) {
        long d = c.width();
        double scale = 1.0 / Math.sqrt(d);
        Tensor cls = p.take(Params.join(prefix, "class_embedding"), Init.normal(scale), d);
        Tensor pos = p.take(Params.join(prefix, "positional_embedding"), Init.normal(scale), c.tokens(), d);
        Tensor proj = p.take(Params.join(prefix, "proj"), Init.normal(scale), d, c.outputDim());
        Tensor conv = p.take(
                Params.join(prefix, "conv1.weight"),
                Init.normal(1.0 / Math.sqrt(3.0 * c.patchSize() * c.patchSize())),
                d,
                3,
                c.patchSize(),
                c.patchSize());
        LayerNorm lnPre = LayerNorm.create(p, Params.join(prefix, "ln_pre"), d, ClipVisionConfig.LAYER_NORM_EPS);
        List<ClipResidualBlock> blocks = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            blocks.add(ClipResidualBlock.create(p, Params.join(prefix, "transformer.resblocks." + i), d, c.heads()));
        }
        LayerNorm lnPost = LayerNorm.create(p, Params.join(prefix, "ln_post"), d, ClipVisionConfig.LAYER_NORM_EPS);
        return new ClipVisionTransformer(c, cls, pos, proj, conv, lnPre, new ModuleList<>(blocks), lnPost);
    }

    public ClipVisionConfig config() {
        return config;
    }

    /**
     * Patch embedding, class token, positional embedding and {@code ln_pre}.
     *
     * @param images normalised images [B, 3, R, R], R = input resolution
     * @return tokens [B, N, D]
     */
    public Tensor embed(Ops ops, Tensor images) {
        long[] s = images.shape();
        int r = config.inputResolution();
        if (s.length != 4 || s[1] != 3 || s[2] != r || s[3] != r) {
            throw new ShapeMismatchException(
                    "clip visual: images expected shape [B, 3, " + r + ", " + r + "] but found " + Arrays.toString(s));
        }
        long b = s[0];
        int g = config.grid();
        int patch = config.patchSize();
        long d = config.width();
        // [B,3,G,P,G,P] -> [B,G,G,3,P,P] -> [B, G*G, 3*P*P]; conv1 weight [D,3,P,P] -> [D, 3*P*P]
        Tensor patches = ops.reshape(
                ops.permute(ops.reshape(images, b, 3, g, patch, g, patch), 0, 2, 4, 1, 3, 5),
                b,
                (long) g * g,
                3L * patch * patch);
        Tensor x = ops.linear(patches, ops.reshape(conv1Weight, d, 3L * patch * patch), null);
        Tensor cls =
                ops.add(ops.constant(Nd4j.zeros(images.dataType(), b, 1, d)), ops.reshape(classEmbedding, 1, 1, d));
        x = ops.concat(1, cls, x);
        x = ops.add(x, positionalEmbedding);
        return lnPre.forward(ops, x);
    }

    /**
     * The full tower.
     *
     * @param images normalised images [B, 3, R, R]
     * @return pooled embedding [B, O] and all tokens before {@code ln_post} [B, N, D]
     */
    public ClipVisionOutput forward(Ops ops, Tensor images) {
        Tensor x = embed(ops, images);
        for (ClipResidualBlock block : resblocks.items()) {
            x = block.forward(ops, x, null);
        }
        long b = x.size(0);
        Tensor cls = ops.reshape(ops.narrow(x, 1, 0, 1), b, config.width());
        Tensor pooled = ops.matmul(lnPost.forward(ops, cls), proj, false, false);
        return new ClipVisionOutput(pooled, x);
    }

    @Override
    public Map<String, Tensor> parameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("class_embedding", classEmbedding);
        m.put("positional_embedding", positionalEmbedding);
        m.put("proj", proj);
        return m;
    }

    @Override
    public Map<String, Module> children() {
        Map<String, Module> c = new LinkedHashMap<>();
        c.put("conv1", new Conv1(conv1Weight));
        c.put("ln_pre", lnPre);
        c.put("transformer", new Transformer(resblocks));
        c.put("ln_post", lnPost);
        return c;
    }

    /** {@code conv1} (bias-free Conv2d) for state-dict naming. */
    private record Conv1(Tensor weight) implements Module {
        @Override
        public Map<String, Tensor> parameters() {
            return Map.of("weight", weight);
        }

        @Override
        public Map<String, Module> children() {
            return Map.of();
        }
    }

    /** {@code transformer} (holds {@code resblocks}) for state-dict naming. */
    private record Transformer(ModuleList<ClipResidualBlock> resblocks) implements Module {
        @Override
        public Map<String, Tensor> parameters() {
            return Map.of();
        }

        @Override
        public Map<String, Module> children() {
            return Map.of("resblocks", resblocks);
        }
    }
}
