package io.visage.nn.kernel;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class AdamWKernelTest {
    private static INDArray random(SplittableRandom r, int n, boolean positive) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (positive ? r.nextDouble() : r.nextDouble() * 2 - 1);
        }
        return Nd4j.createFromArray(v);
    }

    @Test
    void update_vectorAndScalarLoops_agreeExactly_andFollowTheFormula() {
        SplittableRandom r = new SplittableRandom(7);
        int n = 1003; // a vector body and a tail
        INDArray p = random(r, n, false);
        INDArray g = random(r, n, false);
        INDArray m = random(r, n, false);
        INDArray v = random(r, n, true);
        AdamWKernel.Step s = new AdamWKernel.Step(0.5, 0.999, 0.9, 0.999, 0.01, 0.3, 1e-8);
        INDArray p2 = p.dup();
        INDArray m2 = m.dup();
        INDArray v2 = v.dup();
        float[] p0 = p.toFloatVector();
        float[] g0 = g.toFloatVector();
        float[] m0 = m.toFloatVector();
        float[] v0 = v.toFloatVector();
        try (Parallelism par = new Parallelism(2)) {
            AdamWKernel.update(s, p, g, m, v, par);
        }
        DirectFloats pf = DirectFloats.vector("t", "p", p2, n);
        AdamWKernel.updateScalar(
                s,
                pf,
                DirectFloats.vector("t", "g", g, n),
                DirectFloats.vector("t", "m", m2, n),
                DirectFloats.vector("t", "v", v2, n),
                0,
                n);
        assertArrayEquals(p2.toFloatVector(), p.toFloatVector());
        assertArrayEquals(m2.toFloatVector(), m.toFloatVector());
        assertArrayEquals(v2.toFloatVector(), v.toFloatVector());
        for (int i = 0; i < n; i += 97) {
            double gr = g0[i] * 0.5;
            double mm = m0[i] * 0.9 + gr * 0.1;
            double vv = v0[i] * 0.999 + gr * gr * 0.001;
            double pp = p0[i] * 0.999 - 0.01 * mm / (Math.sqrt(vv) / 0.3 + 1e-8);
            assertEquals(pp, p.getDouble(i), 1e-5 * Math.max(1, Math.abs(pp)), "element " + i);
            assertEquals(mm, m.getDouble(i), 1e-6);
            assertEquals(vv, v.getDouble(i), 1e-6);
        }
    }
}
