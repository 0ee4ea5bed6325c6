package io.visage.eval.semantic.vggish;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.module.RandomParams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Speed of the full-size VGGish (random weights) on 5-s clips: ms per clip for {@link Vggish#embed}
 * one clip at a time and for {@link Vggish#embedAll} over several clips, plus a per-module
 * breakdown of one forward. Not a test; run it with the test classpath, e.g.
 *
 * <pre>
 * mvn -B -o -q test-compile -pl visage-eval -am
 * java --add-modules jdk.incubator.vector -cp visage-eval/target/test-classes:visage-eval/target/classes:... \
 *     io.visage.eval.semantic.vggish.VggishBench [runs] [clips] [maxBatch]
 * </pre>
 */
public final class VggishBench {
    private static final int CLIP_SAMPLES = 5 * VggishFrontEnd.SAMPLE_RATE_HZ;

    private VggishBench() {}

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int clips = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int maxBatch = args.length > 2 ? Integer.parseInt(args[2]) : Vggish.DEFAULT_MAX_BATCH;
        Vggish model;
        long t0 = System.nanoTime();
        try (RandomParams p = new RandomParams(1)) {
            model = Vggish.create(p, VggishConfig.full(), true).withMaxBatch(maxBatch);
        }
        System.out.printf(
                "full-size VGGish, random weights, built in %.0f ms; %d cores%n",
                (System.nanoTime() - t0) / 1e6, Runtime.getRuntime().availableProcessors());
        Random rng = new Random(2);
        List<float[]> audio = new ArrayList<>();
        for (int c = 0; c < clips; c++) {
            float[] a = new float[CLIP_SAMPLES];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (0.1 * rng.nextGaussian() + 0.3 * Math.sin(2 * Math.PI * (200 + 50 * c) * i / 16000.0));
            }
            audio.add(a);
        }
        int examples = model.embed(audio.get(0)).length;
        System.out.printf("clip: %d samples = %d examples of 0.96 s%n", CLIP_SAMPLES, examples);

        model.embed(audio.get(0)); // warm-up
        double[] one = new double[runs];
        for (int r = 0; r < runs; r++) {
            long s = System.nanoTime();
            model.embed(audio.get(r % clips));
            one[r] = (System.nanoTime() - s) / 1e6;
        }
        System.out.printf("embed, one clip per call: median %.0f ms per 5-s clip (runs %s)%n", median(one), fmt(one));

        double[] all = new double[Math.max(1, runs / 2)];
        for (int r = 0; r < all.length; r++) {
            long s = System.nanoTime();
            model.embedAll(audio);
            all[r] = (System.nanoTime() - s) / 1e6 / clips;
        }
        System.out.printf(
                "embedAll, %d clips (%d examples, <= %d per forward): median %.0f ms per 5-s clip (runs %s)%n",
                clips, clips * examples, model.maxBatch(), median(all), fmt(all));

        long s = System.nanoTime();
        float[][][] ex = model.frontEnd().examples(audio.get(0));
        double frontMs = (System.nanoTime() - s) / 1e6;
        float[] flat = new float[ex.length * VggishFrontEnd.EXAMPLE_FRAMES * VggishFrontEnd.MEL_BANDS];
        for (int e = 0; e < ex.length; e++) {
            for (int t = 0; t < VggishFrontEnd.EXAMPLE_FRAMES; t++) {
                System.arraycopy(
                        ex[e][t],
                        0,
                        flat,
                        (e * VggishFrontEnd.EXAMPLE_FRAMES + t) * VggishFrontEnd.MEL_BANDS,
                        VggishFrontEnd.MEL_BANDS);
            }
        }
        Tensor x = Tensor.constant(Nd4j.create(
                flat, new long[] {ex.length, 1, VggishFrontEnd.EXAMPLE_FRAMES, VggishFrontEnd.MEL_BANDS}, 'c'));
        Map<String, Double> perModule = new LinkedHashMap<>();
        long[] last = {System.nanoTime()};
        model.forward(Ops.inference(), x, (name, out) -> {
            long now = System.nanoTime();
            perModule.put(name, (now - last[0]) / 1e6);
            last[0] = now;
        });
        StringBuilder sb = new StringBuilder();
        perModule.forEach((k, v) -> sb.append(String.format(" %s %.1f", k, v)));
        System.out.printf("one clip: front end %.1f ms; per module (ms):%s%n", frontMs, sb);
        System.out.println("dtype " + DataType.FLOAT + ", max batch " + model.maxBatch());
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }

    private static String fmt(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (double d : v) {
            sb.append(sb.length() == 0 ? "" : ", ").append(String.format("%.0f", d));
        }
        return "[" + sb + "]";
    }
}
