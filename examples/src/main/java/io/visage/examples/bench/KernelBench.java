package io.visage.examples.bench;

import io.visage.nn.kernel.AttentionKernel;
import io.visage.nn.kernel.KvLayout;
import io.visage.nn.kernel.MatVec;
import io.visage.nn.kernel.MatVecs;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.kernel.RowKernels;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Prints how fast the {@link MatVec} kernels stream cold weights, next to ND4J's {@code gemm} and
 * BLAS {@code gemv}, plus the machine's copy bandwidth and the per-call cost of {@link Parallelism}.
 *
 * <p>For each weight shape {@code [out, in]} it allocates enough distinct matrices to fill
 * {@code totalMiB} (default 256 MiB, far beyond a 32 MiB L3) and cycles through them, so every call
 * reads its weight from DRAM. Figures are medians over all timed calls; GB/s counts weight bytes
 * only. Run it as {@code ./visage bench kernels [--weights-mib N] [--passes N]}; it only prints.
 */
public final class KernelBench {
    private KernelBench() {}

    /**
     * @param totalMiB weights per shape, far beyond the last-level cache
     * @param passes   passes over those weights per kernel
     */
    public static void run(PrintWriter out, int totalMiB, int passes) {
        int[][] shapes = {{1024, 1024}, {1024, 4096}, {4096, 1024}};
        try (Parallelism par = new Parallelism()) {
            out.printf(
                    "kernels: %d threads, vector API %s, %d MiB of weights per shape, %d passes%n",
                    par.threads(),
                    MatVecs.vectorApiAvailable() ? "present" : "absent (" + MatVecs.HINT + ")",
                    totalMiB,
                    passes);
            List<MatVec> kernels = new ArrayList<>();
            if (MatVecs.vectorApiAvailable()) {
                kernels.add(MatVecs.vector(par));
            }
            kernels.add(MatVecs.scalar(par));
            out.printf("%-10s %2s %-16s %10s %8s%n", "W[out,in]", "B", "kernel", "median ms", "GB/s");
            for (int[] shape : shapes) {
                benchShape(out, shape[0], shape[1], totalMiB, passes, kernels);
            }
            rowKernels(out, par);
            overhead(out, par);
            out.println("memory: " + MemoryBandwidth.measure(par));
            PeakRss.read().ifPresent(u -> out.println("memory: " + u));
        }
    }

    private static void benchShape(PrintWriter pw, int out, int in, int totalMiB, int passes, List<MatVec> kernels) {
        long bytes = 4L * out * in;
        int count = (int) Math.max(2, ((long) totalMiB << 20) / bytes);
        INDArray[] ws = new INDArray[count];
        for (int i = 0; i < count; i++) {
            ws[i] = Nd4j.rand(DataType.FLOAT, out, in).subi(0.5);
        }
        for (int b1 = 1; b1 <= 2; b1++) {
            final int batch = b1;
            float[] x = new float[batch * in];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) Math.sin(i * 0.37);
            }
            float[] y = new float[batch * out];
            float[] yRef = new float[batch * out];
            INDArray xa = Nd4j.create(x, new long[] {batch, in}, 'c');
            INDArray ya = Nd4j.create(DataType.FLOAT, batch, out);
            Nd4j.gemm(xa, ws[0], ya, false, true, 1.0, 0.0);
            System.arraycopy(ya.data().asFloat(), 0, yRef, 0, yRef.length);
            for (MatVec k : kernels) {
                double ms = time(count, passes, i -> k.multiply(ws[i], null, x, 0, y, 0, batch));
                k.multiply(ws[0], null, x, 0, y, 0, batch);
                report(pw, out, in, batch, k.name(), ms, bytes, maxDiff(y, yRef));
            }
            double gemm = time(count, passes, i -> Nd4j.gemm(xa, ws[i], ya, false, true, 1.0, 0.0));
            report(pw, out, in, batch, "nd4j gemm", gemm, bytes, 0);
            INDArray[] xr = new INDArray[batch];
            INDArray[] yr = new INDArray[batch];
            for (int b = 0; b < batch; b++) {
                xr[b] = xa.getRow(b).dup();
                yr[b] = Nd4j.create(DataType.FLOAT, out);
            }
            double gemv = time(count, passes, i -> {
                for (int b = 0; b < xr.length; b++) {
                    Nd4j.getBlasWrapper().level2().gemv('c', 'N', 1.0, ws[i], xr[b], 0.0, yr[b]);
                }
            });
            report(pw, out, in, batch, "nd4j gemv/row", gemv, bytes, 0);
        }
        for (INDArray w : ws) {
            w.close();
        }
    }

    private interface Call {
        void run(int matrix);
    }

    /** Median ms per call over {@code passes} timed passes through all matrices, after one warm-up pass. */
    private static double time(int count, int passes, Call call) {
        double[] t = new double[count * passes];
        for (int i = 0; i < count; i++) {
            call.run(i);
        }
        for (int p = 0; p < passes; p++) {
            for (int i = 0; i < count; i++) {
                long t0 = System.nanoTime();
                call.run(i);
                t[p * count + i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        return Stats.median(t);
    }

    private static void report(
            PrintWriter pw, int out, int in, int batch, String name, double ms, long bytes, double diff) {
        pw.printf(
                "%-10s %2d %-16s %10.3f %8.1f%s%n",
                out + "x" + in,
                batch,
                name,
                ms,
                bytes / ms / 1e6,
                diff > 0 ? String.format("   (max |diff| vs gemm %.1e)", diff) : "");
    }

    private static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    /** Decode-step sizes: LayerNorm and GELU on 2 rows, attention over an 861-position cache. */
    private static void rowKernels(PrintWriter pw, Parallelism par) {
        float[] x = new float[2 * 4096];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.1) * 3;
        }
        float[] y = new float[x.length];
        float[] g = new float[1024];
        float[] b = new float[1024];
        java.util.Arrays.fill(g, 1f);
        boolean vec = MatVecs.vectorApiAvailable();
        double ln = perCall(() -> RowKernels.layerNorm(x, 0, y, 0, 2, 1024, g, b, 1e-5f), 20_000);
        double gelu = perCall(() -> RowKernels.gelu(x, 0, y, 0, 2 * 4096), 5_000);
        double geluScalar = perCall(() -> RowKernels.geluScalar(x, 0, y, 0, 2 * 4096), 2_000);
        KvLayout layout = new KvLayout(2, 16, 1024, 64);
        float[] keys = new float[layout.size()];
        float[] values = new float[layout.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = (float) Math.sin(i * 0.37) * 0.1f;
            values[i] = (float) Math.cos(i * 0.11);
        }
        float[] q = java.util.Arrays.copyOf(x, 2 * 1024);
        float[] out = new float[q.length];
        AttentionKernel best = new AttentionKernel(par);
        AttentionKernel scalar = AttentionKernel.scalar(par);
        double att = perCall(() -> best.attend(q, 0, keys, values, layout, 861, out, 0), 1_000);
        double attScalar = perCall(() -> scalar.attend(q, 0, keys, values, layout, 861, out, 0), 300);
        pw.printf(
                "row kernels (%s, median µs per call): layerNorm[2,1024] %.1f; gelu[2,4096] %.1f"
                        + " (plain Java %.1f); attention B=2 H=16 Dh=64 L=861 %.0f (plain Java %.0f)%n",
                vec ? "vector" : "plain Java", ln, gelu, geluScalar, att, attScalar);
    }

    private static double perCall(Runnable r, int calls) {
        double[] t = new double[calls];
        for (int i = -calls / 5; i < calls; i++) {
            long t0 = System.nanoTime();
            r.run();
            if (i >= 0) {
                t[i] = (System.nanoTime() - t0) / 1e3;
            }
        }
        return Stats.median(t);
    }

    /**
     * Per-call cost of forRange: an empty body (dispatch only; the caller may run every chunk itself),
     * and one 20 µs chunk per thread (fork and join: time beyond 20 µs), back to back and after the
     * workers parked.
     */
    private static void overhead(PrintWriter out, Parallelism par) {
        int threads = par.threads();
        Parallelism.RangeBody empty = (a, b) -> {};
        Parallelism.RangeBody busy = (a, b) -> spin(20_000);
        double emptyHot = perCall(par, empty, 20_000, 0);
        double busyHot = perCall(par, busy, 2_000, 0) - 20;
        double busyCold = perCall(par, busy, 200, 2_000_000) - 20;
        out.printf(
                "Parallelism.forRange overhead, %d threads (medians): empty body %.2f µs; one 20 µs chunk"
                        + " per thread: +%.1f µs back to back, +%.1f µs after 2 ms idle (workers parked)%n",
                threads, emptyHot, busyHot, busyCold);
    }

    /** Median µs per forRange(0, threads, 1, body) call; {@code pauseNanos} of sleep before each call. */
    private static double perCall(Parallelism par, Parallelism.RangeBody body, int calls, long pauseNanos) {
        double[] t = new double[calls];
        for (int i = -calls / 10; i < calls; i++) {
            if (pauseNanos > 0) {
                LockSupport.parkNanos(pauseNanos);
            }
            long t0 = System.nanoTime();
            par.forRange(0, par.threads(), 1, body);
            if (i >= 0) {
                t[i] = (System.nanoTime() - t0) / 1e3;
            }
        }
        return Stats.median(t);
    }

    private static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
