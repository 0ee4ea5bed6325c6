package io.visage.audio.dac;

import io.visage.nn.Checks;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.module.Module;
import io.visage.nn.module.ModuleList;
import io.visage.nn.module.Params;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DAC's {@code ResidualVectorQuantize}: {@code quantizers.i} ({@link VectorQuantize}) applied in turn,
 * each to what the previous levels left unexplained. Evaluation semantics: the first
 * {@code nQuantizers} levels are used for every batch item (the training-time quantizer dropout,
 * which draws a random level count per item, is not applied here).
 * Axes: B batch, D latent_dim, N levels, T frames.
 */
public final class ResidualVectorQuantize implements Module {
    private final ModuleList<VectorQuantize> quantizers;

    private ResidualVectorQuantize(List<VectorQuantize> quantizers) {
        this.quantizers = new ModuleList<>(quantizers);
    }

    static ResidualVectorQuantize create(Params p, String path, DacConfig c) {
        List<VectorQuantize> qs = new ArrayList<>();
        for (int i = 0; i < c.nCodebooks(); i++) {
            qs.add(VectorQuantize.create(
                    p,
                    Params.join(path, "quantizers." + i),
                    c.latentDim(),
                    c.codebookSize(),
                    c.codebookDims().get(i)));
        }
        return new ResidualVectorQuantize(qs);
    }

    /** Number of levels. */
    public int levels() {
        return quantizers.size();
    }

    /**
     * Quantises z with the first {@code nQuantizers} levels.
     *
     * @param z [B, D, T]
     * @return z_q [B, D, T], codes [B, n, T] (int64), latents [B, Σ d_i, T], losses (sums over levels of
     *         each level's mean squared error)
     */
    public DacEncoding encode(Ops ops, Tensor z, int nQuantizers) {
        if (nQuantizers < 1 || nQuantizers > levels()) {
            throw new IllegalArgumentException("n_quantizers must be in [1, " + levels() + "], got " + nQuantizers);
        }
        long b = z.size(0);
        long t = z.size(2);
        Tensor residual = z;
        Tensor zq = null;
        Tensor commitment = null;
        Tensor codebookLoss = null;
        List<Tensor> latents = new ArrayList<>();
        INDArray codes = Nd4j.create(DataType.LONG, b, nQuantizers, t);
        for (int i = 0; i < nQuantizers; i++) {
            VectorQuantize.Step s = quantizers.get(i).encode(ops, residual);
            zq = zq == null ? s.zq() : ops.add(zq, s.zq());
            residual = ops.sub(residual, s.zq());
            commitment = commitment == null ? s.commitmentLoss() : ops.add(commitment, s.commitmentLoss());
            codebookLoss = codebookLoss == null ? s.codebookLoss() : ops.add(codebookLoss, s.codebookLoss());
            latents.add(s.ze());
            codes.get(
                            org.nd4j.linalg.indexing.NDArrayIndex.all(),
                            org.nd4j.linalg.indexing.NDArrayIndex.point(i),
                            org.nd4j.linalg.indexing.NDArrayIndex.all())
                    .assign(Nd4j.createFromArray(s.codes()).reshape(b, t));
        }
        Tensor lat = latents.size() == 1 ? latents.get(0) : ops.concat(1, latents.toArray(new Tensor[0]));
        return new DacEncoding(zq, codes, lat, commitment, codebookLoss);
    }

    /**
     * The reference's {@code from_codes}: z = Σ_i out_proj_i(codebook_i[codes_i]) over the levels present.
     *
     * @param codes [B, n, T] integer, n ≤ levels
     * @return z [B, D, T] and z_p [B, Σ d_i, T] (the raw codebook vectors)
     */
    public FromCodes fromCodes(Ops ops, INDArray codes) {
        Checks.shape("quantizer.from_codes", "codes [B, n, T]", codes, Checks.ANY, Checks.ANY, Checks.ANY);
        Checks.require(
                codes.size(1) >= 1 && codes.size(1) <= levels(),
                "quantizer.from_codes",
                "codes must have 1 <= n <= " + levels() + " (n_codebooks) levels, found "
                        + Arrays.toString(codes.shape()));
        long b = codes.size(0);
        long t = codes.size(2);
        Tensor z = null;
        List<Tensor> zp = new ArrayList<>();
        for (int i = 0; i < codes.size(1); i++) {
            long[] ci = codes.get(
                            org.nd4j.linalg.indexing.NDArrayIndex.all(),
                            org.nd4j.linalg.indexing.NDArrayIndex.point(i),
                            org.nd4j.linalg.indexing.NDArrayIndex.all())
                    .dup('c')
                    .data()
                    .asLong();
            Tensor zpi = quantizers.get(i).lookup(ops, ci, b, t);
            zp.add(zpi);
            Tensor zi = quantizers.get(i).project(ops, zpi);
            z = z == null ? zi : ops.add(z, zi);
        }
        return new FromCodes(z, zp.size() == 1 ? zp.get(0) : ops.concat(1, zp.toArray(new Tensor[0])));
    }

    @Override
    public Map<String, Tensor> parameters() {
        return Map.of();
    }

    @Override
    public Map<String, Module> children() {
        return Map.of("quantizers", quantizers);
    }
}
