package io.visage.examples.bench;

import io.visage.core.clip.ClipPreprocess;
import io.visage.core.clip.ClipVisionConfig;
import io.visage.core.clip.ClipVisionTransformer;
import io.visage.core.direction.CameraDirection;
import io.visage.core.frontend.FrontEnd;
import io.visage.core.video.FrameSampler;
import io.visage.core.video.RgbImage;
import io.visage.examples.SampleVideo;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.module.RandomParams;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The video front end on the bundled 5-s 640×360 25 fps H.264 High sample clip ({@link SampleVideo}) with the
 * full-size ViT-B/32 (random weights): decode + 4 fps sampling + resize/crop alone, CLIP alone,
 * and the whole {@link FrontEnd#features} (decode + resize + CLIP + energy map), as frames per
 * second of output (20 frames per clip). Medians over {@code repeats} runs after one warm-up.
 */
public final class FrontEndBench {
    private FrontEndBench() {}

    /** Figures in output frames per second. */
    public record Result(int frames, double decodeFps, double clipFps, double totalFps, int batch) {
        @Override
        public String toString() {
            return String.format(
                    "frontend: 5-s 640x360 clip -> %d frames; decode+resize %.1f frames/s, CLIP ViT-B/32 (batch %d)"
                            + " %.2f frames/s, total decode+resize+CLIP+energy %.2f frames/s",
                    frames, decodeFps, batch, clipFps, totalFps);
        }
    }

    public static Result run(int repeats, int batch, PrintWriter out) {
        Path dir;
        try {
            dir = Files.createTempDirectory("visage-frontend-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path clipFile = dir.resolve("sample-640x360.mp4");
        try {
            SampleVideo.copyTo(clipFile);
            ClipVisionTransformer clip;
            try (RandomParams p = new RandomParams(7)) {
                clip = ClipVisionTransformer.create(p, "", ClipVisionConfig.VIT_B_32);
            }
            FrontEnd fe = new FrontEnd(clip, batch);
            CameraDirection d = new CameraDirection(45, 90);
            double[] dec = new double[repeats];
            double[] cl = new double[repeats];
            double[] tot = new double[repeats];
            int frames = 0;
            for (int r = -1; r < repeats; r++) {
                long t0 = System.nanoTime();
                List<RgbImage> fr = FrameSampler.readAll(clipFile, FrontEnd.FPS, 224);
                long t1 = System.nanoTime();
                for (int i = 0; i < fr.size(); i += batch) {
                    List<RgbImage> b = fr.subList(i, Math.min(fr.size(), i + batch));
                    clip.forward(Ops.inference(), Tensor.constant(ClipPreprocess.normalizeFrames(b)));
                }
                long t2 = System.nanoTime();
                fe.features(clipFile, d);
                long t3 = System.nanoTime();
                frames = fr.size();
                if (r >= 0) {
                    dec[r] = frames / ((t1 - t0) / 1e9);
                    cl[r] = frames / ((t2 - t1) / 1e9);
                    tot[r] = frames / ((t3 - t2) / 1e9);
                    out.printf(
                            "  run %d: decode+resize %.2f s, CLIP %.2f s, total %.2f s%n",
                            r, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9);
                }
            }
            return new Result(frames, Stats.median(dec), Stats.median(cl), Stats.median(tot), batch);
        } finally {
            try {
                Files.deleteIfExists(clipFile);
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                out.println("frontend bench: could not delete " + dir + ": " + e.getMessage());
            }
        }
    }
}
