package io.visage.eval.semantic.passt;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.module.RandomParams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seconds per 10-s clip of the full-size PaSST ({@link PasstConfig#full()}, random weights), batch
 * 1 and 4, front end included; not a test. Arguments: {@code [threads] [repeats]} — the worker
 * threads of the fused kernels (attention, GELU; 1 = the calling thread only, as {@link
 * Passt#embed} runs) and timed runs per batch size (after one warm-up). Prints the peak resident
 * set size of each batch size (Linux {@code VmHWM}, reset between them; weights, JVM and activations).
 */
public final class PasstBench {
    private static final int CLIP_SAMPLES = 320_000;

    private PasstBench() {}

    public static void main(String[] args) throws IOException {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long t0 = System.nanoTime();
        Passt passt;
        try (RandomParams p = new RandomParams(2024)) {
            passt = Passt.create(p, PasstConfig.full());
        }
        System.out.printf("random full-size weights: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        SplittableRandom rnd = new SplittableRandom(7);
        List<float[]> clips = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            float[] c = new float[CLIP_SAMPLES];
            for (int j = 0; j < c.length; j++) {
                c[j] = (float) (0.3 * rnd.nextGaussian());
            }
            clips.add(c);
        }
        try (Parallelism par = new Parallelism(threads)) {
            Ops ops = threads > 1 ? Ops.inference(par) : Ops.inference();
            for (int batch : new int[] {1, 4}) {
                List<float[]> in = clips.subList(0, batch);
                resetPeak();
                passt.logits(ops, passt.mel(in)); // warm-up
                double[] perClip = new double[repeats];
                for (int r = 0; r < repeats; r++) {
                    long s = System.nanoTime();
                    passt.logits(ops, passt.mel(in));
                    perClip[r] = (System.nanoTime() - s) / 1e9 / batch;
                }
                long melStart = System.nanoTime();
                passt.mel(in);
                double mel = (System.nanoTime() - melStart) / 1e9 / batch;
                Arrays.sort(perClip);
                System.out.printf(
                        "batch %d, %d kernel thread(s): %.2f s per 10-s clip (median of %d, min %.2f; front end %.3f s)"
                                + "; peak RSS %s%n",
                        batch, threads, perClip[repeats / 2], repeats, perClip[0], mel, peakRss());
            }
        }
    }

    /** Resets the kernel's peak-RSS counter of this process (Linux); silently does nothing elsewhere. */
    private static void resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | SecurityException e) {
            // not Linux or not permitted: the peak then covers the whole run
        }
    }

    private static String peakRss() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return "n/a";
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) {
                return mb(Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
            }
        }
        return "n/a";
    }

    private static String mb(long bytes) {
        return String.format("%.0f MB", bytes / 1e6);
    }
}
