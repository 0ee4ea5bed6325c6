package io.visage.core.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where each file of a prepared dataset lives (see the package documentation).
 *
 * @param root the dataset folder
 */
public record DatasetLayout(Path root) {
    /** Codes of the recordings as they are. */
    public static final String DAC = "dac";
    /** Codes of the rotated recordings (rotation augmentation). */
    public static final String DAC_ROTATED = "dac_rotated";
    /** CLIP image embeddings per frame. */
    public static final String CLIP = "clip";
    /** Patchwise energy maps per frame. */
    public static final String ENERGY_MAP = "energy_map";
    /** Camera directions of the clips. */
    public static final String AMBI_JSON = "ambi.json";
    /** The CSV splits, in the reference's names. */
    public static final List<String> SPLITS = List.of("train", "valid", "test");
    /** The single CSV column. */
    public static final String FILE_PATH_COLUMN = "file_path";

    /** The per-clip feature folders, in the order {@code prepare} writes a clip's files. */
    public static final List<String> FEATURES = List.of(CLIP, ENERGY_MAP, DAC, DAC_ROTATED);

    public DatasetLayout {
        if (root == null) {
            throw new IllegalArgumentException("dataset folder is null");
        }
    }

    public Path dac(String clipId) {
        return root.resolve(DAC).resolve(clipId + ".npy");
    }

    public Path dacRotated(String clipId) {
        return root.resolve(DAC_ROTATED).resolve(clipId + ".npy");
    }

    public Path clip(String clipId) {
        return root.resolve(CLIP).resolve(clipId + ".npy");
    }

    public Path energyMap(String clipId) {
        return root.resolve(ENERGY_MAP).resolve(clipId + ".npy");
    }

    public Path ambiJson() {
        return root.resolve(AMBI_JSON);
    }

    /** {@code <split>.csv}, split one of {@link #SPLITS}. */
    public Path split(String split) {
        return root.resolve(relativeSplit(split));
    }

    /** {@code <feature>/<clipId>.npy}, feature one of {@link #FEATURES}, relative to the dataset folder. */
    public static String relative(String feature, String clipId) {
        if (!FEATURES.contains(feature)) {
            throw new IllegalArgumentException("feature must be one of " + FEATURES + " but was '" + feature + "'");
        }
        return feature + "/" + clipId + ".npy";
    }

    /** {@code <split>.csv} relative to the dataset folder, split one of {@link #SPLITS}. */
    public static String relativeSplit(String split) {
        if (!SPLITS.contains(split)) {
            throw new IllegalArgumentException("split must be one of " + SPLITS + " but was '" + split + "'");
        }
        return split + ".csv";
    }

    /** Creates the four feature folders. */
    public void createFolders() {
        try {
            for (String d : FEATURES) {
                Files.createDirectories(root.resolve(d));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(root + ": cannot create dataset folders: " + e.getMessage(), e);
        }
    }
}
