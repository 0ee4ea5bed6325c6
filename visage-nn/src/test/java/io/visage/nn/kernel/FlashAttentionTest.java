package io.visage.nn.kernel;

import io.visage.nn.ShapeMismatchException;
import io.visage.nn.testing.TensorAssert;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** The attention kernel against a float64 per-element reference, and its Vector API loop against its plain-Java loop. */
class FlashAttentionTest {
    private static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    /** softmax((q·s)·kᵀ + mask)·v and its gradients for a weighting R of the output, all in double. */
    private static double[][] reference(FlashAttention.Shape g, float[] q, float[] k, float[] v, float[] dout) {
        int w = g.heads() * g.dh();
        double[] out = new double[g.batch() * g.t() * w];
        double[] dq = new double[out.length];
        double[] dk = new double[g.batch() * g.s() * w];
        double[] dv = new double[dk.length];
        for (int b = 0; b < g.batch(); b++) {
            for (int h = 0; h < g.heads(); h++) {
                for (int i = 0; i < g.t(); i++) {
                    int n = g.keys(i);
                    double[] p = new double[n];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        for (int d = 0; d < g.dh(); d++) {
                            s += q[(b * g.t() + i) * w + h * g.dh() + d]
                                    * (double) g.scale()
                                    * k[(b * g.s() + j) * w + h * g.dh() + d];
                        }
                        p[j] = s;
                        max = Math.max(max, s);
                    }
                    double sum = 0;
                    for (int j = 0; j < n; j++) {
                        p[j] = Math.exp(p[j] - max);
                        sum += p[j];
                    }
                    double[] dp = new double[n];
                    double rowDot = 0;
                    for (int d = 0; d < g.dh(); d++) {
                        double o = 0;
                        for (int j = 0; j < n; j++) {
                            o += p[j] / sum * v[(b * g.s() + j) * w + h * g.dh() + d];
                        }
                        out[(b * g.t() + i) * w + h * g.dh() + d] = o;
                        rowDot += o * dout[(b * g.t() + i) * w + h * g.dh() + d];
                    }
                    for (int j = 0; j < n; j++) {
                        p[j] /= sum;
                        for (int d = 0; d < g.dh(); d++) {
                            dp[j] += dout[(b * g.t() + i) * w + h * g.dh() + d]
                                    * v[(b * g.s() + j) * w + h * g.dh() + d];
                        }
                        double ds = p[j] * (dp[j] - rowDot);
                        for (int d = 0; d < g.dh(); d++) {
                            int qi = (b * g.t() + i) * w + h * g.dh() + d;
                            int kj = (b * g.s() + j) * w + h * g.dh() + d;
                            dq[qi] += ds * k[kj] * g.scale();
                            dk[kj] += ds * q[qi] * g.scale();
                            dv[kj] += p[j] * dout[qi];
                        }
                    }
                }
            }
        }
        return new double[][] {out, dq, dk, dv};
    }

    private static double[] toDouble(INDArray a) {
        return a.dup('c').data().asDouble();
    }

    @Test
    void forwardAndBackward_matchTheFloat64Reference_forCausalAndCrossShapes() {
        SplittableRandom r = new SplittableRandom(3);
        FlashAttention.Shape[] shapes = {
            new FlashAttention.Shape(2, 3, 13, 13, 16, 0.25f, true),
            new FlashAttention.Shape(1, 2, 7, 11, 12, 0.3f, false), // Dh not a multiple of the lanes
            new FlashAttention.Shape(2, 1, 5, 5, 3, 0.5f, true),
            new FlashAttention.Shape(1, 4, 22, 22, 64, 0.125f, false),
            // 16-wide blocks, one 8-wide vector and scalars left over, in keys and in Dh
            new FlashAttention.Shape(1, 2, 29, 29, 43, 0.15f, true),
        };
        try (Parallelism par = new Parallelism(2)) {
            for (FlashAttention.Shape g : shapes) {
                int w = g.heads() * g.dh();
                float[] q = random(r, g.batch() * g.t() * w);
                float[] k = random(r, g.batch() * g.s() * w);
                float[] v = random(r, g.batch() * g.s() * w);
                float[] dout = random(r, g.batch() * g.t() * w);
                INDArray qa = Nd4j.create(q, new long[] {g.batch(), g.t(), w}, 'c');
                INDArray ka = Nd4j.create(k, new long[] {g.batch(), g.s(), w}, 'c');
                INDArray va = Nd4j.create(v, new long[] {g.batch(), g.s(), w}, 'c');
                INDArray da = Nd4j.create(dout, new long[] {g.batch(), g.t(), w}, 'c');
                INDArray out = qa.ulike();
                float[] lse = new float[g.pairs() * g.t()];
                FlashAttention.forward(g, qa, ka, va, out, lse, par);
                INDArray dq = qa.ulike();
                INDArray dk = ka.ulike();
                INDArray dv = va.ulike();
                FlashAttention.backward(g, qa, ka, va, out, lse, da, dq, dk, dv, par);
                double[][] ref = reference(g, q, k, v, dout);
                String label = g.toString();
                TensorAssert.assertClose(label + " out", out.shape(), ref[0], toDouble(out), 1e-5, 1e-6);
                TensorAssert.assertClose(label + " dq", dq.shape(), ref[1], toDouble(dq), 1e-4, 1e-5);
                TensorAssert.assertClose(label + " dk", dk.shape(), ref[2], toDouble(dk), 1e-4, 1e-5);
                TensorAssert.assertClose(label + " dv", dv.shape(), ref[3], toDouble(dv), 1e-4, 1e-5);
            }
        }
    }

    @Test
    void vectorLoop_equalsThePlainJavaLoop() {
        SplittableRandom r = new SplittableRandom(4);
        FlashAttention.Shape g = new FlashAttention.Shape(1, 2, 10, 10, 20, 0.2f, true);
        int w = g.heads() * g.dh();
        INDArray q = Nd4j.create(random(r, g.t() * w), new long[] {1, g.t(), w}, 'c');
        INDArray k = Nd4j.create(random(r, g.s() * w), new long[] {1, g.s(), w}, 'c');
        INDArray v = Nd4j.create(random(r, g.s() * w), new long[] {1, g.s(), w}, 'c');
        INDArray d = Nd4j.create(random(r, g.t() * w), new long[] {1, g.t(), w}, 'c');
        INDArray[] vec = {q.ulike(), q.ulike(), k.ulike(), v.ulike()};
        INDArray[] sca = {q.ulike(), q.ulike(), k.ulike(), v.ulike()};
        float[] lseV = new float[g.pairs() * g.t()];
        float[] lseS = new float[g.pairs() * g.t()];
        FlashAttention.Buffers bv = new FlashAttention.Buffers(g, q, k, v, vec[0]);
        FlashAttention.Buffers bs = new FlashAttention.Buffers(g, q, k, v, sca[0]);
        DirectFloats df = DirectFloats.matrix("t", d.reshape(g.t(), w));
        for (int pair = 0; pair < g.pairs(); pair++) {
            VectorFlashAttention.forwardPair(g, bv, pair, lseV, new FlashAttention.Scratch(g));
            FlashAttention.forwardPairScalar(g, bs, pair, lseS, new FlashAttention.Scratch(g));
        }
        for (int pair = 0; pair < g.pairs(); pair++) {
            VectorFlashAttention.backwardPair(
                    g, bv, pair, lseV, df, m(vec[1], g), m(vec[2], g), m(vec[3], g), new FlashAttention.Scratch(g));
            FlashAttention.backwardPairScalar(
                    g, bs, pair, lseS, df, m(sca[1], g), m(sca[2], g), m(sca[3], g), new FlashAttention.Scratch(g));
        }
        String[] names = {"out", "dq", "dk", "dv"};
        for (int i = 0; i < 4; i++) {
            TensorAssert.assertClose(names[i], sca[i], vec[i], 1e-5, 1e-6);
        }
    }

    private static DirectFloats m(INDArray a, FlashAttention.Shape g) {
        return DirectFloats.matrix("t", a.reshape(a.size(1), g.heads() * g.dh()));
    }

    @Test
    void shape_badSizes_throw() {
        assertThrows(ShapeMismatchException.class, () -> new FlashAttention.Shape(1, 1, 3, 4, 2, 1f, true));
        assertThrows(ShapeMismatchException.class, () -> new FlashAttention.Shape(0, 1, 3, 3, 2, 1f, false));
    }
}
