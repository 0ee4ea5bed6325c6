package io.visage.eval.semantic.vggish;

import io.visage.nn.Checks;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.module.Init;
import io.visage.nn.module.Module;
import io.visage.nn.module.Params;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * torchvggish's {@code Postprocessor} ({@code pproc}), the PCA + 8-bit quantisation of the released
 * AudioSet embeddings: {@code q = round((clamp(V·(x − μ), −2, 2) + 2) · 255/4)} with round half to
 * even, in float32 like the reference. Parameters {@code pca_eigen_vectors} V [D, D] and {@code
 * pca_means} μ [D, 1]. The output is quantised, so no gradient flows through it.
 */
public final class VggishPostprocessor implements Module {
    /** Lower clamp of the PCA output. */
    public static final float QUANTIZE_MIN = -2.0f;
    /** Upper clamp of the PCA output. */
    public static final float QUANTIZE_MAX = 2.0f;

    private final Tensor eigenVectors;
    private final Tensor means;

    private VggishPostprocessor(Tensor eigenVectors, Tensor means) {
        this.eigenVectors = eigenVectors;
        this.means = means;
    }

    /**
     * @param path state-dict prefix ({@code "pproc"})
     * @param dim  D, the embedding width
     */
    static VggishPostprocessor create(Params p, String path, int dim) {
        Tensor v = p.take(Params.join(path, "pca_eigen_vectors"), Init.normal(1.0 / Math.sqrt(dim)), dim, dim);
        Tensor m = p.take(Params.join(path, "pca_means"), Init.zeros(), dim, 1);
        return new VggishPostprocessor(v, m);
    }

    /** From the two arrays of a PCA file ({@code pca_eigen_vectors} [D, D], {@code pca_means} [D] or [D, 1]). */
    static VggishPostprocessor of(INDArray eigenVectors, INDArray means) {
        long d = eigenVectors.size(0);
        return new VggishPostprocessor(
                Tensor.parameter(eigenVectors.castTo(DataType.FLOAT).reshape('c', d, d)),
                Tensor.parameter(means.castTo(DataType.FLOAT).reshape('c', d, 1)));
    }

    /** D. */
    public int dimension() {
        return (int) eigenVectors.size(0);
    }

    /** V [D, D]. */
    public Tensor eigenVectors() {
        return eigenVectors;
    }

    /** μ [D, 1]. */
    public Tensor means() {
        return means;
    }

    /**
     * PCA, clamp and quantisation.
     *
     * @param embeddings [E, D] (the embeddings with the final ReLU)
     * @return [E, D] float32 values in 0..255
     */
    public INDArray apply(INDArray embeddings) {
        int d = dimension();
        Checks.shape("pproc", "embeddings", embeddings, Checks.ANY, d);
        INDArray x = embeddings.castTo(DataType.FLOAT);
        INDArray centred = x.subRowVector(means.value().reshape(1, d));
        // (V·(x − μ)ᵀ)ᵀ = (x − μ)·Vᵀ
        INDArray pca = Nd4j.gemm(centred, eigenVectors.value(), false, true);
        float[] v = pca.dup('c').data().asFloat();
        float scale = 255.0f / (QUANTIZE_MAX - QUANTIZE_MIN);
        for (int i = 0; i < v.length; i++) {
            float c = Math.min(Math.max(v[i], QUANTIZE_MIN), QUANTIZE_MAX);
            v[i] = (float) Math.rint((c - QUANTIZE_MIN) * scale);
        }
        return Nd4j.create(v, new long[] {x.size(0), d}, 'c');
    }

    @Override
    public Map<String, Tensor> parameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("pca_eigen_vectors", eigenVectors);
        m.put("pca_means", means);
        return m;
    }

    @Override
    public Map<String, Module> children() {
        return Map.of();
    }
}
