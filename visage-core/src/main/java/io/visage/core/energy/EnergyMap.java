package io.visage.core.energy;

import io.visage.nn.ShapeMismatchException;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ViSAGe patchwise energy map (SPEC §5.2), with every intermediate.
 *
 * <ol>
 *   <li>U = L2-normalise(patch feature) (eps 1e-12, as {@code F.normalize}).</li>
 *   <li>Spatial score = ‖U − normalise(mean of the existing up/down/left/right neighbours)‖.</li>
 *   <li>Temporal score = ‖U − normalise(A)‖, A[0] = P[1], A[t] = (P[t−1] + P[t+1]) / 2,
 *       A[T−1] = P[T−2]; for T = 1, A = 0 so the score is ‖U‖ (1, or 0 for a zero feature).</li>
 *   <li>Energy = ½·[softmax(spatial / τ) + softmax(temporal / τ)] over the patches of each frame.</li>
 *   <li>Top-p: sort the energy ascending; a patch whose cumulative energy (itself included) is
 *       ≤ 1 − p is removed, i.e. both scores become −∞ there.</li>
 *   <li>Final map = ½·[softmax(filtered spatial / τ') + softmax(filtered temporal / τ')]: removed
 *       patches are exactly 0 and each row sums to 1.</li>
 * </ol>
 *
 * Arithmetic is float32 storage with float64 accumulation; the reference runs in float16 on CUDA
 * for the released features and in float32 for the fixtures.
 *
 * @param frames                 T
 * @param patches                P = H·W
 * @param spatialScore           [T, P]
 * @param temporalScore          [T, P]
 * @param energyMap              [T, P], before filtering
 * @param removed                [T, P], true where top-p filtering removed the patch
 * @param filteredSpatialScore   [T, P], −∞ where removed
 * @param filteredTemporalScore  [T, P], −∞ where removed
 * @param finalEnergyMap         [T, P], the model input
 */
public record EnergyMap(
        int frames,
        int patches,
        float[] spatialScore,
        float[] temporalScore,
        float[] energyMap,
        boolean[] removed,
        float[] filteredSpatialScore,
        float[] filteredTemporalScore,
        float[] finalEnergyMap) {

    private static final double NORMALIZE_EPS = 1e-12;

    /**
     * @param tokens CLIP token features [T, 1 + H·W, C] (class token first), any float type
     * @throws ShapeMismatchException when the token count is not 1 + H·W or T is 0
     */
    public static EnergyMap compute(INDArray tokens, EnergyMapConfig config) {
        if (tokens.rank() != 3) {
            throw new ShapeMismatchException("energy map: tokens expected rank 3 [T, 1 + " + config.patches()
                    + ", C] but found shape " + Arrays.toString(tokens.shape()));
        }
        INDArray f = tokens.dataType() == DataType.FLOAT ? tokens : tokens.castTo(DataType.FLOAT);
        float[] data = f.dup('c').data().asFloat();
        return compute(data, (int) tokens.size(0), (int) tokens.size(1), (int) tokens.size(2), config);
    }

    /**
     * @param tokens row-major [frames, tokenCount, channels], class token first
     * @throws ShapeMismatchException when {@code tokenCount != 1 + H·W}, the array length does not
     *                                match, or there are no frames
     */
    public static EnergyMap compute(float[] tokens, int frames, int tokenCount, int channels, EnergyMapConfig config) {
        int h = config.height();
        int w = config.width();
        int p = config.patches();
        long[] expected = {frames, 1 + p, channels};
        long[] found = {frames, tokenCount, channels};
        if (tokenCount != 1 + p
                || frames < 1
                || channels < 1
                || (long) frames * tokenCount * channels != tokens.length) {
            throw new ShapeMismatchException("energy map: tokens expected shape " + Arrays.toString(expected)
                    + " (T >= 1, class token + " + h + "x" + w + " patches) but found " + Arrays.toString(found)
                    + " with " + tokens.length + " values");
        }
        int c = channels;
        float[] spatial = new float[frames * p];
        float[] temporal = new float[frames * p];
        double[] unit = new double[c];
        double[] other = new double[c];
        for (int t = 0; t < frames; t++) {
            for (int r = 0; r < h; r++) {
                for (int col = 0; col < w; col++) {
                    int patch = r * w + col;
                    normalized(tokens, offset(t, patch, tokenCount, c), c, unit);
                    // spatial: mean of existing 4-neighbours
                    Arrays.fill(other, 0);
                    int n = 0;
                    int[][] nb = {{r - 1, col}, {r + 1, col}, {r, col - 1}, {r, col + 1}};
                    for (int[] q : nb) {
                        if (q[0] >= 0 && q[0] < h && q[1] >= 0 && q[1] < w) {
                            addInto(tokens, offset(t, q[0] * w + q[1], tokenCount, c), c, 1.0, other);
                            n++;
                        }
                    }
                    for (int k = 0; k < c; k++) {
                        other[k] /= n;
                    }
                    spatial[t * p + patch] = (float) distanceToNormalized(unit, other);
                    // temporal: neighbouring frames
                    Arrays.fill(other, 0);
                    if (frames > 1) {
                        boolean interior = t > 0 && t < frames - 1;
                        double weight = interior ? 0.5 : 1.0;
                        if (t > 0) {
                            addInto(tokens, offset(t - 1, patch, tokenCount, c), c, weight, other);
                        }
                        if (t < frames - 1) {
                            addInto(tokens, offset(t + 1, patch, tokenCount, c), c, weight, other);
                        }
                    }
                    temporal[t * p + patch] = (float) distanceToNormalized(unit, other);
                }
            }
        }
        float[] energy = averagedSoftmax(spatial, temporal, frames, p, config.temperature());
        boolean[] removed = topPRemoved(energy, frames, p, config.topP());
        float[] fs = spatial.clone();
        float[] ft = temporal.clone();
        for (int i = 0; i < removed.length; i++) {
            if (removed[i]) {
                fs[i] = Float.NEGATIVE_INFINITY;
                ft[i] = Float.NEGATIVE_INFINITY;
            }
        }
        float[] finalMap = averagedSoftmax(fs, ft, frames, p, config.finalTemperature());
        return new EnergyMap(frames, p, spatial, temporal, energy, removed, fs, ft, finalMap);
    }

    /** The final map as an ND4J array [T, P] (float32). */
    public INDArray finalEnergyMapArray() {
        return Nd4j.create(finalEnergyMap.clone(), new long[] {frames, patches}, 'c');
    }

    private static int offset(int frame, int patch, int tokenCount, int channels) {
        return (frame * tokenCount + 1 + patch) * channels;
    }

    private static void addInto(float[] src, int off, int c, double weight, double[] acc) {
        for (int k = 0; k < c; k++) {
            acc[k] += weight * src[off + k];
        }
    }

    private static void normalized(float[] src, int off, int c, double[] out) {
        double ss = 0;
        for (int k = 0; k < c; k++) {
            ss += (double) src[off + k] * src[off + k];
        }
        double d = Math.max(Math.sqrt(ss), NORMALIZE_EPS);
        for (int k = 0; k < c; k++) {
            out[k] = src[off + k] / d;
        }
    }

    /** ‖unit − v/max(‖v‖, eps)‖. */
    private static double distanceToNormalized(double[] unit, double[] v) {
        double ss = 0;
        for (double x : v) {
            ss += x * x;
        }
        double d = Math.max(Math.sqrt(ss), NORMALIZE_EPS);
        double dist = 0;
        for (int k = 0; k < v.length; k++) {
            double diff = unit[k] - v[k] / d;
            dist += diff * diff;
        }
        return Math.sqrt(dist);
    }

    /** ½·[softmax(a/τ) + softmax(b/τ)] per row of P; −∞ entries get weight 0. */
    static float[] averagedSoftmax(float[] a, float[] b, int frames, int p, double temperature) {
        float[] out = new float[frames * p];
        for (float[] s : new float[][] {a, b}) {
            for (int t = 0; t < frames; t++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < p; i++) {
                    max = Math.max(max, s[t * p + i] / temperature);
                }
                double sum = 0;
                double[] e = new double[p];
                for (int i = 0; i < p; i++) {
                    e[i] = Math.exp(s[t * p + i] / temperature - max);
                    sum += e[i];
                }
                for (int i = 0; i < p; i++) {
                    out[t * p + i] += (float) (0.5 * e[i] / sum);
                }
            }
        }
        return out;
    }

    /** Per row: sort ascending (stable), cumulative sum, remove where cumsum ≤ 1 − topP. */
    static boolean[] topPRemoved(float[] energy, int frames, int p, double topP) {
        boolean[] removed = new boolean[frames * p];
        double threshold = 1 - topP;
        for (int t = 0; t < frames; t++) {
            final int row = t;
            Integer[] order = new Integer[p];
            for (int i = 0; i < p; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (x, y) -> Float.compare(energy[row * p + x], energy[row * p + y]));
            float cum = 0;
            for (int i = 0; i < p; i++) {
                cum += energy[row * p + order[i]];
                if (cum <= (float) threshold) { // torch compares in the tensor dtype
                    removed[row * p + order[i]] = true;
                }
            }
        }
        return removed;
    }
}
