package io.visage.nn.kernel;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErfTest {
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

    // ---- high-precision double reference ----

    /** erf(x) = 2/√π · e^(−x²) · Σ_n 2ⁿ x^(2n+1) / (1·3·…·(2n+1)): all terms positive, no cancellation. */
    static double erfSeries(double x) {
        double term = x;
        double sum = x;
        for (int n = 1; n < 2000; n++) {
            term *= 2 * x * x / (2 * n + 1);
            sum += term;
            if (term < sum * 1e-18) {
                break;
            }
        }
        return TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
    }

    /** erfc(x) for x ≥ 2 from the continued fraction e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))). */
    static double erfcContinuedFraction(double x) {
        double f = x;
        for (int n = 400; n >= 1; n--) {
            f = x + (n / 2.0) / f;
        }
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
    }

    static double erfRef(double x) {
        double ax = Math.abs(x);
        double r = ax <= 3 ? erfSeries(ax) : 1 - erfcContinuedFraction(ax);
        return Math.copySign(r, x);
    }

    static double geluRef(float x) {
        return x * 0.5 * (1 + erfRef(x / Math.sqrt(2)));
    }

    /** Error in units of the float ulp at the reference value. */
    static double ulps(float actual, double ref) {
        return Math.abs(actual - ref) / Math.ulp((float) ref);
    }

    /** Dense grid on [−6, 6] (step 2⁻¹⁴) plus tiny magnitudes down to 1e−30. */
    static float[] grid() {
        int n = 12 * (1 << 14) + 1;
        float[] g = new float[n + 2 * 300];
        for (int i = 0; i < n; i++) {
            g[i] = -6f + i / (float) (1 << 14);
        }
        for (int i = 0; i < 300; i++) {
            float t = (float) Math.pow(10, -30 + i * 0.1);
            g[n + 2 * i] = t;
            g[n + 2 * i + 1] = -t;
        }
        return g;
    }

    @Test
    void reference_knownValuesAndBothMethodsAgree() {
        // 20-digit values from mpmath
        double[][] known = {
            {0.001, 0.0011283787909692363799},
            {0.5, 0.52049987781304653768},
            {1, 0.84270079294971486934},
            {1.5, 0.96610514647531072707},
            {2, 0.99532226501895273416},
            {3, 0.99997790950300141456},
            {3.5, 0.99999925690162765859},
            {5, 0.99999999999846254021}
        };
        for (double[] k : known) {
            assertEquals(k[1], erfRef(k[0]), 1e-15, "erf(" + k[0] + ")");
        }
        assertEquals(1.5374597944280348502e-12, erfcContinuedFraction(5), 1e-26);
        for (double x = 2; x <= 4; x += 0.01) {
            assertEquals(erfSeries(x), 1 - erfcContinuedFraction(x), 3e-15, "series vs continued fraction at " + x);
        }
    }

    @Test
    void erf_scalarOnDenseGrid_withinThreeQuartersOfAnUlp() {
        double worst = 0;
        float worstAt = 0;
        for (float x : grid()) {
            double u = ulps(Erf.erf(x), erfRef(x));
            if (u > worst) {
                worst = u;
                worstAt = x;
            }
        }
        assertTrue(worst <= 0.75, "max error " + worst + " ulp at x=" + worstAt);
    }

    @Test
    void erf_vectorOnDenseGrid_withinAboutOneUlp() {
        float[] g = grid();
        float[] out = new float[g.length];
        VectorMath.erf(g, 0, out, 0, g.length, false);
        int i = g.length / VectorMath.S.length() * VectorMath.S.length(); // vector lanes only, not the scalar tail
        double worst = 0;
        float worstAt = 0;
        for (int j = 0; j < i; j++) {
            double u = ulps(out[j], erfRef(g[j]));
            if (u > worst) {
                worst = u;
                worstAt = g[j];
            }
        }
        assertTrue(worst <= 1.25, "max error " + worst + " ulp at x=" + worstAt);
    }

    @Test
    void erf_specialValues_asLibm() {
        float[] xs = {
            0f,
            -0f,
            Float.NaN,
            Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY,
            4f,
            -4f,
            10f,
            1e30f,
            Float.MIN_VALUE,
            1f,
            -1f,
            3.99f
        };
        float[] vec = new float[VectorMath.S.length() * 2];
        System.arraycopy(xs, 0, vec, 0, xs.length);
        float[] out = new float[vec.length];
        VectorMath.erf(vec, 0, out, 0, vec.length, false);
        float[] expected = {
            0f,
            -0f,
            Float.NaN,
            1f,
            -1f,
            1f,
            -1f,
            1f,
            1f,
            (float) (TWO_OVER_SQRT_PI * Float.MIN_VALUE),
            (float) erfRef(1),
            (float) -erfRef(1),
            (float) erfRef(3.99f)
        };
        assertTrue(Float.isNaN(Erf.erf(Float.NaN)) && Float.isNaN(out[2]), "erf(NaN)");
        for (int i = 0; i < xs.length; i++) {
            if (Float.isNaN(xs[i])) {
                continue;
            }
            assertEquals(expected[i], Erf.erf(xs[i]), Math.ulp(expected[i]), "scalar erf(" + xs[i] + ")");
            assertEquals(expected[i], out[i], Math.ulp(expected[i]), "vector erf(" + xs[i] + ")");
        }
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(Erf.erf(-0f)));
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(out[1]));
    }

    @Test
    void gelu_scalarAndVector_withinOneMillionthOfDoubleReference() {
        int n = 200_001;
        float[] x = new float[n + 6];
        for (int i = 0; i < n; i++) {
            x[i] = -10f + i * 1e-4f;
        }
        x[n] = 50f;
        x[n + 1] = -50f;
        x[n + 2] = 0f;
        x[n + 3] = 1e-20f;
        x[n + 4] = -3.7e4f;
        x[n + 5] = 8.1e3f;
        float[] vector = new float[x.length];
        float[] scalar = new float[x.length];
        VectorRowKernels.gelu(x, 0, vector, 0, x.length);
        RowKernels.geluScalar(x, 0, scalar, 0, x.length);
        double worstV = 0;
        double worstS = 0;
        for (int i = 0; i < x.length; i++) {
            double ref = geluRef(x[i]);
            double tol = Math.max(1e-6, Math.ulp((float) ref)); // huge |x|: gelu(x) = x or -0
            worstV = Math.max(worstV, Math.abs(vector[i] - ref) / tol);
            worstS = Math.max(worstS, Math.abs(scalar[i] - ref) / tol);
            assertEquals(Erf.gelu(x[i]), scalar[i]);
        }
        assertTrue(worstV < 1, "vector gelu max error " + worstV + " x 1e-6");
        assertTrue(worstS < 1, "scalar gelu max error " + worstS + " x 1e-6");
    }

    @Test
    void expShiftSum_vector_withinTwoUlpsAndLimits() {
        int n = 1 << 18;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = -110f + 200f * i / n;
        }
        float[] out = x.clone();
        float sum = VectorMath.expShiftSum(out, 0, n, 0f);
        assertTrue(Float.isInfinite(sum), "the grid reaches exp(90)");
        double worst = 0;
        float worstAt = 0;
        for (int i = 0; i < n; i++) {
            double ref = Math.exp(x[i]);
            double err;
            if (ref < Float.MIN_NORMAL) {
                err = Math.abs(out[i] - ref) / Float.MIN_VALUE; // subnormal or zero: absolute, in ulps of MIN_VALUE
            } else if (ref > Float.MAX_VALUE) {
                err = out[i] == Float.POSITIVE_INFINITY ? 0 : Double.POSITIVE_INFINITY;
            } else {
                err = ulps(out[i], ref);
            }
            if (err > worst) {
                worst = err;
                worstAt = x[i];
            }
        }
        assertTrue(worst <= 2, "max error " + worst + " ulp at x=" + worstAt);
        float[] special = new float[VectorMath.S.length()];
        special[0] = Float.NEGATIVE_INFINITY;
        special[1] = Float.POSITIVE_INFINITY;
        special[2] = Float.NaN;
        special[3] = -1000f;
        special[4] = 0f;
        VectorMath.expShiftSum(special, 0, special.length, 0f);
        assertEquals(0f, special[0]);
        assertEquals(Float.POSITIVE_INFINITY, special[1]);
        assertTrue(Float.isNaN(special[2]));
        assertEquals(0f, special[3]);
        assertEquals(1f, special[4]);
    }
}
