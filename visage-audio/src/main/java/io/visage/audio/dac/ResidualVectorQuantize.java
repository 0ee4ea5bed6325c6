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
 * each to what the previous levels left unexplained. {@link #encode(Ops, Tensor, int)} has the
 * evaluation semantics (the first {@code nQuantizers} levels for every batch item);
 * {@link #encode(Ops, Tensor, int[])} the training semantics with quantizer dropout (a level count
 * per item, drawn by {@link QuantizerDropout}).
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
        return run(ops, z, nQuantizers, null);
    }

    /**
     * The reference's training-mode forward ({@code self.training}, with quantizer dropout): every
     * level runs on the residual of all levels before it, but level i adds to {@code z_q} and to the
     * losses only for the items with {@code i < levelsPerItem[b]} (the reference's
     * {@code mask = i < n_quantizers}: {@code z_q += z_q_i · mask}, {@code loss += (loss_i · mask).mean()});
     * the residual is updated for every item.
     *
     * @param z             [B, D, T]
     * @param levelsPerItem B counts, each in [1, levels()]
     * @return z_q [B, D, T] (masked sum), codes [B, levels(), T] of every level, latents [B, Σ d_i, T],
     *         masked losses
     */
    public DacEncoding encode(Ops ops, Tensor z, int[] levelsPerItem) {
        long b = z.size(0);
        long t = z.size(2);
        if (levelsPerItem.length != b) {
            throw new IllegalArgumentException("quantizer dropout: " + levelsPerItem.length
                    + " level counts for a batch of " + b + " (z " + Arrays.toString(z.shape()) + ")");
        }
        for (int i = 0; i < levelsPerItem.length; i++) {
            if (levelsPerItem[i] < 1 || levelsPerItem[i] > levels()) {
                throw new IllegalArgumentException("quantizer dropout: item " + i + " uses " + levelsPerItem[i]
                        + " levels, must be in [1, " + levels() + "]");
            }
        }
        return run(ops, z, levels(), levelsPerItem);
    }

    /**
     * Runs levels 0..n−1, each on the residual of all levels before it; with {@code levelsPerItem},
     * level i counts in z_q and in the losses only for the items that use it (null: every item).
     */
    private DacEncoding run(Ops ops, Tensor z, int n, int[] levelsPerItem) {
        long b = z.size(0);
        long t = z.size(2);
        Tensor residual = z;
        Tensor zq = null;
        Tensor commitment = null;
        Tensor codebookLoss = null;
        List<Tensor> latents = new ArrayList<>();
        INDArray codes = Nd4j.create(DataType.LONG, b, n, t);
        for (int i = 0; i < n; i++) {
            Tensor mask = levelsPerItem == null ? null : mask(levelsPerItem, i, z.dataType());
            VectorQuantize.Step s = quantizers.get(i).encode(ops, residual, mask);
            Tensor contribution = mask == null ? s.zq() : ops.mul(s.zq(), mask);
            zq = zq == null ? contribution : ops.add(zq, contribution);
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

    /** The constant [B, 1, 1] mask of level i, or null when every item uses it. */
    private static Tensor mask(int[] levelsPerItem, int level, DataType type) {
        boolean all = true;
        double[] m = new double[levelsPerItem.length];
        for (int j = 0; j < m.length; j++) {
            m[j] = level < levelsPerItem[j] ? 1.0 : 0.0;
            all &= m[j] == 1.0;
        }
        if (all) {
            return null;
        }
        return Tensor.constant(Nd4j.create(m, new long[] {m.length, 1, 1}, 'c').castTo(type));
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
