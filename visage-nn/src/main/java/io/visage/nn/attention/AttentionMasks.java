package io.visage.nn.attention;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Additive attention masks. Blocked positions get the dtype's most negative finite value, as HF does. */
public final class AttentionMasks {
    private AttentionMasks() {}

    /** {@code torch.finfo(dtype).min}. */
    public static double blockedValue(DataType type) {
        return type == DataType.DOUBLE ? -Double.MAX_VALUE : -Float.MAX_VALUE;
    }

    /**
     * Causal mask for {@code t} queries at positions {@code past .. past+t-1} over keys
     * {@code 0 .. past+t-1}: [t, past + t], 0 where key ≤ query position, blocked elsewhere.
     */
    public static INDArray causal(int t, int past, DataType type) {
        int s = past + t;
        double blocked = blockedValue(type);
        double[] m = new double[t * s];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < s; j++) {
                m[i * s + j] = j <= past + i ? 0.0 : blocked;
            }
        }
        return Nd4j.create(m, new long[] {t, s}, 'c').castTo(type);
    }
}
