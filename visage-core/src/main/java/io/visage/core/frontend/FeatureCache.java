package io.visage.core.frontend;

import io.visage.nn.io.Npy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Per-clip feature files in the reference dataset layout ({@code data/preprocess_ambi.py}):
 * {@code <root>/clip/<id>.npy} [F, 512] (the dataset's {@code clip_base_path}) and
 * {@code <root>/energy_map/<id>.npy} [F, 49] ({@code energy_map_path}). The reference stores
 * float16; these are float32 (the model reads float32 either way). The direction is not cached:
 * the dataset derives it from {@code ambi.json}.
 *
 * @param root dataset feature root
 */
public record FeatureCache(Path root) {
    public static final String CLIP_DIR = "clip";
    public static final String ENERGY_DIR = "energy_map";

    /** {@code <root>/clip/<id>.npy}. */
    public Path clipFile(String id) {
        return root.resolve(CLIP_DIR).resolve(checkId(id) + ".npy");
    }

    /** {@code <root>/energy_map/<id>.npy}. */
    public Path energyFile(String id) {
        return root.resolve(ENERGY_DIR).resolve(checkId(id) + ".npy");
    }

    private static String checkId(String id) {
        if (id.isEmpty() || id.contains("/") || id.contains("\\") || id.equals(".") || id.equals("..")) {
            throw new IllegalArgumentException(
                    "clip id must be a plain file name (e.g. <youtube id>_<start>), got '" + id + "'");
        }
        return id;
    }

    /** True when both files of {@code id} exist. */
    public boolean contains(String id) {
        return Files.isRegularFile(clipFile(id)) && Files.isRegularFile(energyFile(id));
    }

    /** [clip [F, O], energy [F, P]] of a cached id. */
    public INDArray[] read(String id) {
        return new INDArray[] {Npy.read(clipFile(id)), Npy.read(energyFile(id))};
    }

    /** Writes both files of {@code id}. */
    public void write(String id, INDArray clip, INDArray energyMap) {
        try {
            Files.createDirectories(clipFile(id).getParent());
            Files.createDirectories(energyFile(id).getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(root + ": cannot create cache folders: " + e.getMessage(), e);
        }
        Npy.write(clipFile(id), clip);
        Npy.write(energyFile(id), energyMap);
    }
}
