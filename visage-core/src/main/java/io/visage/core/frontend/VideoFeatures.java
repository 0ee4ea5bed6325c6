package io.visage.core.frontend;

import io.visage.nn.ShapeMismatchException;
import io.visage.nn.io.Npy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The model's conditioning inputs for one clip.
 *
 * @param clip      CLIP image embeddings {@code encode_image} [F, O] float32 (ViSAGe: O = 512)
 * @param energyMap patchwise energy maps [F, P] float32 (ViSAGe: P = 49), rows sum to 1
 * @param direction camera direction [3] float32
 */
public record VideoFeatures(INDArray clip, INDArray energyMap, INDArray direction) {
    /** File names written by {@link #write(Path)}. */
    public static final String CLIP_FILE = "clip.npy";

    public static final String ENERGY_FILE = "energy_map.npy";
    public static final String DIRECTION_FILE = "direction.npy";

    public VideoFeatures {
        if (clip.rank() != 2 || energyMap.rank() != 2 || clip.size(0) != energyMap.size(0) || direction.length() != 3) {
            throw new ShapeMismatchException(
                    "video features: expected clip [F, O], energy_map [F, P], direction [3] but found "
                            + Arrays.toString(clip.shape()) + ", " + Arrays.toString(energyMap.shape()) + ", "
                            + Arrays.toString(direction.shape()));
        }
    }

    /** F. */
    public long frames() {
        return clip.size(0);
    }

    /** Writes {@code clip.npy}, {@code energy_map.npy} and {@code direction.npy} into {@code dir}. */
    public void write(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot create output folder: " + e.getMessage(), e);
        }
        Npy.write(dir.resolve(CLIP_FILE), clip);
        Npy.write(dir.resolve(ENERGY_FILE), energyMap);
        Npy.write(dir.resolve(DIRECTION_FILE), direction);
    }

    /** A direction vector as a [3] array. */
    static INDArray directionArray(float[] v) {
        return Nd4j.create(v.clone(), new long[] {3}, 'c');
    }
}
