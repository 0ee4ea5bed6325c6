package io.visage.nn.kernel;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One AdamW update of a float32 parameter in a single pass over its four arrays (torch's
 * {@code _single_tensor_adamw} order of operations, in float32): with {@code g' = g·gradScale}
 * (clipping folded in), {@code p ← p·(1 − lr·wd)}, {@code m ← m·β1 + g'·(1 − β1)},
 * {@code v ← v·β2 + g'·g'·(1 − β2)}, {@code p ← p − stepSize · m / (√v / √bc2 + ε)}.
 * The parameter, gradient and moments are read in place from their ND4J buffers (float32, contiguous);
 * the element range is split over the threads of a {@link Parallelism}.
 */
public final class AdamWKernel {
    /** Elements per parallel chunk: large enough that scheduling costs nothing next to the memory traffic. */
    private static final int GRAIN = 1 << 16;

    private AdamWKernel() {}

    /**
     * The scalars of one step.
     *
     * @param gradScale  factor applied to the gradient first (the clip coefficient, or 1)
     * @param decay      {@code 1 − lr·weightDecay} (1 for parameters that do not decay)
     * @param beta1      first-moment decay
     * @param beta2      second-moment decay
     * @param stepSize   {@code lr / (1 − β1^t)}
     * @param bc2Sqrt    {@code √(1 − β2^t)}
     * @param eps        added to the denominator
     */
    public record Step(
            double gradScale, double decay, double beta1, double beta2, double stepSize, double bc2Sqrt, double eps) {}

    /**
     * Updates {@code p}, {@code m} and {@code v} in place.
     *
     * @param p parameter, float32 contiguous
     * @param g gradient of p's length
     * @param m first moment of p's length
     * @param v second moment of p's length
     */
    public static void update(Step s, INDArray p, INDArray g, INDArray m, INDArray v, Parallelism par) {
        int n = Math.toIntExact(p.length());
        DirectFloats pf = DirectFloats.vector("AdamWKernel", "parameter", flat(p), n);
        DirectFloats gf = DirectFloats.vector("AdamWKernel", "gradient", flat(g), n);
        DirectFloats mf = DirectFloats.vector("AdamWKernel", "exp_avg", flat(m), n);
        DirectFloats vf = DirectFloats.vector("AdamWKernel", "exp_avg_sq", flat(v), n);
        par.forRange(0, n, GRAIN, (from, to) -> {
            if (VectorApi.PRESENT) {
                VectorAdamW.update(s, pf, gf, mf, vf, from, to);
            } else {
                updateScalar(s, pf, gf, mf, vf, from, to);
            }
        });
        Reference.reachabilityFence(p);
        Reference.reachabilityFence(g);
        Reference.reachabilityFence(m);
        Reference.reachabilityFence(v);
    }

    private static INDArray flat(INDArray a) {
        return a.reshape(a.length());
    }

    /** The element loop in plain Java (also the tail of the vector loop and its reference). */
    static void updateScalar(Step s, DirectFloats p, DirectFloats g, DirectFloats m, DirectFloats v, int from, int to) {
        float scale = (float) s.gradScale();
        float decay = (float) s.decay();
        float b1 = (float) s.beta1();
        float c1 = (float) (1 - s.beta1());
        float b2 = (float) s.beta2();
        float c2 = (float) (1 - s.beta2());
        float stepSize = (float) s.stepSize();
        float bc2 = (float) s.bc2Sqrt();
        float eps = (float) s.eps();
        ByteBuffer pb = p.bytes();
        ByteBuffer gb = g.bytes();
        ByteBuffer mb = m.bytes();
        ByteBuffer vb = v.bytes();
        for (int i = from; i < to; i++) {
            int pi = p.byteOffset() + 4 * i;
            int mi = m.byteOffset() + 4 * i;
            int vi = v.byteOffset() + 4 * i;
            float gr = gb.getFloat(g.byteOffset() + 4 * i) * scale;
            float pv = pb.getFloat(pi) * decay;
            float mv = mb.getFloat(mi) * b1 + gr * c1;
            float vv = vb.getFloat(vi) * b2 + gr * gr * c2;
            float denom = (float) Math.sqrt(vv) / bc2 + eps;
            pb.putFloat(pi, pv - (mv / denom) * stepSize);
            mb.putFloat(mi, mv);
            vb.putFloat(vi, vv);
        }
    }
}
