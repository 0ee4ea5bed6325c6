package io.visage.eval.semantic.vggish;

import io.visage.eval.semantic.EmbeddingModel;
import io.visage.nn.Checks;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.layers.Conv2d;
import io.visage.nn.layers.Linear;
import io.visage.nn.module.Module;
import io.visage.nn.module.ModuleList;
import io.visage.nn.module.Params;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * torchvggish's {@code VGGish} as audioldm_eval's FAD runs it: the log-mel front end, then {@code
 * features} (3×3 Conv2d with padding 1 + ReLU, MaxPool2d(2, 2), per {@link VggishConfig#layers()}),
 * the [E, C, 6, 4] map transposed to [E, 6, 4, C] and flattened in (time, mel, channel) order, then
 * {@code embeddings} (Linear → ReLU → Linear → ReLU → Linear). What {@link #embed} returns per
 * 0.96-s example is chosen by {@link VggishOutput}; the {@link EmbeddingModel} methods return the
 * {@link VggishOutput#FAD FAD} embedding (last Linear, no final ReLU, no PCA).
 *
 * <p>State dict as the reference's: {@code features.N.weight} [out, in, 3, 3] / {@code
 * features.N.bias} at the Sequential indices of the convolutions, {@code embeddings.{0,2,4}.weight}
 * [out, in] / {@code .bias}, and with the postprocessor {@code pproc.pca_eigen_vectors} [D, D],
 * {@code pproc.pca_means} [D, 1]. Immutable and thread-safe; {@link #embedAll} runs the examples of
 * several clips through the network together, at most {@link #maxBatch()} per forward.
 */
public final class Vggish implements EmbeddingModel, Module {
    /** Examples per forward of {@link #embedAll} unless set with {@link #withMaxBatch}. */
    public static final int DEFAULT_MAX_BATCH = 64;

    private static final int KERNEL = 3;
    private static final int PADDING = 1;
    private static final int POOL = 2;

    private final VggishConfig config;
    private final ModuleList<Conv2d> features;
    private final ModuleList<Linear> embeddings;
    private final VggishPostprocessor pproc;
    private final VggishFrontEnd frontEnd;
    private final int maxBatch;

    private Vggish(
            VggishConfig config,
            ModuleList<Conv2d> features,
            ModuleList<Linear> embeddings,
            VggishPostprocessor pproc,
            VggishFrontEnd frontEnd,
            int maxBatch) {
        this.config = config;
        this.features = features;
        this.embeddings = embeddings;
        this.pproc = pproc;
        this.frontEnd = frontEnd;
        this.maxBatch = maxBatch;
    }

    /**
     * Builds the network from {@code p} (keys without prefix, as the reference's state dict).
     *
     * @param postprocessor whether to build {@code pproc} (needed for {@link VggishOutput#POSTPROCESSED})
     */
    public static Vggish create(Params p, VggishConfig config, boolean postprocessor) {
        List<Conv2d> convs = new ArrayList<>();
        int in = 1;
        for (int v : config.layers()) {
            if (v == VggishConfig.MAX_POOL) {
                convs.add(null);
            } else {
                convs.add(Conv2d.builder(in, v, KERNEL).padding(PADDING).build(p, "features." + convs.size()));
                convs.add(null); // ReLU
                in = v;
            }
        }
        List<Linear> lin = new ArrayList<>();
        int[] widths = {config.flattenedFeatures(), config.hidden(), config.hidden(), config.embedding()};
        for (int i = 0; i < 3; i++) {
            if (i > 0) {
                lin.add(null); // ReLU
            }
            lin.add(Linear.create(
                    p, "embeddings." + lin.size(), widths[i], widths[i + 1], true, 1.0 / Math.sqrt(widths[i])));
        }
        VggishPostprocessor post = postprocessor ? VggishPostprocessor.create(p, "pproc", config.embedding()) : null;
        return new Vggish(
                config, new ModuleList<>(convs), new ModuleList<>(lin), post, new VggishFrontEnd(), DEFAULT_MAX_BATCH);
    }

    /** This network with another postprocessor (the PCA parameters of a separate file). */
    Vggish withPostprocessor(VggishPostprocessor post) {
        if (post != null && post.dimension() != config.embedding()) {
            throw new IllegalArgumentException("vggish: PCA parameters are " + post.dimension() + "-d but the"
                    + " embedding is " + config.embedding() + "-d");
        }
        return new Vggish(config, features, embeddings, post, frontEnd, maxBatch);
    }

    /** This network, running at most {@code examples} examples per forward in {@link #embedAll}. */
    public Vggish withMaxBatch(int examples) {
        if (examples < 1) {
            throw new IllegalArgumentException("vggish: max batch must be >= 1 but was " + examples);
        }
        return new Vggish(config, features, embeddings, pproc, frontEnd, examples);
    }

    public VggishConfig config() {
        return config;
    }

    /** Examples per forward of {@link #embedAll}. */
    public int maxBatch() {
        return maxBatch;
    }

    /** The front end this model runs on raw audio. */
    public VggishFrontEnd frontEnd() {
        return frontEnd;
    }

    /** Whether the PCA parameters are loaded ({@link VggishOutput#POSTPROCESSED} works). */
    public boolean hasPostprocessor() {
        return pproc != null;
    }

    /** {@code pproc}. @throws IllegalStateException when the model was built without it */
    public VggishPostprocessor postprocessor() {
        if (pproc == null) {
            throw new IllegalStateException("vggish: no PCA parameters loaded (pproc.*); load them with"
                    + " VggishWeights.load(weights, pcaFile, config) to get postprocessed embeddings");
        }
        return pproc;
    }

    // ------------------------------------------------------------------ network

    /**
     * {@code VGG.forward} without the final ReLU: the FAD embedding.
     *
     * @param examples [E, 1, 96, 64] log-mel examples, in the parameters' dtype
     * @return [E, embedding], the output of {@code embeddings.4}
     */
    public Tensor forward(Ops ops, Tensor examples) {
        return forward(ops, examples, LayerTap.NONE);
    }

    /**
     * {@link #forward(Ops, Tensor)} reporting every module's output to {@code tap}. Without a tap
     * and without a tape, each intermediate array is freed as soon as the next one is computed.
     *
     * @param examples [E, 1, 96, 64]
     * @return [E, embedding]
     */
    public Tensor forward(Ops ops, Tensor examples, LayerTap tap) {
        Checks.shape(
                "vggish",
                "examples",
                examples.shape(),
                Checks.ANY,
                1,
                VggishFrontEnd.EXAMPLE_FRAMES,
                VggishFrontEnd.MEL_BANDS);
        long e = examples.size(0);
        if (e == 0) {
            return Tensor.constant(Nd4j.create(examples.dataType(), 0, config.embedding()));
        }
        boolean release = !ops.recordingGradients() && tap == LayerTap.NONE;
        Tensor x = examples;
        int n = 0;
        for (int v : config.layers()) {
            if (v == VggishConfig.MAX_POOL) {
                x = advance(x, ops.maxPool2d(x, POOL), examples, release);
                tap.record("features." + n, x);
                n++;
            } else {
                x = advance(x, features.get(n).forward(ops, x), examples, release);
                tap.record("features." + n, x);
                x = advance(x, ops.relu(x), examples, release);
                tap.record("features." + (n + 1), x);
                n += 2;
            }
        }
        // [E, C, 6, 4] -> [E, 6, 4, C] -> [E, 6·4·C]: (time, mel, channel) order
        Tensor perm = advance(x, ops.permute(x, 0, 2, 3, 1), examples, release);
        Tensor h = embeddings.get(0).forward(ops, ops.reshape(perm, e, config.flattenedFeatures()));
        if (release && perm != examples) {
            close(perm.value());
        }
        tap.record("embeddings.0", h);
        for (int i = 1; i < embeddings.size(); i++) {
            Linear lin = embeddings.get(i);
            h = advance(h, lin == null ? ops.relu(h) : lin.forward(ops, h), examples, release);
            tap.record("embeddings." + i, h);
        }
        return h;
    }

    /**
     * The chosen output for a batch of examples.
     *
     * @param examples [E, 1, 96, 64]
     * @return [E, embedding]
     * @throws UnsupportedOperationException for {@link VggishOutput#POSTPROCESSED} under a recording
     *                                       tape (the quantisation has no gradient)
     */
    public Tensor output(Ops ops, Tensor examples, VggishOutput kind) {
        if (kind == VggishOutput.POSTPROCESSED && ops.recordingGradients()) {
            throw new UnsupportedOperationException("vggish: the postprocessed output is quantised (rounded) and"
                    + " has no gradient; record the FAD or ACTIVATED output instead");
        }
        VggishPostprocessor post = kind == VggishOutput.POSTPROCESSED ? postprocessor() : null;
        Tensor y = forward(ops, examples);
        if (kind == VggishOutput.FAD || y.size(0) == 0) {
            return y;
        }
        boolean release = !ops.recordingGradients();
        Tensor a = advance(y, ops.relu(y), examples, release);
        if (post == null) {
            return a;
        }
        Tensor q = Tensor.constant(post.apply(a.value()));
        close(a.value());
        return q;
    }

    private static Tensor advance(Tensor prev, Tensor next, Tensor input, boolean release) {
        if (release && prev != input && prev.value() != next.value()) {
            close(prev.value());
        }
        return next;
    }

    private static void close(INDArray a) {
        if (a != null && !a.wasClosed() && a.closeable()) {
            a.close();
        }
    }

    // ------------------------------------------------------------------ EmbeddingModel

    @Override
    public String name() {
        return "vggish";
    }

    @Override
    public int sampleRateHz() {
        return VggishFrontEnd.SAMPLE_RATE_HZ;
    }

    @Override
    public int dimension() {
        return config.embedding();
    }

    /**
     * FAD embeddings of one clip.
     *
     * @param mono [N] samples at 16 kHz
     * @return [E][embedding], E = {@link VggishFrontEnd#examples}({@link VggishFrontEnd#frames}(N)); empty for
     *     clips shorter than {@link VggishFrontEnd#minimumSamples()}
     */
    @Override
    public float[][] embed(float[] mono) {
        return embed(mono, VggishOutput.FAD);
    }

    /**
     * @param mono [N] samples at 16 kHz
     * @return [E][embedding]
     */
    public float[][] embed(float[] mono, VggishOutput kind) {
        return run(List.of(checkedClip(mono)), kind, false).get(0);
    }

    /** FAD embeddings of several clips, their examples batched through the network together. */
    @Override
    public List<float[][]> embedAll(List<float[]> clips) {
        return embedAll(clips, VggishOutput.FAD);
    }

    /**
     * @param clips mono clips at 16 kHz
     * @return per clip, [E][embedding]
     */
    public List<float[][]> embedAll(List<float[]> clips, VggishOutput kind) {
        if (clips == null) {
            throw new IllegalArgumentException("vggish: clips is null");
        }
        return run(clips, kind, true);
    }

    private static float[] checkedClip(float[] mono) {
        if (mono == null) {
            throw new IllegalArgumentException("vggish: audio is null");
        }
        return mono;
    }

    private List<float[][]> run(List<float[]> clips, VggishOutput kind, boolean nameClips) {
        if (kind == VggishOutput.POSTPROCESSED) {
            postprocessor(); // fail before any work
        }
        int per = VggishFrontEnd.EXAMPLE_FRAMES * VggishFrontEnd.MEL_BANDS;
        Batch batch = new Batch(new float[maxBatch * per], new float[maxBatch][]);
        List<float[][]> out = new ArrayList<>(clips.size());
        for (int c = 0; c < clips.size(); c++) {
            float[][][] ex;
            try {
                ex = frontEnd.examples(clips.get(c));
            } catch (IllegalArgumentException e) {
                if (!nameClips) {
                    throw e;
                }
                throw new IllegalArgumentException("clip " + c + " of " + clips.size() + ": " + e.getMessage(), e);
            }
            float[][] rows = new float[ex.length][dimension()];
            out.add(rows);
            for (int r = 0; r < ex.length; r++) {
                int at = batch.size * per;
                for (int t = 0; t < VggishFrontEnd.EXAMPLE_FRAMES; t++) {
                    System.arraycopy(
                            ex[r][t], 0, batch.data, at + t * VggishFrontEnd.MEL_BANDS, VggishFrontEnd.MEL_BANDS);
                }
                batch.target[batch.size] = rows[r];
                batch.size++;
                if (batch.size == maxBatch) {
                    flush(batch, kind);
                }
            }
        }
        flush(batch, kind);
        return out;
    }

    /** Examples waiting for a forward ([size, 96·64] floats) and the embedding row each one fills. */
    private static final class Batch {
        final float[] data;
        final float[][] target;
        int size;

        Batch(float[] data, float[][] target) {
            this.data = data;
            this.target = target;
        }
    }

    private void flush(Batch b, VggishOutput kind) {
        if (b.size == 0) {
            return;
        }
        int per = VggishFrontEnd.EXAMPLE_FRAMES * VggishFrontEnd.MEL_BANDS;
        float[] data = b.size == maxBatch ? b.data : java.util.Arrays.copyOf(b.data, b.size * per);
        INDArray x =
                Nd4j.create(data, new long[] {b.size, 1, VggishFrontEnd.EXAMPLE_FRAMES, VggishFrontEnd.MEL_BANDS}, 'c');
        Tensor y = output(Ops.inference(), Tensor.constant(x), kind);
        float[] v = y.value().dup('c').data().asFloat();
        int d = dimension();
        for (int i = 0; i < b.size; i++) {
            System.arraycopy(v, i * d, b.target[i], 0, d);
        }
        close(y.value());
        close(x);
        b.size = 0;
    }

    // ------------------------------------------------------------------ Module

    @Override
    public Map<String, Tensor> parameters() {
        return Map.of();
    }

    @Override
    public Map<String, Module> children() {
        Map<String, Module> c = new LinkedHashMap<>();
        c.put("features", features);
        c.put("embeddings", embeddings);
        if (pproc != null) {
            c.put("pproc", pproc);
        }
        return c;
    }
}
