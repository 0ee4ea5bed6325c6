package io.visage.nn.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API path of {@link AttentionKernel} for one (batch, head) pair. */
final class VectorAttention {
    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int L = S.length();

    private VectorAttention() {}

    /**
     * @param cache  index of position 0 of this pair in {@code keys} and {@code values}
     * @param scores scratch of at least {@code length}
     * @param acc    receives the output row, {@code dh} floats
     */
    static void head(
            float[] q,
            int qo,
            float[] keys,
            float[] values,
            int cache,
            int length,
            int dh,
            float[] scores,
            float[] acc) {
        int bound = S.loopBound(dh);
        // scores, four positions at a time so that each q vector is loaded once per four keys
        int t = 0;
        for (; t + 3 < length; t += 4) {
            int k0 = cache + t * dh;
            int k1 = k0 + dh;
            int k2 = k1 + dh;
            int k3 = k2 + dh;
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            FloatVector a3 = FloatVector.zero(S);
            int d = 0;
            for (; d < bound; d += L) {
                FloatVector qv = FloatVector.fromArray(S, q, qo + d);
                a0 = FloatVector.fromArray(S, keys, k0 + d).fma(qv, a0);
                a1 = FloatVector.fromArray(S, keys, k1 + d).fma(qv, a1);
                a2 = FloatVector.fromArray(S, keys, k2 + d).fma(qv, a2);
                a3 = FloatVector.fromArray(S, keys, k3 + d).fma(qv, a3);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD);
            float s1 = a1.reduceLanes(VectorOperators.ADD);
            float s2 = a2.reduceLanes(VectorOperators.ADD);
            float s3 = a3.reduceLanes(VectorOperators.ADD);
            for (; d < dh; d++) {
                float qd = q[qo + d];
                s0 += qd * keys[k0 + d];
                s1 += qd * keys[k1 + d];
                s2 += qd * keys[k2 + d];
                s3 += qd * keys[k3 + d];
            }
            scores[t] = s0;
            scores[t + 1] = s1;
            scores[t + 2] = s2;
            scores[t + 3] = s3;
        }
        for (; t < length; t++) {
            int k0 = cache + t * dh;
            FloatVector a0 = FloatVector.zero(S);
            int d = 0;
            for (; d < bound; d += L) {
                a0 = FloatVector.fromArray(S, keys, k0 + d).fma(FloatVector.fromArray(S, q, qo + d), a0);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD);
            for (; d < dh; d++) {
                s0 += q[qo + d] * keys[k0 + d];
            }
            scores[t] = s0;
        }
        VectorRowKernels.softmax(scores, 0, 1, length);
        // weighted sum of value rows, read front to back
        java.util.Arrays.fill(acc, 0, dh, 0f);
        for (t = 0; t < length; t++) {
            float p = scores[t];
            FloatVector pv = FloatVector.broadcast(S, p);
            int vo = cache + t * dh;
            int d = 0;
            for (; d < bound; d += L) {
                FloatVector.fromArray(S, values, vo + d)
                        .fma(pv, FloatVector.fromArray(S, acc, d))
                        .intoArray(acc, d);
            }
            for (; d < dh; d++) {
                acc[d] += p * values[vo + d];
            }
        }
    }
}
