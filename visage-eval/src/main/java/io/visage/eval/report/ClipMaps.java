package io.visage.eval.report;

import io.visage.eval.spatial.AudioEnergyMap;
import io.visage.eval.spatial.EqualAreaSampler;
import io.visage.nn.ShapeMismatchException;
import io.visage.nn.io.Npz;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorSource;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The equal-area sampled energy maps of one clip, as the reference's ground-truth {@code .npz}.
 *
 * @param map     [L] whole clip (npz key {@code map})
 * @param map1fps [clipSeconds][L] one-second windows ({@code map_1fps})
 * @param map5fps [clipSeconds * 5][L] 0.2-second windows ({@code map_5fps})
 */
public record ClipMaps(double[] map, double[][] map1fps, double[][] map5fps) {
    public static final String KEY_MAP = "map";
    public static final String KEY_1FPS = "map_1fps";
    public static final String KEY_5FPS = "map_5fps";

    /**
     * Truncates or zero-pads FOA audio to the clip length, then samples the whole-clip, 1 s and fine
     * window maps.
     *
     * @param foa [4][N] W, Y, Z, X
     */
    public static ClipMaps compute(float[][] foa, int sampleRateHz, SpatialEvalConfig cfg) {
        float[][] clip = fitToClip(foa, cfg.clipSamples(sampleRateHz));
        int n = clip[0].length;
        double[] whole = sampled(clip, 0, n, cfg);
        double[][] coarse = windows(clip, sampleRateHz, cfg);
        double[][] fine = windows(clip, cfg.fineWindowSamples(sampleRateHz), cfg);
        return new ClipMaps(whole, coarse, fine);
    }

    private static double[][] windows(float[][] clip, int window, SpatialEvalConfig cfg) {
        int count = clip[0].length / window;
        double[][] out = new double[count][];
        for (int w = 0; w < count; w++) {
            out[w] = sampled(clip, w * window, window, cfg);
        }
        return out;
    }

    private static double[] sampled(float[][] clip, int from, int len, SpatialEvalConfig cfg) {
        return EqualAreaSampler.sample(AudioEnergyMap.compute(clip, from, len, cfg.decoder(), cfg.grid()));
    }

    /** The reference's truncate / zero-pad of every channel to exactly {@code samples}. */
    public static float[][] fitToClip(float[][] foa, int samples) {
        float[][] out = new float[foa.length][];
        for (int ch = 0; ch < foa.length; ch++) {
            out[ch] = java.util.Arrays.copyOf(foa[ch], samples);
        }
        return out;
    }

    /** Writes {@code map}, {@code map_1fps}, {@code map_5fps} (float64) as {@code np.savez} does. */
    public void writeNpz(Path file) {
        Map<String, org.nd4j.linalg.api.ndarray.INDArray> m = new LinkedHashMap<>();
        m.put(KEY_MAP, Nd4j.createFromArray(map));
        m.put(KEY_1FPS, Nd4j.createFromArray(map1fps));
        m.put(KEY_5FPS, Nd4j.createFromArray(map5fps));
        Npz.write(file, m);
    }

    /**
     * Reads a ground-truth {@code .npz} (ours or the reference's).
     *
     * @param expectedLength the sampled-map length of the evaluation grid
     * @throws ShapeMismatchException naming the file and key when a shape is off
     */
    public static ClipMaps readNpz(Path file, int expectedLength) {
        try (TensorSource src = TensorFiles.open(file)) {
            double[] map = src.doubles(KEY_MAP);
            check(file, KEY_MAP, src.shape(KEY_MAP), 1, expectedLength);
            return new ClipMaps(
                    map, rows(src, file, KEY_1FPS, expectedLength), rows(src, file, KEY_5FPS, expectedLength));
        }
    }

    private static double[][] rows(TensorSource src, Path file, String key, int len) {
        long[] shape = src.shape(key);
        check(file, key, shape, 2, len);
        double[] flat = src.doubles(key);
        double[][] out = new double[(int) shape[0]][len];
        for (int r = 0; r < out.length; r++) {
            System.arraycopy(flat, r * len, out[r], 0, len);
        }
        return out;
    }

    private static void check(Path file, String key, long[] shape, int rank, int len) {
        if (shape.length != rank || shape[rank - 1] != len) {
            throw new ShapeMismatchException(
                    file + ": '" + key + "' expected shape " + (rank == 1 ? "[" + len + "]" : "[windows, " + len + "]")
                            + " but found " + java.util.Arrays.toString(shape));
        }
    }
}
