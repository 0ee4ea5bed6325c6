package io.visage.eval.semantic.passt;

import io.visage.nn.ShapeMismatchException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.module.Init;
import io.visage.nn.module.Module;
import io.visage.nn.module.Params;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * PaSST's {@code PatchEmbed} (flatten=False, no norm): {@code proj = Conv2d(1, D, P×P, stride
 * (s_f, s_t))} over the mel spectrogram seen as a one-channel image [n_mels, T]. The input is data,
 * so the patches are gathered in Java (im2col, [B, F·T', P·P] with the patch row index {@code kh·P +
 * kw} of the conv kernel) and projected with one {@link Ops#linear} by the kernel reshaped to
 * [D, P·P]; the weight and bias still receive gradients.
 *
 * <p>Output tokens are in the order {@code x.flatten(2).transpose(1, 2)} gives: patch row f major,
 * column t minor. State dict: {@code proj.weight} [D, 1, P, P], {@code proj.bias} [D].
 */
public final class PasstPatchEmbed implements Module {
    private final PasstConfig config;
    private final Tensor weight;
    private final Tensor bias;

    private PasstPatchEmbed(PasstConfig config, Tensor weight, Tensor bias) {
        this.config = config;
        this.weight = weight;
        this.bias = bias;
    }

    /** Takes {@code path + ".proj.weight"} and {@code ".proj.bias"}; fresh weights ~ N(0, (P·P)^-½). */
    public static PasstPatchEmbed create(Params p, String path, PasstConfig c) {
        int k = c.patchSize();
        Tensor w = p.take(
                Params.join(path, "proj.weight"), Init.normal(1.0 / Math.sqrt(c.patchArea())), c.embedDim(), 1, k, k);
        Tensor b = p.take(Params.join(path, "proj.bias"), Init.zeros(), c.embedDim());
        return new PasstPatchEmbed(c, w, b);
    }

    /**
     * @param mel [B, n_mels, T] normalised log-mel spectrograms, T ≥ P
     * @return patch tokens [B, F·T', D] (before the positional embeddings)
     */
    public Tensor forward(Ops ops, Tensor mel) {
        long[] s = mel.shape();
        if (s.length != 3 || s[1] != PasstFrontEnd.N_MELS || s[2] < config.patchSize()) {
            throw new ShapeMismatchException("patch_embed: mel must have shape [B, " + PasstFrontEnd.N_MELS
                    + ", T] with T >= " + config.patchSize() + ", found " + Arrays.toString(s));
        }
        Tensor patches = ops.constant(patches(mel.value(), config));
        Tensor w = ops.reshape(weight, config.embedDim(), config.patchArea());
        Tensor out = ops.linear(patches, w, bias);
        Release.after(ops, patches);
        return out;
    }

    /**
     * im2col of the spectrograms for the patch convolution.
     *
     * @param mel [B, n_mels, T]
     * @return [B, F·T', P·P]: row {@code f·T' + t} holds {@code mel[b, f·s_f + kh, t·s_t + kw]} at
     *     column {@code kh·P + kw}
     */
    static INDArray patches(INDArray mel, PasstConfig c) {
        int b = (int) mel.size(0);
        int rows = (int) mel.size(1);
        int t = (int) mel.size(2);
        int fp = c.freqPatches();
        int tp = c.timePatches(t);
        int k = c.patchSize();
        int area = c.patchArea();
        float[] m = mel.dup('c').data().asFloat();
        float[] out = new float[Math.multiplyExact(Math.multiplyExact(b * fp, tp), area)];
        int o = 0;
        for (int bi = 0; bi < b; bi++) {
            int base = bi * rows * t;
            for (int f = 0; f < fp; f++) {
                for (int ti = 0; ti < tp; ti++) {
                    int origin = base + f * c.strideFreq() * t + ti * c.strideTime();
                    for (int kh = 0; kh < k; kh++) {
                        System.arraycopy(m, origin + kh * t, out, o, k);
                        o += k;
                    }
                }
            }
        }
        INDArray a = Nd4j.create(out, new long[] {b, (long) fp * tp, area}, 'c');
        return a.dataType() == mel.dataType() ? a : a.castTo(mel.dataType());
    }

    /** {@code proj.weight} [D, 1, P, P]. */
    public Tensor weight() {
        return weight;
    }

    /** {@code proj.bias} [D]. */
    public Tensor bias() {
        return bias;
    }

    @Override
    public Map<String, Tensor> parameters() {
        return Map.of();
    }

    @Override
    public Map<String, Module> children() {
        return Map.of("proj", new Proj(weight, bias));
    }

    /** {@code proj} ({@code nn.Conv2d}) for state-dict naming. */
    private record Proj(Tensor weight, Tensor bias) implements Module {
        @Override
        public Map<String, Tensor> parameters() {
            Map<String, Tensor> m = new LinkedHashMap<>();
            m.put("weight", weight);
            m.put("bias", bias);
            return m;
        }

        @Override
        public Map<String, Module> children() {
            return Map.of();
        }
    }
}
