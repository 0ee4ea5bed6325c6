package io.visage.core.data;

import io.visage.core.direction.CameraDirection;
import io.visage.core.pattern.CodePattern;
import io.visage.core.pattern.TokenGrid;
import io.visage.core.train.ClipWindow;
import io.visage.nn.ShapeMismatchException;
import io.visage.nn.io.Npy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One CSV split of a prepared dataset, turned into training items as the reference's
 * {@code PreprocessorAmbi.preprocess_train} does (SPEC §4.3–4.4): per item one draw decides
 * (with probability {@code rotationProbability}) between the rotated codes with the azimuth index
 * shifted by +45 (wrapped) and the original codes; clips with more whole seconds of codes than the
 * window get a random integer-second crop (a second draw); shorter ones are cut or right-padded
 * with the pad id. Every file is checked when the split is opened.
 */
public final class TrainingData {
    private final DatasetLayout layout;
    private final String split;
    private final List<String> ids;
    private final Map<String, CameraDirection> ambi;

    private TrainingData(DatasetLayout layout, String split, List<String> ids, Map<String, CameraDirection> ambi) {
        this.layout = layout;
        this.split = split;
        this.ids = ids;
        this.ambi = ambi;
    }

    /**
     * Opens {@code <root>/<split>.csv}.
     *
     * @throws IllegalArgumentException naming the missing file or the bad CSV line
     */
    public static TrainingData open(Path root, String split) {
        DatasetLayout layout = new DatasetLayout(root);
        Path csv = layout.split(split);
        if (!Files.isRegularFile(csv)) {
            throw new IllegalArgumentException(
                    "dataset " + root + " has no " + csv.getFileName() + " (run `visage prepare` first)");
        }
        if (!Files.isRegularFile(layout.ambiJson())) {
            throw new IllegalArgumentException("dataset " + root + " has no " + DatasetLayout.AMBI_JSON);
        }
        Map<String, CameraDirection> ambi = AmbiIndex.read(layout.ambiJson());
        List<String> lines;
        try {
            lines = Files.readAllLines(csv);
        } catch (IOException e) {
            throw new UncheckedIOException(csv + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty() || !lines.get(0).strip().equals(DatasetLayout.FILE_PATH_COLUMN)) {
            throw new IllegalArgumentException(
                    csv + ": first line must be the header '" + DatasetLayout.FILE_PATH_COLUMN + "' but was "
                            + (lines.isEmpty() ? "empty" : "'" + lines.get(0) + "'"));
        }
        List<String> ids = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String f = lines.get(i).strip();
            if (f.isEmpty()) {
                continue;
            }
            if (!f.endsWith(".npy")) {
                throw new IllegalArgumentException(
                        csv + " line " + (i + 1) + ": expected '<id>.npy' but was '" + f + "'");
            }
            String id = f.substring(0, f.length() - 4);
            if (!ambi.containsKey(id)) {
                throw new IllegalArgumentException(
                        csv + " line " + (i + 1) + ": clip '" + id + "' has no entry in " + layout.ambiJson());
            }
            for (Path p : List.of(layout.dac(id), layout.dacRotated(id), layout.clip(id), layout.energyMap(id))) {
                if (!Files.isRegularFile(p)) {
                    throw new IllegalArgumentException(csv + " line " + (i + 1) + ": missing " + p);
                }
            }
            ids.add(id);
        }
        if (ids.isEmpty()) {
            throw new IllegalArgumentException(csv + " lists no clips");
        }
        return new TrainingData(layout, split, List.copyOf(ids), ambi);
    }

    public String split() {
        return split;
    }

    public int size() {
        return ids.size();
    }

    public List<String> ids() {
        return ids;
    }

    /**
     * One training item.
     *
     * @param clip      [F, d_clip] row-major
     * @param energy    [F, 49] row-major
     * @param direction [3]
     * @param rotated   whether the rotated codes (and shifted camera) were used
     */
    public record Item(
            String id,
            float[] clip,
            float[] energy,
            int clipFrames,
            float[] direction,
            ClipWindow.Targets targets,
            boolean rotated) {}

    /**
     * Builds item {@code index} with the reference's random choices drawn from {@code rng}.
     *
     * @throws ShapeMismatchException naming the file whose shape does not fit the model or window
     */
    public Item item(
            int index,
            ClipWindow window,
            CodePattern pattern,
            int dClip,
            double rotationProbability,
            RandomGenerator rng) {
        boolean rotate = rotationProbability > 0 && rng.nextDouble() < rotationProbability;
        return build(index, window, pattern, dClip, rotate, rng);
    }

    /**
     * Builds item {@code index} as the reference's validation does ({@code preprocess_eval}): the
     * original (unrotated) codes, the window starting at second 0; no random draw.
     *
     * @throws ShapeMismatchException naming the file whose shape does not fit the model or window
     */
    public Item validationItem(int index, ClipWindow window, CodePattern pattern, int dClip) {
        return build(index, window, pattern, dClip, false, null);
    }

    /** @param startRng draws the window's start second, or null for second 0 */
    private Item build(
            int index, ClipWindow window, CodePattern pattern, int dClip, boolean rotate, RandomGenerator startRng) {
        String id = ids.get(index);
        CameraDirection dir = ambi.get(id);
        if (rotate) {
            dir = dir.augmented();
        }
        Path codesFile = rotate ? layout.dacRotated(id) : layout.dac(id);
        INDArray codes = Npy.read(codesFile);
        int k = pattern.codebooks();
        if (codes.rank() != 2 || codes.size(0) < k) {
            throw new ShapeMismatchException(codesFile + ": codes must be [" + k + ", T] (or more rows, the first " + k
                    + " are used) but were " + Arrays.toString(codes.shape()));
        }
        int frames = (int) codes.size(1);
        long[] flat = codes.get(
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(0, k),
                        org.nd4j.linalg.indexing.NDArrayIndex.all())
                .dup('c')
                .castTo(DataType.LONG)
                .data()
                .asLong();
        float[] clip = features(layout.clip(id), dClip);
        float[] energy = features(layout.energyMap(id), io.visage.core.model.VisageConfig.ENERGY_MAP_SIZE);
        int clipRows = clip.length / dClip;
        if (clipRows * io.visage.core.model.VisageConfig.ENERGY_MAP_SIZE != energy.length) {
            throw new ShapeMismatchException(layout.energyMap(id) + ": " + energy.length / 49 + " frames but "
                    + layout.clip(id) + " has " + clipRows);
        }
        int maxSecond = frames / window.dacFrameRate();
        if (maxSecond > window.seconds()) {
            maxSecond = Math.min(maxSecond, clipRows / window.clipFrameRate());
            int start = startRng == null ? 0 : startRng.nextInt(maxSecond - window.seconds() + 1);
            int c0 = start * window.clipFrameRate();
            int c1 = c0 + window.clipFrames();
            clip = Arrays.copyOfRange(clip, c0 * dClip, c1 * dClip);
            energy = Arrays.copyOfRange(energy, c0 * 49, c1 * 49);
            int d0 = start * window.dacFrameRate();
            long[] cut = new long[k * window.codeFrames()];
            for (int c = 0; c < k; c++) {
                System.arraycopy(flat, c * frames + d0, cut, c * window.codeFrames(), window.codeFrames());
            }
            flat = cut;
            frames = window.codeFrames();
        } else {
            clip = window.frames(clip, clipRows, dClip);
            energy = window.frames(energy, clipRows, 49);
        }
        int f = clip.length / dClip;
        if (f != window.clipFrames()) {
            throw new ShapeMismatchException(layout.clip(id) + ": needs " + window.clipFrames() + " frames ("
                    + window.seconds() + " s at " + window.clipFrameRate() + " fps) but has " + clipRows);
        }
        ClipWindow.Targets t = window.targets(pattern, flat, frames, io.visage.core.model.VisageConfig.IGNORE_INDEX);
        return new Item(id, clip, energy, f, dir.vector(), t, rotate);
    }

    private static float[] features(Path file, int width) {
        INDArray a = Npy.read(file);
        if (a.rank() != 2 || a.size(1) != width) {
            throw new ShapeMismatchException(
                    file + ": expected [F, " + width + "] but found " + Arrays.toString(a.shape()));
        }
        return a.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    /** A stacked batch. @param clip [B, F, d_clip] @param energy [B, F, 49] @param direction [B, 3] */
    public record Batch(
            INDArray clip,
            INDArray energy,
            INDArray direction,
            TokenGrid decoderInputs,
            TokenGrid labels,
            List<String> ids) {}

    /** Stacks items of equal frame counts. */
    public static Batch stack(List<Item> items, int dClip) {
        int b = items.size();
        int f = items.get(0).clipFrames();
        float[] clip = new float[b * f * dClip];
        float[] energy = new float[b * f * 49];
        float[] dir = new float[b * 3];
        TokenGrid[] in = new TokenGrid[b];
        TokenGrid[] lab = new TokenGrid[b];
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            Item it = items.get(i);
            System.arraycopy(it.clip(), 0, clip, i * f * dClip, f * dClip);
            System.arraycopy(it.energy(), 0, energy, i * f * 49, f * 49);
            System.arraycopy(it.direction(), 0, dir, i * 3, 3);
            in[i] = it.targets().decoderInputs();
            lab[i] = it.targets().labels();
            ids.add(it.id());
        }
        return new Batch(
                Nd4j.create(clip, new long[] {b, f, dClip}, 'c'),
                Nd4j.create(energy, new long[] {b, f, 49}, 'c'),
                Nd4j.create(dir, new long[] {b, 3}, 'c'),
                TokenGrid.stack(in),
                TokenGrid.stack(lab),
                ids);
    }
}
