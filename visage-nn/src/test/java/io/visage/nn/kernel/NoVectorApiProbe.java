package io.visage.nn.kernel;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Run by {@link MatVecsTest} in a JVM started without {@code --add-modules jdk.incubator.vector}:
 * exercises every public kernel and prints {@code OK <kind>} if the results match the references.
 */
public final class NoVectorApiProbe {
    private NoVectorApiProbe() {}

    public static void main(String[] args) {
        try (Parallelism par = new Parallelism(2)) {
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
            var w = Nd4j.create(MatVecTest.random(rnd, 37 * 29), new long[] {37, 29}, 'c');
            float[] x = MatVecTest.random(rnd, 2 * 29);
            float[] y = new float[2 * 37];
            float[] ref = new float[2 * 37];
            MatVec best = MatVecs.best(par);
            best.multiply(w, null, x, 0, y, 0, 2);
            MatVecs.naive().multiply(w, null, x, 0, ref, 0, 2);
            check("matvec", ref, y, 1e-5);

            float[] g = new float[29];
            java.util.Arrays.fill(g, 1f);
            float[] ln = new float[2 * 29];
            RowKernels.layerNorm(x, 0, ln, 0, 2, 29, g, new float[29], 1e-5f);
            check("layerNorm", RowKernelsTest.layerNormNaive(x, 2, 29, g, new float[29], 1e-5f), ln, 1e-5);
            float[] gl = new float[x.length];
            RowKernels.gelu(x, 0, gl, 0, x.length);
            float[] glRef = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                glRef[i] = (float) ErfTest.geluRef(x[i]);
            }
            check("gelu", glRef, gl, 1e-6);
            float[] sm = x.clone();
            RowKernels.softmax(sm, 0, 2, 29);
            check("softmax", RowKernelsTest.softmaxNaive(x, 2, 29), sm, 1e-6);

            KvLayout layout = new KvLayout(1, 1, 3, 29);
            float[] cache = new float[layout.size()];
            layout.write(cache, 0, x, 0, 29);
            float[] att = new float[29];
            new AttentionKernel(par).attend(x, 29, cache, cache, layout, 1, att, 0);
            check("attention", java.util.Arrays.copyOf(x, 29), att, 1e-6);
            System.out.println("OK " + MatVecs.bestKind() + " " + best.name());
        }
    }

    private static void check(String what, float[] expected, float[] actual, double tol) {
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= tol * (1 + Math.abs(expected[i])))) {
                throw new AssertionError(what + " differs at " + i + ": " + expected[i] + " vs " + actual[i]);
            }
        }
    }
}
