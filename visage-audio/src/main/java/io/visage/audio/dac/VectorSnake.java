package io.visage.audio.dac;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API body of {@link SnakeKernel}; loaded only when {@code jdk.incubator.vector} is present. */
final class VectorSnake {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorSnake() {}

    static void row(ByteBuffer in, int inByte, ByteBuffer out, int outByte, float[] alpha, float[] inverse) {
        int c = 0;
        int bound = S.loopBound(alpha.length);
        for (; c < bound; c += S.length()) {
            FloatVector x = FloatVector.fromByteBuffer(S, in, inByte + 4 * c, ByteOrder.LITTLE_ENDIAN);
            FloatVector s = x.mul(FloatVector.fromArray(S, alpha, c)).lanewise(VectorOperators.SIN);
            x.add(s.mul(s).mul(FloatVector.fromArray(S, inverse, c)))
                    .intoByteBuffer(out, outByte + 4 * c, ByteOrder.LITTLE_ENDIAN);
        }
        SnakeKernel.row(in, inByte, out, outByte, c, alpha, inverse);
    }
}
