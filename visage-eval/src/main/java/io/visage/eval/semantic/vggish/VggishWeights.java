package io.visage.eval.semantic.vggish;

import io.visage.nn.CheckpointFormatException;
import io.visage.nn.StateDictMismatchException;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorInfo;
import io.visage.nn.io.TensorSource;
import io.visage.nn.module.LoadedParams;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Loads {@link Vggish} strictly by the reference's state-dict names: every tensor the config
 * implies must be present with exactly its shape, and nothing else may be in the file; all problems
 * are reported together ({@link StateDictMismatchException}, naming the file). Files are read by
 * content ({@link TensorFiles}: safetensors, PyTorch zip checkpoints, .npz).
 *
 * <p>The released model comes as two files (torch.hub {@code harritaylor/torchvggish}): {@code
 * vggish-10086976.pth} ({@code features.*}, {@code embeddings.*}) and {@code
 * vggish_pca_params-970ea276.pth} ({@code pca_eigen_vectors} [128, 128], {@code pca_means} [128]),
 * the latter also published by Google as {@code vggish_pca_params.npz}.
 */
public final class VggishWeights {
    /** Key of V in a separate PCA file. */
    public static final String PCA_EIGEN_VECTORS = "pca_eigen_vectors";
    /** Key of μ in a separate PCA file. */
    public static final String PCA_MEANS = "pca_means";
    /** Prefix of the postprocessor's tensors in a module state dict. */
    public static final String PPROC_PREFIX = "pproc.";

    private VggishWeights() {}

    /**
     * Builds the network from an opened module state dict; the postprocessor is built when the
     * source holds {@code pproc.*} tensors (then both must be there).
     *
     * @throws StateDictMismatchException naming every missing, unexpected and wrong-shape tensor
     */
    public static Vggish load(TensorSource weights, VggishConfig config) {
        return build(weights, config, hasPostprocessor(weights));
    }

    /**
     * Loads the network from {@code weights} and, when {@code pcaOrNull} is given, the
     * postprocessor from that separate PCA file ({@code .pth} of torch tensors or {@code .npz}).
     * Without a PCA file the postprocessor is taken from {@code pproc.*} in {@code weights} if it
     * is there.
     *
     * @throws UncheckedIOException naming a file that does not exist or cannot be read
     * @throws CheckpointFormatException for a file that is not a readable tensor file (pickled numpy
     *                                   arrays included, with a pointer to the .npz)
     * @throws StateDictMismatchException for missing, unexpected or wrong-shape tensors
     */
    public static Vggish load(Path weights, Path pcaOrNull, VggishConfig config) {
        requireFile(weights, "weights");
        if (pcaOrNull != null) {
            requireFile(pcaOrNull, "PCA parameters");
        }
        Vggish model;
        try (TensorSource w = TensorFiles.open(weights)) {
            if (pcaOrNull == null) {
                return load(w, config);
            }
            if (hasPostprocessor(w)) {
                throw new IllegalArgumentException("vggish: " + weights + " already holds the postprocessor "
                        + postprocessorKeys(w) + " and PCA parameters were also given (" + pcaOrNull
                        + "); pass null as the PCA file to use the ones in the weights, or weights without pproc.*");
            }
            model = build(w, config, false);
        }
        return model.withPostprocessor(loadPca(pcaOrNull, config.embedding()));
    }

    /**
     * Reads a separate PCA file: exactly {@code pca_eigen_vectors} [D, D] and {@code pca_means} [D]
     * (or [D, 1]), any float dtype.
     */
    public static VggishPostprocessor loadPca(Path pca, int dim) {
        requireFile(pca, "PCA parameters");
        try (TensorSource s = openPca(pca)) {
            List<String> missing = new ArrayList<>();
            List<String> unexpected = new ArrayList<>();
            List<String> shapes = new ArrayList<>();
            for (String k : List.of(PCA_EIGEN_VECTORS, PCA_MEANS)) {
                if (!s.contains(k)) {
                    missing.add(k);
                }
            }
            for (TensorInfo t : s.tensors()) {
                if (!t.name().equals(PCA_EIGEN_VECTORS) && !t.name().equals(PCA_MEANS)) {
                    unexpected.add(t.name());
                }
            }
            if (s.contains(PCA_EIGEN_VECTORS) && !Arrays.equals(s.shape(PCA_EIGEN_VECTORS), new long[] {dim, dim})) {
                shapes.add(PCA_EIGEN_VECTORS + ": expected [" + dim + ", " + dim + "] found "
                        + Arrays.toString(s.shape(PCA_EIGEN_VECTORS)));
            }
            if (s.contains(PCA_MEANS)
                    && !Arrays.equals(s.shape(PCA_MEANS), new long[] {dim})
                    && !Arrays.equals(s.shape(PCA_MEANS), new long[] {dim, 1})) {
                shapes.add(PCA_MEANS + ": expected [" + dim + "] or [" + dim + ", 1] found "
                        + Arrays.toString(s.shape(PCA_MEANS)));
            }
            if (!missing.isEmpty() || !unexpected.isEmpty() || !shapes.isEmpty()) {
                throw new StateDictMismatchException(pca.toString(), missing, unexpected, shapes);
            }
            INDArray v = floats(s, PCA_EIGEN_VECTORS);
            INDArray m = floats(s, PCA_MEANS);
            return VggishPostprocessor.of(v, m);
        }
    }

    private static INDArray floats(TensorSource s, String key) {
        INDArray a = s.load(key);
        if (!a.dataType().isFPType()) {
            throw new CheckpointFormatException(s.path(), key + " is " + a.dataType() + ", expected floating point");
        }
        return a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT);
    }

    /** Opens a PCA file, explaining the released torchvggish .pth (pickled numpy arrays) when it is refused. */
    private static TensorSource openPca(Path pca) {
        try {
            return TensorFiles.open(pca);
        } catch (CheckpointFormatException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("numpy")) {
                throw new CheckpointFormatException(
                        pca,
                        "holds pickled numpy arrays (as torchvggish's vggish_pca_params-970ea276.pth does), which the"
                                + " restricted unpickler refuses (unpickling numpy objects can run code); use Google's"
                                + " vggish_pca_params.npz, the same two arrays"
                                + " (https://storage.googleapis.com/audioset/vggish_pca_params.npz), or re-save them"
                                + " as torch tensors. Reader said: " + m,
                        e);
            }
            throw e;
        }
    }

    private static Vggish build(TensorSource source, VggishConfig config, boolean postprocessor) {
        LoadedParams p = new LoadedParams(source, DataType.FLOAT);
        Vggish model = Vggish.create(p, config, postprocessor);
        p.verify();
        return model;
    }

    private static boolean hasPostprocessor(TensorSource s) {
        return !postprocessorKeys(s).isEmpty();
    }

    private static List<String> postprocessorKeys(TensorSource s) {
        List<String> out = new ArrayList<>();
        for (TensorInfo t : s.tensors()) {
            if (t.name().startsWith(PPROC_PREFIX)) {
                out.add(t.name());
            }
        }
        return out;
    }

    private static void requireFile(Path file, String what) {
        if (file == null) {
            throw new IllegalArgumentException("vggish: the " + what + " file is null");
        }
        if (!Files.isRegularFile(file)) {
            throw new UncheckedIOException(
                    "vggish: " + what + " file " + file + " does not exist or is not a regular file",
                    new NoSuchFileException(file.toString()));
        }
    }
}
