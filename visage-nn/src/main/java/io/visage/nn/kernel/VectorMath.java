package io.visage.nn.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lane-wise {@code exp}, {@code erf} and GELU over arrays, written out here so that they are fast
 * on every platform (the Vector API's own {@code EXP} is only fast where the JDK ships SVML stubs)
 * and agree with {@link Erf}. Load only when the Vector API module is present.
 *
 * <p>Each public-to-the-package method is one self-contained loop. Do not factor the lane math into
 * helper methods taking or returning vectors: once such a helper is compiled on its own it is too
 * big for C2 to inline, every vector then gets boxed, and the loop runs about ten times slower.
 * The {@code exp} code therefore appears twice below; keep the two copies in step (both are tested).
 */
final class VectorMath {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private static final float LOG2E = 1.44269504089f;
    /** ln 2 split so that {@code k * LN2_HI} is exact for |k| < 2^15. */
    private static final float LN2_HI = 0.693359375f;

    private static final float LN2_LO = -2.12194440055e-4f;
    /** 1.5 · 2^23: adding it rounds to an integer that sits in the low mantissa bits. */
    private static final float ROUNDER = 12582912f;

    private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);
    // Taylor coefficients of e^r to degree 7: relative truncation error < 6e-9 on |r| <= ln(2)/2
    private static final float E2 = 0.5f;
    private static final float E3 = 1f / 6f;
    private static final float E4 = 1f / 24f;
    private static final float E5 = 1f / 120f;
    private static final float E6 = 1f / 720f;
    private static final float E7 = 1f / 5040f;

    private VectorMath() {}

    /** The largest of {@code x[off, off + n)}; −∞ when {@code n} is 0. */
    static float max(float[] x, int off, int n) {
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int j = 0;
        for (int bound = S.loopBound(n); j < bound; j += L) {
            m = m.max(FloatVector.fromArray(S, x, off + j));
        }
        float r = m.reduceLanes(VectorOperators.MAX);
        for (; j < n; j++) {
            r = Math.max(r, x[off + j]);
        }
        return r;
    }

    /**
     * {@code x[i] = exp(x[i] − shift)} for {@code i} in {@code [off, off + n)}, returning the sum of
     * the results (float accumulation). exp is within about 1 ulp for results in the normal range;
     * 0 or subnormal below about −87.3, +∞ above about 88.7, NaN for NaN.
     */
    static float expShiftSum(float[] x, int off, int n, float shift) {
        FloatVector sum = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1f);
        int bound = S.loopBound(n);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i).sub(shift);
            // ---- exp(v), copy 1 of 2 ----
            FloatVector xc = v.max(-104f).min(89f); // NaN stays NaN
            FloatVector t = xc.fma(LOG2E, ROUNDER);
            FloatVector k = t.sub(ROUNDER); // round(v / ln 2)
            FloatVector r = xc.sub(k.mul(LN2_HI)); // k * LN2_HI is exact
            r = k.fma(k.broadcast(-LN2_LO), r); // |r| <= ln(2)/2
            FloatVector p = r.fma(E7, E6);
            p = p.fma(r, p.broadcast(E5));
            p = p.fma(r, p.broadcast(E4));
            p = p.fma(r, p.broadcast(E3));
            p = p.fma(r, p.broadcast(E2));
            p = p.fma(r, one);
            p = p.fma(r, one);
            // 2^k as 2^k1 * 2^k2 so that k in [-150, 129] never leaves the normal exponent range
            IntVector ki = t.reinterpretAsInts().sub(ROUNDER_BITS);
            IntVector k1 = ki.lanewise(VectorOperators.ASHR, 1);
            IntVector k2 = ki.sub(k1);
            FloatVector e = p.mul(k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                    .mul(k2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            // ---- end exp ----
            e.intoArray(x, off + i);
            sum = sum.add(e);
        }
        float s = sum.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - shift);
            x[off + i] = e;
            s += e;
        }
        return s;
    }

    /**
     * {@code y = erf(x)} (or, with {@code gelu}, {@code y = x · 0.5 · (1 + erf(x / √2))}) for
     * {@code len} elements, with the approximation of {@link Erf} and fused multiply-adds; within
     * about 1 ulp. {@code y} may be {@code x} at the same offset.
     */
    static void erf(float[] x, int xOff, float[] y, int yOff, int len, boolean gelu) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int bound = S.loopBound(len);
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector in = FloatVector.fromArray(S, x, xOff + i);
            FloatVector z = gelu ? in.mul(Erf.SQRT1_2) : in;
            FloatVector az = z.abs();
            VectorMask<Float> small = az.lt(1f);
            // |z| < 1: z + z * P(z^2)
            FloatVector s = z.mul(z);
            FloatVector q = s.fma(Erf.P6, Erf.P5);
            q = q.fma(s, q.broadcast(Erf.P4));
            q = q.fma(s, q.broadcast(Erf.P3));
            q = q.fma(s, q.broadcast(Erf.P2));
            q = q.fma(s, q.broadcast(Erf.P1));
            q = q.fma(s, q.broadcast(Erf.P0));
            FloatVector erf = z.fma(q, z);
            if (!small.allTrue()) {
                // 1 <= |z| < 4: 1 - exp(-z^2) * R(1/|z|); clamping to [1, 4] keeps other lanes finite
                FloatVector a = az.max(1f).min(Erf.ONE_FROM);
                FloatVector u = one.div(a);
                FloatVector r = u.fma(Erf.R9, Erf.R8);
                r = r.fma(u, r.broadcast(Erf.R7));
                r = r.fma(u, r.broadcast(Erf.R6));
                r = r.fma(u, r.broadcast(Erf.R5));
                r = r.fma(u, r.broadcast(Erf.R4));
                r = r.fma(u, r.broadcast(Erf.R3));
                r = r.fma(u, r.broadcast(Erf.R2));
                r = r.fma(u, r.broadcast(Erf.R1));
                r = r.fma(u, r.broadcast(Erf.R0));
                // ---- exp(-a^2), copy 2 of 2 (argument in [-16, -1], no clamping needed) ----
                FloatVector xc = a.mul(a).neg();
                FloatVector t = xc.fma(LOG2E, ROUNDER);
                FloatVector k = t.sub(ROUNDER);
                FloatVector rr = xc.sub(k.mul(LN2_HI));
                rr = k.fma(k.broadcast(-LN2_LO), rr);
                FloatVector p = rr.fma(E7, E6);
                p = p.fma(rr, p.broadcast(E5));
                p = p.fma(rr, p.broadcast(E4));
                p = p.fma(rr, p.broadcast(E3));
                p = p.fma(rr, p.broadcast(E2));
                p = p.fma(rr, one);
                p = p.fma(rr, one);
                IntVector ki = t.reinterpretAsInts().sub(ROUNDER_BITS).add(127);
                FloatVector e = p.mul(ki.lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
                // ---- end exp ----
                FloatVector tail = e.neg().fma(r, one); // 1 - e*r
                tail = tail.blend(tail.neg(), z.lt(0f));
                erf = tail.blend(erf, small);
            }
            FloatVector out = gelu ? in.mul(0.5f).mul(erf.add(one)) : erf;
            out.intoArray(y, yOff + i);
        }
        for (; i < len; i++) {
            y[yOff + i] = gelu ? Erf.gelu(x[xOff + i]) : Erf.erf(x[xOff + i]);
        }
    }
}
