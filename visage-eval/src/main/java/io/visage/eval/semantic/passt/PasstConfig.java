package io.visage.eval.semantic.passt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.nn.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Constructor arguments of hear21passt's {@code PaSST} as {@code get_model_passt} builds it
 * (distilled, qkv bias, in_chans 1). The front end is fixed ({@link PasstFrontEnd}); the patch grid
 * follows from these values:
 * <ul>
 *   <li>F = (n_mels − patch) / stride_f + 1 rows of patches, which must equal the
 *       {@code freq_new_pos_embed} rows {@code img_size[0] / stride_f} (12 for the released model);</li>
 *   <li>T' = (T − patch) / stride_t + 1 columns for T mel frames, at most the
 *       {@code time_new_pos_embed} columns {@code img_size[1] / stride_t} (99).</li>
 * </ul>
 *
 * @param embedDim   D, token width (768)
 * @param depth      transformer blocks (12)
 * @param numHeads   attention heads (12); D must be divisible by it
 * @param mlpRatio   MLP hidden width / D (4.0); the hidden width is {@code int(D · mlp_ratio)}
 * @param numClasses classifier outputs (527 AudioSet classes)
 * @param imgFreq    {@code img_size[0]}, mel bins the model was built for (128)
 * @param imgTime    {@code img_size[1]}, mel frames the model was built for (998)
 * @param patchSize  square patch side of {@code patch_embed.proj} (16)
 * @param strideFreq patch stride over mel bins (10)
 * @param strideTime patch stride over frames (10)
 */
public record PasstConfig(
        int embedDim,
        int depth,
        int numHeads,
        double mlpRatio,
        int numClasses,
        int imgFreq,
        int imgTime,
        int patchSize,
        int strideFreq,
        int strideTime) {

    /** LayerNorm epsilon of the blocks and the final {@code norm} ({@code partial(nn.LayerNorm, eps=1e-6)}). */
    public static final double BLOCK_NORM_EPS = 1e-6;
    /** LayerNorm epsilon of {@code head.0} (an {@code nn.LayerNorm} with the default eps). */
    public static final double HEAD_NORM_EPS = 1e-5;

    private static final Set<String> NETWORK_KEYS =
            Set.of("embed_dim", "depth", "num_heads", "mlp_ratio", "num_classes", "img_size", "patch_size", "stride");
    /** Keys of the fixed front end and constructor flags that may appear, each with its only accepted value. */
    private static final Map<String, Double> FIXED_KEYS = Map.of(
            "sample_rate", (double) PasstFrontEnd.SAMPLE_RATE_HZ,
            "n_mels", (double) PasstFrontEnd.N_MELS,
            "n_fft", (double) PasstFrontEnd.N_FFT,
            "win_length", (double) PasstFrontEnd.WIN_LENGTH,
            "hopsize", (double) PasstFrontEnd.HOP_LENGTH,
            "fmin", PasstFrontEnd.FMIN_HZ,
            "fmax", PasstFrontEnd.FMAX_HZ);

    private static final Set<String> FLAG_KEYS = Set.of("distilled", "qkv_bias");

    public PasstConfig {
        positive("embed_dim", embedDim);
        positive("depth", depth);
        positive("num_heads", numHeads);
        positive("num_classes", numClasses);
        positive("img_size[0]", imgFreq);
        positive("img_size[1]", imgTime);
        positive("patch_size", patchSize);
        positive("stride[0]", strideFreq);
        positive("stride[1]", strideTime);
        if (embedDim % numHeads != 0) {
            throw new ConfigException("embed_dim " + embedDim + " must be divisible by num_heads " + numHeads);
        }
        if (!(mlpRatio > 0) || Double.isInfinite(mlpRatio) || (int) (embedDim * mlpRatio) < 1) {
            throw new ConfigException("mlp_ratio must be > 0 and give an MLP width >= 1, but was " + mlpRatio);
        }
        if (patchSize > PasstFrontEnd.N_MELS) {
            throw new ConfigException(
                    "patch_size " + patchSize + " is larger than the " + PasstFrontEnd.N_MELS + " mel bins");
        }
        int rows = (PasstFrontEnd.N_MELS - patchSize) / strideFreq + 1;
        if (rows != imgFreq / strideFreq) {
            throw new ConfigException("patch_embed gives " + rows + " rows of patches over " + PasstFrontEnd.N_MELS
                    + " mel bins but freq_new_pos_embed has img_size[0] / stride[0] = " + imgFreq / strideFreq
                    + " (img_size[0] " + imgFreq + ", stride[0] " + strideFreq + ")");
        }
        if (imgTime / strideTime < 1) {
            throw new ConfigException(
                    "img_size[1] " + imgTime + " / stride[1] " + strideTime + " leaves no time_new_pos_embed column");
        }
    }

    /** The released {@code passt_s_swa_p16_128_ap476} ({@code passt-s-f128-p16-s10-ap.476-swa.pt}). */
    public static PasstConfig full() {
        return new PasstConfig(768, 12, 12, 4.0, 527, 128, 998, 16, 10, 10);
    }

    private static void positive(String key, int v) {
        if (v <= 0) {
            throw new ConfigException(key + " must be > 0 but was " + v);
        }
    }

    /** Dh = D / heads. */
    public int headDim() {
        return embedDim / numHeads;
    }

    /** MLP hidden width {@code int(D · mlp_ratio)}. */
    public int mlpHidden() {
        return (int) (embedDim * mlpRatio);
    }

    /** F, rows of patches over the mel bins = rows of {@code freq_new_pos_embed}. */
    public int freqPatches() {
        return (PasstFrontEnd.N_MELS - patchSize) / strideFreq + 1;
    }

    /** Columns of {@code time_new_pos_embed}: the most patch columns a clip may have. */
    public int timeGrid() {
        return imgTime / strideTime;
    }

    /** P·P, values in one patch (the input width of the patch projection). */
    public int patchArea() {
        return patchSize * patchSize;
    }

    /** T' = (T − patch) / stride_t + 1 patch columns for {@code frames} mel frames (0 when too few). */
    public int timePatches(int frames) {
        return frames < patchSize ? 0 : (frames - patchSize) / strideTime + 1;
    }

    /** Tokens of a clip with {@code frames} mel frames: 2 (cls, dist) + F · T'. */
    public int tokens(int frames) {
        return 2 + freqPatches() * timePatches(frames);
    }

    /** The fewest samples that give one patch column. */
    public int minSamples() {
        return PasstFrontEnd.minSamplesFor(patchSize);
    }

    /** The most samples whose patch columns fit {@code time_new_pos_embed}. */
    public int maxSamples() {
        int maxFrames = patchSize + (timeGrid() - 1) * strideTime + strideTime - 1;
        return PasstFrontEnd.maxSamplesFor(maxFrames);
    }

    /**
     * Reads a JSON object such as the fixture's {@code config.json}: {@code embed_dim, depth,
     * num_heads, mlp_ratio, num_classes, img_size [2], patch_size, stride [2]} are required; the
     * front-end constants ({@code sample_rate, n_mels, n_fft, win_length, hopsize, fmin, fmax}) and
     * the flags {@code distilled, qkv_bias} may appear but must have the values this port implements
     * (the fixed front end; distilled with qkv bias). Unknown keys fail, naming the file.
     */
    public static PasstConfig fromJson(Path file) {
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read PaSST config: " + e.getMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new ConfigException(file + ": PaSST config must be a JSON object");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!NETWORK_KEYS.contains(k) && !FIXED_KEYS.containsKey(k) && !FLAG_KEYS.contains(k)) {
                throw new ConfigException(file + ": unknown PaSST config key '" + k + "' (known: " + NETWORK_KEYS
                        + ", fixed " + FIXED_KEYS.keySet() + ", flags " + FLAG_KEYS + ")");
            }
        }
        for (Map.Entry<String, Double> e : FIXED_KEYS.entrySet()) {
            JsonNode v = n.get(e.getKey());
            if (v != null && (!v.isNumber() || v.asDouble() != e.getValue())) {
                throw new ConfigException(file + ": '" + e.getKey() + "' is " + v + " but the PaSST front end is fixed"
                        + " at " + e.getValue());
            }
        }
        for (String flag : FLAG_KEYS) {
            JsonNode v = n.get(flag);
            if (v != null && !(v.isBoolean() && v.asBoolean())) {
                throw new ConfigException(
                        file + ": '" + flag + "' is " + v + "; only the distilled PaSST with qkv bias is supported");
            }
        }
        try {
            int[] img = pair(file, n, "img_size");
            int[] stride = pair(file, n, "stride");
            JsonNode ratio = n.get("mlp_ratio");
            if (ratio == null || !ratio.isNumber()) {
                throw new ConfigException(file + ": PaSST config key 'mlp_ratio' missing or not a number");
            }
            return new PasstConfig(
                    integer(file, n, "embed_dim"),
                    integer(file, n, "depth"),
                    integer(file, n, "num_heads"),
                    ratio.asDouble(),
                    integer(file, n, "num_classes"),
                    img[0],
                    img[1],
                    integer(file, n, "patch_size"),
                    stride[0],
                    stride[1]);
        } catch (ConfigException e) {
            throw e.getMessage().startsWith(file.toString()) ? e : new ConfigException(file + ": " + e.getMessage(), e);
        }
    }

    private static int integer(Path file, JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new ConfigException(file + ": PaSST config key '" + key + "' missing or not an integer");
        }
        return v.asInt();
    }

    private static int[] pair(Path file, JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null
                || !v.isArray()
                || v.size() != 2
                || !v.get(0).isIntegralNumber()
                || !v.get(1).isIntegralNumber()) {
            throw new ConfigException(file + ": PaSST config key '" + key + "' must be a list of two integers");
        }
        return new int[] {v.get(0).asInt(), v.get(1).asInt()};
    }
}
