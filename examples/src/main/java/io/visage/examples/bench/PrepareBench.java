package io.visage.examples.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.audio.dac.DacConfig;
import io.visage.audio.io.AudioBuffer;
import io.visage.audio.io.SampleFormat;
import io.visage.audio.io.Wav;
import io.visage.core.data.AmbiIndex;
import io.visage.core.data.DatasetLayout;
import io.visage.core.data.DatasetPreparer;
import io.visage.core.data.PrepareNetworks;
import io.visage.core.data.SplitRule;
import io.visage.core.direction.CameraDirection;
import io.visage.core.video.VideoDecoder;
import io.visage.examples.SampleVideo;
import io.visage.spark.SparkContexts;
import io.visage.spark.SparkPrepare;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code prepare} at full size (random ViT-B/32 CLIP and the official-size DAC codec) on copies of the
 * bundled 5-s sample video with 5-s 48 kHz FOA noise: one machine, then a Spark job on the same
 * inputs; prints wall times, seconds per clip and whether both wrote the same bytes.
 */
public final class PrepareBench {
    /**
     * @param clips  clips (two per video)
     * @param master Spark master of the second run (e.g. {@code local[2]}), or null for one machine only
     * @param work   folder for the inputs and both outputs (kept)
     */
    public record Options(int clips, String master, Path work, long seed) {
        public Options {
            if (clips < 1) {
                throw new IllegalArgumentException("clips must be at least 1");
            }
        }
    }

    private PrepareBench() {}

    /** Runs the benchmark and returns its report. */
    public static String run(Options o, PrintWriter progress) {
        Path raw = o.work().resolve("raw");
        Map<String, CameraDirection> dirs = writeInputs(raw, o.clips(), o.seed());
        PrepareNetworks nets = new PrepareNetworks(
                null,
                null,
                officialCodecConfig(o.work()).toString(),
                o.seed(),
                VideoDecoder.AUTO,
                PrepareNetworks.DEFAULT_BATCH_FRAMES);
        SplitRule split = SplitRule.reference(1115);
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "prepare: %d clips of 5 s (%d videos), random ViT-B/32 CLIP + official-size DAC, %d cores%n",
                dirs.size(),
                (dirs.size() + 1) / 2,
                Runtime.getRuntime().availableProcessors()));
        Path one = o.work().resolve("one-machine");
        long t0 = System.nanoTime();
        List<Double> perClip = new ArrayList<>();
        try (PrepareNetworks.Loaded l = nets.open(split)) {
            double open = (System.nanoTime() - t0) / 1e9;
            long[] last = {System.nanoTime()};
            l.preparer()
                    .prepare(
                            raw.resolve("videos"),
                            raw.resolve("foa"),
                            raw.resolve("ambi.json"),
                            new DatasetLayout(one),
                            (d, n, id) -> {
                                long now = System.nanoTime();
                                perClip.add((now - last[0]) / 1e9);
                                last[0] = now;
                                progress.printf(
                                        Locale.ROOT,
                                        "  one machine: %d/%d %s %.1f s%n",
                                        d,
                                        n,
                                        id,
                                        perClip.get(perClip.size() - 1));
                                progress.flush();
                            });
            double wall = (System.nanoTime() - t0) / 1e9;
            sb.append(String.format(
                    Locale.ROOT,
                    "  one machine: %.1f s wall (networks %.1f s), per clip median %.1f s (min %.1f, max %.1f),"
                            + " %.0f clips/h%n",
                    wall,
                    open,
                    Stats.median(
                            perClip.stream().mapToDouble(Double::doubleValue).toArray()),
                    perClip.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                    perClip.stream().mapToDouble(Double::doubleValue).max().orElse(0),
                    3600 * dirs.size() / (wall - open)));
        }
        if (o.master() != null) {
            Path spark = o.work().resolve("spark");
            long s0 = System.nanoTime();
            DatasetPreparer.Result r;
            double start;
            try (JavaSparkContext sc = SparkContexts.open(o.master(), "visage bench prepare")) {
                start = (System.nanoTime() - s0) / 1e9;
                r = SparkPrepare.run(
                        sc,
                        raw.resolve("videos"),
                        raw.resolve("foa"),
                        raw.resolve("ambi.json"),
                        spark.toString(),
                        nets,
                        split,
                        (d, n, id) -> {
                            progress.printf(Locale.ROOT, "  spark %s: %d/%d%n", o.master(), d, n);
                            progress.flush();
                        });
            }
            double wall = (System.nanoTime() - s0) / 1e9;
            sb.append(String.format(
                    Locale.ROOT,
                    "  spark %s: %.1f s wall (context %.1f s; networks built on the executors), %d clips,"
                            + " %.0f clips/h including the networks%n",
                    o.master(),
                    wall,
                    start,
                    r.newlyPrepared(),
                    3600 * r.newlyPrepared() / (wall - start)));
            sb.append("  same bytes as one machine: ")
                    .append(sameFiles(one, spark) ? "yes" : "NO")
                    .append('\n');
        }
        PeakRss.read().ifPresent(u -> sb.append("  ").append(u).append('\n'));
        return sb.toString();
    }

    private static Map<String, CameraDirection> writeInputs(Path raw, int clips, long seed) {
        try {
            Path videos = Files.createDirectories(raw.resolve("videos"));
            Path foa = Files.createDirectories(raw.resolve("foa"));
            Path sample = SampleVideo.copyTo(raw.resolve("sample.mp4"));
            SplittableRandom rng = new SplittableRandom(seed);
            Map<String, CameraDirection> dirs = new TreeMap<>();
            for (int i = 0; i < clips; i++) {
                String id = String.format(Locale.ROOT, "benchvideo%02d_%d", i / 2, 5 * (i % 2));
                Files.copy(sample, videos.resolve(id + ".mp4"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                float[][] ch = new float[4][5 * 48_000];
                for (float[] c : ch) {
                    for (int n = 0; n < c.length; n++) {
                        c[n] = (float) (0.1 * rng.nextGaussian());
                    }
                }
                Wav.write(foa.resolve(id + ".wav"), new AudioBuffer(48_000, ch), SampleFormat.PCM_16);
                dirs.put(id, new CameraDirection(rng.nextInt(91), rng.nextInt(181)));
            }
            AmbiIndex.write(raw.resolve("ambi.json"), dirs);
            return dirs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path officialCodecConfig(Path work) {
        Path f = work.resolve("dac-44khz.json");
        try {
            Files.writeString(
                    f,
                    new ObjectMapper()
                            .writeValueAsString(DacConfig.builder().build().toKwargs()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return f;
    }

    private static boolean sameFiles(Path a, Path b) {
        try (Stream<Path> sa = Files.walk(a);
                Stream<Path> sb = Files.walk(b)) {
            List<Path> fa =
                    sa.filter(Files::isRegularFile).map(a::relativize).sorted().toList();
            List<Path> fb =
                    sb.filter(Files::isRegularFile).map(b::relativize).sorted().toList();
            if (!fa.equals(fb)) {
                return false;
            }
            for (Path p : fa) {
                if (!Arrays.equals(Files.readAllBytes(a.resolve(p)), Files.readAllBytes(b.resolve(p)))) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
