package io.visage.audio.dac;

import io.visage.nn.ShapeMismatchException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.layers.Conv1d;
import io.visage.nn.layers.Embedding;
import io.visage.nn.module.Module;
import io.visage.nn.module.Params;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One level of DAC's residual quantizer ({@code VectorQuantize}), factorised and L2-normalised:
 * {@code in_proj} (WNConv1d k1, D → d) projects to a small code space, the code is the codebook row of
 * highest cosine similarity (both sides L2-normalised; ties go to the lowest index), and
 * {@code out_proj} (WNConv1d k1, d → D) maps the RAW (un-normalised) codebook row back.
 * Axes: B batch, D latent_dim, d codebook_dim, T frames, K codebook_size.
 */
public final class VectorQuantize implements Module {
    private static final double NORM_EPS = 1e-12; // F.normalize's eps

    private final Conv1d inProj;
    private final Conv1d outProj;
    private final Embedding codebook;

    private VectorQuantize(Conv1d inProj, Conv1d outProj, Embedding codebook) {
        this.inProj = inProj;
        this.outProj = outProj;
        this.codebook = codebook;
    }

    static VectorQuantize create(Params p, String path, int inputDim, int codebookSize, int codebookDim) {
        return new VectorQuantize(
                Conv1d.builder(inputDim, codebookDim, 1).weightNorm().build(p, Params.join(path, "in_proj")),
                Conv1d.builder(codebookDim, inputDim, 1).weightNorm().build(p, Params.join(path, "out_proj")),
                Embedding.create(
                        p, Params.join(path, "codebook"), codebookSize, codebookDim, Embedding.NO_PADDING, 1.0));
    }

    /** What one level produces while encoding. */
    record Step(Tensor zq, Tensor ze, long[] codes, Tensor commitmentLoss, Tensor codebookLoss) {}

    /**
     * Quantises a residual. In the forward value {@code zq} = out_proj(codebook[code]); gradients flow
     * straight through to {@code ze} (the reference's {@code z_e + (z_q - z_e).detach()}). The
     * commitment loss reaches in_proj and the encoder, the codebook loss the codebook rows.
     *
     * @param residual [B, D, T]
     * @param itemMask null (every item counts), or a constant [B, 1, 1] of 0/1: the quantizer-dropout
     *                 mask of this level; the losses are then the reference's
     *                 {@code (per-item mse · mask).mean()} = Σ(sq · mask) / (B·d·T)
     * @return zq [B, D, T], ze [B, d, T], codes [B·T] (b-major), and the two scalar MSE losses
     */
    Step encode(Ops ops, Tensor residual, Tensor itemMask) {
        Tensor ze = inProj.forward(ops, residual);
        long b = ze.size(0);
        long t = ze.size(2);
        long[] codes = nearest(ze.value(), codebook.weight().value());
        Tensor rows = codebook.forward(ops, codes, b, t); // [B, T, d]
        Tensor zq = ops.permute(rows, 0, 2, 1);
        Tensor commitment = maskedMean(ops, ops.square(ops.sub(ze, ops.constant(zq.value()))), itemMask);
        Tensor codebookLoss = maskedMean(ops, ops.square(ops.sub(zq, ops.constant(ze.value()))), itemMask);
        Tensor straight = ops.add(ze, ops.constant(zq.value().sub(ze.value())));
        Tensor out = outProj.forward(ops, straight);
        return new Step(out, ze, codes, commitment, codebookLoss);
    }

    /** {@link #encode(Ops, Tensor, Tensor)} with every item counted. */
    Step encode(Ops ops, Tensor residual) {
        return encode(ops, residual, null);
    }

    private static Tensor maskedMean(Ops ops, Tensor sq, Tensor itemMask) {
        if (itemMask == null) {
            return ops.mean(sq);
        }
        return ops.scale(ops.sum(ops.mul(sq, itemMask)), 1.0 / sq.value().length());
    }

    /**
     * The codebook rows of {@code codes}, as the reference's {@code decode_code}.
     *
     * @param codes [B·T] b-major, each in [0, K)
     * @return [B, d, T]
     */
    Tensor lookup(Ops ops, long[] codes, long batch, long frames) {
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] < 0 || codes[i] >= codebookSize()) {
                throw new IndexOutOfBoundsException("code " + codes[i] + " at batch " + (i / frames) + ", frame "
                        + (i % frames) + " outside [0, " + codebookSize() + ")");
            }
        }
        return ops.permute(codebook.forward(ops, codes, batch, frames), 0, 2, 1);
    }

    /** out_proj of codebook vectors. @param zp [B, d, T] @return [B, D, T] */
    Tensor project(Ops ops, Tensor zp) {
        return outProj.forward(ops, zp);
    }

    /**
     * Index of the codebook row nearest to each frame after L2 normalisation of both, with the
     * reference's distance ‖e‖² − 2e·c + ‖c‖² evaluated in float32.
     *
     * @param ze [B, d, T]; @param table [K, d]
     * @return [B·T], b-major
     */
    static long[] nearest(INDArray ze, INDArray table) {
        if (ze.rank() != 3 || table.rank() != 2 || ze.size(1) != table.size(1)) {
            throw new ShapeMismatchException("vector quantizer: latents must be [B, d, T] with d = "
                    + (table.rank() == 2 ? table.size(1) : "codebook_dim") + " (codebook [K, d] "
                    + Arrays.toString(table.shape())
                    + "), found " + Arrays.toString(ze.shape()));
        }
        int b = (int) ze.size(0);
        int d = (int) ze.size(1);
        int t = (int) ze.size(2);
        int k = (int) table.size(0);
        float[] e = ze.dup('c').data().asFloat();
        float[] c = table.dup('c').data().asFloat();
        float[] cn = new float[k * d];
        float[] c2 = new float[k];
        for (int j = 0; j < k; j++) {
            normalize(c, j * d, 1, d, cn, j * d);
            float s = 0;
            for (int q = 0; q < d; q++) {
                s += cn[j * d + q] * cn[j * d + q];
            }
            c2[j] = s;
        }
        long[] out = new long[b * t];
        float[] en = new float[d];
        for (int bi = 0; bi < b; bi++) {
            for (int ti = 0; ti < t; ti++) {
                normalize(e, bi * d * t + ti, t, d, en, 0);
                float e2 = 0;
                for (int q = 0; q < d; q++) {
                    e2 += en[q] * en[q];
                }
                int best = 0;
                float bestDist = Float.POSITIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    float dot = 0;
                    for (int q = 0; q < d; q++) {
                        dot += en[q] * cn[j * d + q];
                    }
                    float dist = e2 - 2 * dot + c2[j];
                    if (dist < bestDist) { // strict: the first of equal distances wins, as torch.max
                        bestDist = dist;
                        best = j;
                    }
                }
                out[bi * t + ti] = best;
            }
        }
        return out;
    }

    private static void normalize(float[] src, int off, int stride, int d, float[] dst, int dstOff) {
        double s = 0;
        for (int q = 0; q < d; q++) {
            double v = src[off + q * stride];
            s += v * v;
        }
        float norm = (float) Math.max(Math.sqrt(s), NORM_EPS);
        for (int q = 0; q < d; q++) {
            dst[dstOff + q] = src[off + q * stride] / norm;
        }
    }

    int codebookSize() {
        return (int) codebook.weight().size(0);
    }

    @Override
    public Map<String, Tensor> parameters() {
        return Map.of();
    }

    @Override
    public Map<String, Module> children() {
        Map<String, Module> m = new LinkedHashMap<>();
        m.put("in_proj", inProj);
        m.put("out_proj", outProj);
        m.put("codebook", codebook);
        return m;
    }
}
