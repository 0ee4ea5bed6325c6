package io.visage.nn.kernel;

import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** {@link AdamWKernel}'s element loop on the Vector API; load only when the module is present. */
final class VectorAdamW {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private VectorAdamW() {}

    static void update(
            AdamWKernel.Step s, DirectFloats p, DirectFloats g, DirectFloats m, DirectFloats v, int from, int to) {
        float scale = (float) s.gradScale();
        float decay = (float) s.decay();
        float b1 = (float) s.beta1();
        float c1 = (float) (1 - s.beta1());
        float b2 = (float) s.beta2();
        float c2 = (float) (1 - s.beta2());
        float stepSize = (float) s.stepSize();
        float bc2 = (float) s.bc2Sqrt();
        float eps = (float) s.eps();
        int i = from;
        int bound = from + S.loopBound(to - from);
        for (; i < bound; i += L) {
            int pi = p.byteOffset() + 4 * i;
            int mi = m.byteOffset() + 4 * i;
            int vi = v.byteOffset() + 4 * i;
            FloatVector gr = FloatVector.fromByteBuffer(S, g.bytes(), g.byteOffset() + 4 * i, LE)
                    .mul(scale);
            FloatVector pv = FloatVector.fromByteBuffer(S, p.bytes(), pi, LE).mul(decay);
            FloatVector mv =
                    FloatVector.fromByteBuffer(S, m.bytes(), mi, LE).mul(b1).add(gr.mul(c1));
            FloatVector vv = FloatVector.fromByteBuffer(S, v.bytes(), vi, LE)
                    .mul(b2)
                    .add(gr.mul(gr).mul(c2));
            FloatVector denom = vv.sqrt().div(bc2).add(eps);
            pv.sub(mv.div(denom).mul(stepSize)).intoByteBuffer(p.bytes(), pi, LE);
            mv.intoByteBuffer(m.bytes(), mi, LE);
            vv.intoByteBuffer(v.bytes(), vi, LE);
        }
        AdamWKernel.updateScalar(s, p, g, m, v, i, to);
    }
}
