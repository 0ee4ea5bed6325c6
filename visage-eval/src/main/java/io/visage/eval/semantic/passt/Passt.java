package io.visage.eval.semantic.passt;

import io.visage.eval.semantic.EmbeddingModel;
import io.visage.nn.ShapeMismatchException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorSource;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.layers.LayerNorm;
import io.visage.nn.layers.Linear;
import io.visage.nn.module.Init;
import io.visage.nn.module.LoadedParams;
import io.visage.nn.module.Module;
import io.visage.nn.module.ModuleList;
import io.visage.nn.module.Params;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * PaSST as audioldm_eval's KL divergence uses it: hear21passt's {@code get_basic_model(mode="logits")}
 * in eval mode, i.e. {@link PasstFrontEnd} (AugmentMelSTFT) followed by the distilled {@code PaSST}
 * network, output = the classifier logits. For a clip of T mel frames (F × T' patches, N = 2 + F·T'
 * tokens):
 * <ol>
 *   <li>{@code patch_embed}: [B, 128, T] → [B, F·T', D] ({@link PasstPatchEmbed});</li>
 *   <li>+ {@code time_new_pos_embed[..., :T']} per column, + {@code freq_new_pos_embed} per row;</li>
 *   <li>prepend {@code cls_token + new_pos_embed[:, 0]} and {@code dist_token + new_pos_embed[:, 1]};</li>
 *   <li>{@code blocks} ({@link PasstBlock}), then {@code norm} (LayerNorm eps 1e-6);</li>
 *   <li>features = (token 0 + token 1) / 2; logits = {@code head.1(head.0(features))} with
 *       {@code head.0} a LayerNorm (eps 1e-5). {@code head_dist} is loaded (the checkpoint holds it)
 *       but does not enter the logits.</li>
 * </ol>
 * State-dict order (torch: own parameters, then children): {@code cls_token, dist_token,
 * new_pos_embed, freq_new_pos_embed, time_new_pos_embed, patch_embed.proj.*, blocks.N.*, norm.*,
 * head.0.*, head.1.*, head_dist.*}.
 *
 * <p>As an {@link EmbeddingModel}, {@link #embed} gives one row of logits for the clip exactly as
 * given (the evaluation pads or cuts to 320,000 samples = 10 s first; that is the caller's job).
 * Immutable and thread-safe.
 */
public final class Passt implements EmbeddingModel, Module {
    /** {@link #name()}. */
    public static final String NAME = "passt";
    /** Clips {@link #embedAll} puts through one forward at most. */
    public static final int MAX_BATCH = 4;

    private final PasstConfig config;
    private final PasstFrontEnd frontEnd = new PasstFrontEnd();
    private final Tensor clsToken;
    private final Tensor distToken;
    private final Tensor newPosEmbed;
    private final Tensor freqNewPosEmbed;
    private final Tensor timeNewPosEmbed;
    private final PasstPatchEmbed patchEmbed;
    private final ModuleList<PasstBlock> blocks;
    private final LayerNorm norm;
    private final LayerNorm headNorm;
    private final Linear headLinear;
    private final Linear headDist;
    private final Parallelism parallelism;

    private Passt(
            PasstConfig config,
            Tensor clsToken,
            Tensor distToken,
            Tensor newPosEmbed,
            Tensor freqNewPosEmbed,
            Tensor timeNewPosEmbed,
            PasstPatchEmbed patchEmbed,
            ModuleList<PasstBlock> blocks,
            LayerNorm norm,
            LayerNorm headNorm,
            Linear headLinear,
            Linear headDist,
            Parallelism parallelism) {
        this.config = config;
        this.clsToken = clsToken;
        this.distToken = distToken;
        this.newPosEmbed = newPosEmbed;
        this.freqNewPosEmbed = freqNewPosEmbed;
        this.timeNewPosEmbed = timeNewPosEmbed;
        this.patchEmbed = patchEmbed;
        this.blocks = blocks;
        this.norm = norm;
        this.headNorm = headNorm;
        this.headLinear = headLinear;
        this.headDist = headDist;
        this.parallelism = parallelism;
    }

    /**
     * Builds the network from {@code p} under the reference's key names (no prefix). Fresh
     * parameters: tokens, positional embeddings and Linear weights ~ N(0, 0.02²) (timm's trunc_normal
     * scale), LayerNorms ones/zeros, biases zero.
     */
    public static Passt create(Params p, PasstConfig c) {
        long d = c.embedDim();
        Init small = Init.normal(0.02);
        Tensor cls = p.take("cls_token", small, 1, 1, d);
        Tensor dist = p.take("dist_token", small, 1, 1, d);
        Tensor pos = p.take("new_pos_embed", small, 1, 2, d);
        Tensor freq = p.take("freq_new_pos_embed", small, 1, d, c.freqPatches(), 1);
        Tensor time = p.take("time_new_pos_embed", small, 1, d, 1, c.timeGrid());
        PasstPatchEmbed patch = PasstPatchEmbed.create(p, "patch_embed", c);
        List<PasstBlock> list = new ArrayList<>();
        for (int i = 0; i < c.depth(); i++) {
            list.add(PasstBlock.create(p, "blocks." + i, c));
        }
        LayerNorm norm = LayerNorm.create(p, "norm", d, PasstConfig.BLOCK_NORM_EPS);
        LayerNorm head0 = LayerNorm.create(p, "head.0", d, PasstConfig.HEAD_NORM_EPS);
        Linear head1 = Linear.create(p, "head.1", d, c.numClasses(), true, 0.02);
        Linear headDist = Linear.create(p, "head_dist", d, c.numClasses(), true, 0.02);
        return new Passt(
                c, cls, dist, pos, freq, time, patch, new ModuleList<>(list), norm, head0, head1, headDist, null);
    }

    /**
     * Strict load from an opened checkpoint of any {@link PasstCheckpoint.Layout}, as float32.
     *
     * @throws io.visage.nn.CheckpointFormatException when the file holds no PaSST layout
     * @throws io.visage.nn.StateDictMismatchException naming the file and every missing, unexpected or
     *     wrong-shape tensor (expected vs found) when the file does not match {@code config}
     */
    public static Passt load(TensorSource source, PasstConfig config) {
        PasstCheckpoint.Layout layout = PasstCheckpoint.layout(source);
        String prefix = layout.prefix();
        LoadedParams p = new LoadedParams(source, DataType.FLOAT, k -> prefix + k, layout.ignoredKeys());
        Passt net = create(p, config);
        p.verify();
        return net;
    }

    /**
     * Strict load from a file: the released {@value PasstCheckpoint#RELEASED_FILE} (with {@link
     * PasstConfig#full()}), any {@code torch.save} zip or safetensors file of the network's (or the
     * wrapper's) state dict.
     */
    public static Passt load(Path file, PasstConfig config) {
        try (TensorSource source = TensorFiles.open(file)) {
            return load(source, config);
        }
    }

    public PasstConfig config() {
        return config;
    }

    /**
     * The same network (shared weights) whose {@link #embed}/{@link #embedAll} run the project's own
     * kernels (attention) on {@code par}'s threads; null for single-threaded kernels (the default). The
     * caller owns {@code par} and closes it after the last call.
     */
    public Passt withParallelism(Parallelism par) {
        return new Passt(
                config,
                clsToken,
                distToken,
                newPosEmbed,
                freqNewPosEmbed,
                timeNewPosEmbed,
                patchEmbed,
                blocks,
                norm,
                headNorm,
                headLinear,
                headDist,
                par);
    }

    public PasstFrontEnd frontEnd() {
        return frontEnd;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int sampleRateHz() {
        return PasstFrontEnd.SAMPLE_RATE_HZ;
    }

    /** The number of classes. */
    @Override
    public int dimension() {
        return config.numClasses();
    }

    /**
     * Logits of one clip.
     *
     * @param mono [N] samples at 32 kHz, {@link PasstConfig#minSamples()} ≤ N ≤ {@link
     *     PasstConfig#maxSamples()}, all finite
     * @return [1][C]
     * @throws IllegalArgumentException for an empty, too short, too long or non-finite clip
     */
    @Override
    public float[][] embed(float[] mono) {
        return logitRows(List.of(mono));
    }

    /**
     * Logits of several clips: runs of consecutive equal-length clips go through one forward, at most
     * {@value #MAX_BATCH} at a time (the evaluation's clips are all 320,000 samples long).
     *
     * @return one [1][C] array per clip, in order
     */
    @Override
    public List<float[][]> embedAll(List<float[]> clips) {
        for (int i = 0; i < clips.size(); i++) {
            checkClip("clip " + i, clips.get(i));
        }
        List<float[][]> out = new ArrayList<>(clips.size());
        int i = 0;
        while (i < clips.size()) {
            int j = i + 1;
            while (j < clips.size() && j - i < MAX_BATCH && clips.get(j).length == clips.get(i).length) {
                j++;
            }
            float[][] batch = logitRows(clips.subList(i, j));
            for (float[] row : batch) {
                out.add(new float[][] {row});
            }
            i = j;
        }
        return out;
    }

    /**
     * The front end of equal-length clips.
     *
     * @param clips B clips of N samples each (checked as {@link #embed} does)
     * @return [B, 128, T] constant, T = 1 + (N − 1) / 320
     * @throws ShapeMismatchException when the clips differ in length
     */
    public Tensor mel(List<float[]> clips) {
        if (clips.isEmpty()) {
            throw new IllegalArgumentException("PaSST: no clips given");
        }
        for (int i = 0; i < clips.size(); i++) {
            checkClip(clips.size() == 1 ? "clip" : "clip " + i, clips.get(i));
            if (clips.get(i).length != clips.get(0).length) {
                throw new ShapeMismatchException("PaSST: the clips of one batch must have equal lengths; clip 0 has "
                        + clips.get(0).length + " samples, clip " + i + " has " + clips.get(i).length);
            }
        }
        int t = PasstFrontEnd.frames(clips.get(0).length);
        int per = PasstFrontEnd.N_MELS * t;
        float[] all = new float[Math.multiplyExact(per, clips.size())];
        for (int i = 0; i < clips.size(); i++) {
            System.arraycopy(frontEnd.melSpectrogram(clips.get(i)), 0, all, i * per, per);
        }
        return Tensor.constant(Nd4j.create(all, new long[] {clips.size(), PasstFrontEnd.N_MELS, t}, 'c'));
    }

    /**
     * The network on spectrograms.
     *
     * @param mel [B, 128, T], T' = (T − P) / s_t + 1 ≤ {@link PasstConfig#timeGrid()}
     * @return logits [B, C]
     */
    public Tensor logits(Ops ops, Tensor mel) {
        int tp = timePatches(mel);
        Tensor patches = patchEmbed.forward(ops, mel);
        Tensor x = tokens(ops, patches, mel.size(0), tp);
        Release.after(ops, patches);
        for (PasstBlock block : blocks.items()) {
            Tensor next = block.forward(ops, x);
            Release.after(ops, x);
            x = next;
        }
        Tensor normed = norm.forward(ops, x);
        Release.after(ops, x);
        Tensor features = features(ops, normed);
        Release.after(ops, normed);
        return head(ops, features);
    }

    /**
     * The whole model on equal-length clips, keeping every intermediate (for parity tests and
     * inspection; {@link #logits} keeps none).
     */
    public PasstTrace trace(Ops ops, List<float[]> clips) {
        Tensor mel = mel(clips);
        long b = mel.size(0);
        int tp = timePatches(mel);
        Tensor patches = patchEmbed.forward(ops, mel);
        Tensor image = ops.permute(ops.reshape(patches, b, config.freqPatches(), tp, config.embedDim()), 0, 3, 1, 2);
        Tensor x = tokens(ops, patches, b, tp);
        Tensor tokens = x;
        List<Tensor> outs = new ArrayList<>();
        for (PasstBlock block : blocks.items()) {
            x = block.forward(ops, x);
            outs.add(x);
        }
        Tensor normed = norm.forward(ops, x);
        Tensor features = features(ops, normed);
        return new PasstTrace(mel, image, tokens, outs, normed, features, head(ops, features));
    }

    /**
     * Positional embeddings and the two extra tokens.
     *
     * @param patches [B, F·T', D] from {@code patch_embed}
     * @return [B, 2 + F·T', D]
     */
    private Tensor tokens(Ops ops, Tensor patches, long b, int tp) {
        long d = config.embedDim();
        int fp = config.freqPatches();
        // time_new_pos_embed [1, D, 1, W] cut to T' → [1, 1, T', D]; freq_new_pos_embed [1, D, F, 1] → [1, F, 1, D]
        Tensor time =
                ops.reshape(ops.permute(ops.reshape(ops.narrow(timeNewPosEmbed, 3, 0, tp), d, tp), 1, 0), 1, 1, tp, d);
        Tensor freq = ops.reshape(ops.permute(ops.reshape(freqNewPosEmbed, d, fp), 1, 0), 1, fp, 1, d);
        Tensor timed = ops.add(ops.reshape(patches, b, fp, tp, d), time);
        Tensor placed = ops.add(timed, freq);
        Release.after(ops, timed);
        Tensor zeros = ops.constant(Nd4j.zeros(patches.dataType(), b, 1, d));
        Tensor cls = ops.add(zeros, ops.add(clsToken, ops.narrow(newPosEmbed, 1, 0, 1)));
        Tensor dist = ops.add(zeros, ops.add(distToken, ops.narrow(newPosEmbed, 1, 1, 1)));
        Tensor x = ops.concat(1, cls, dist, ops.reshape(placed, b, (long) fp * tp, d));
        Release.after(ops, placed);
        return x;
    }

    /** @param normed [B, N, D] @return (token 0 + token 1) / 2, [B, D] */
    private Tensor features(Ops ops, Tensor normed) {
        long b = normed.size(0);
        long d = config.embedDim();
        Tensor sum = ops.add(ops.narrow(normed, 1, 0, 1), ops.narrow(normed, 1, 1, 1));
        return ops.reshape(ops.scale(sum, 0.5), b, d);
    }

    /** @param features [B, D] @return logits [B, C] */
    private Tensor head(Ops ops, Tensor features) {
        return headLinear.forward(ops, headNorm.forward(ops, features));
    }

    private Tensor checkMel(Tensor mel) {
        long[] s = mel.shape();
        if (s.length != 3 || s[1] != PasstFrontEnd.N_MELS) {
            throw new ShapeMismatchException("PaSST: mel must have shape [B, " + PasstFrontEnd.N_MELS + ", T], found "
                    + java.util.Arrays.toString(s));
        }
        return mel;
    }

    /** T' of a spectrogram, checked against the model's range. */
    private int timePatches(Tensor mel) {
        checkMel(mel);
        long t = mel.size(2);
        int tp = config.timePatches((int) Math.min(t, Integer.MAX_VALUE));
        if (tp < 1 || tp > config.timeGrid()) {
            throw new ShapeMismatchException("PaSST: a spectrogram of " + t + " frames gives " + tp
                    + " patch columns; the model takes 1 to " + config.timeGrid() + " (time_new_pos_embed), i.e. "
                    + config.patchSize() + " to " + (config.patchSize() + config.timeGrid() * config.strideTime() - 1)
                    + " frames");
        }
        return tp;
    }

    /** The one message per kind of bad clip. */
    private void checkClip(String what, float[] mono) {
        if (mono == null || mono.length == 0) {
            throw new IllegalArgumentException("PaSST: " + what + " is empty");
        }
        for (int i = 0; i < mono.length; i++) {
            if (!Float.isFinite(mono[i])) {
                throw new IllegalArgumentException("PaSST: " + what + " has a non-finite sample (" + mono[i]
                        + ") at index " + i + " of " + mono.length);
            }
        }
        if (mono.length < config.minSamples()) {
            throw new IllegalArgumentException("PaSST: " + what + " has " + mono.length
                    + " samples, too short for one patch column (" + config.patchSize()
                    + " mel frames): needs at least " + config.minSamples()
                    + " samples at 32 kHz (the evaluation pads clips to 320000)");
        }
        if (mono.length > config.maxSamples()) {
            throw new IllegalArgumentException("PaSST: " + what + " has " + mono.length + " samples, more patch columns"
                    + " than time_new_pos_embed holds (" + config.timeGrid() + "): at most " + config.maxSamples()
                    + " samples at 32 kHz (the evaluation cuts clips to 320000)");
        }
    }

    /** One forward under inference ops: [B][C]. */
    private float[][] logitRows(List<float[]> clips) {
        Ops ops = parallelism == null ? Ops.inference() : Ops.inference(parallelism);
        Tensor mel = mel(clips);
        Tensor logits = logits(ops, mel);
        INDArray v = logits.value();
        int b = (int) v.size(0);
        float[][] out = new float[b][];
        for (int i = 0; i < b; i++) {
            out[i] = v.getRow(i).dup().data().asFloat();
        }
        Release.after(ops, mel, logits);
        return out;
    }

    @Override
    public Map<String, Tensor> parameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("cls_token", clsToken);
        m.put("dist_token", distToken);
        m.put("new_pos_embed", newPosEmbed);
        m.put("freq_new_pos_embed", freqNewPosEmbed);
        m.put("time_new_pos_embed", timeNewPosEmbed);
        return m;
    }

    @Override
    public Map<String, Module> children() {
        Map<String, Module> c = new LinkedHashMap<>();
        c.put("patch_embed", patchEmbed);
        c.put("blocks", blocks);
        c.put("norm", norm);
        c.put("head", new ModuleList<Module>(List.of(headNorm, headLinear)));
        c.put("head_dist", headDist);
        return c;
    }
}
