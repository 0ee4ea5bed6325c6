package io.visage.examples.bench;

import io.visage.core.clip.ClipPreprocess;
import io.visage.core.clip.ClipVisionConfig;
import io.visage.core.clip.ClipVisionTransformer;
import io.visage.core.direction.CameraDirection;
import io.visage.core.frontend.FrontEnd;
import io.visage.core.video.RgbImage;
import io.visage.core.video.VideoDecoder;
import io.visage.core.video.VideoFormatException;
import io.visage.examples.SampleVideo;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.module.RandomParams;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The video front end with the full-size ViT-B/32 (random weights) on a clip (default: the bundled
 * 5-s 640×360 25 fps H.264 High sample, {@link SampleVideo}), for JCodec and FFmpeg side by side:
 * decode + 4 fps sampling + resize/crop alone, and the whole {@link FrontEnd#features} call
 * (decode + resize + CLIP + energy map) in seconds; CLIP alone once. Medians over {@code repeats}
 * runs after one warm-up. A decoder that cannot read the clip is reported as such.
 */
public final class FrontEndBench {
    private FrontEndBench() {}

    /** One decoder's figures; {@code problem} is non-null when it cannot read the clip. */
    public record DecoderResult(VideoDecoder decoder, double decodeSeconds, double featuresSeconds, String problem) {}

    /** Figures of one clip. */
    public record Result(String clip, int frames, double clipSeconds, int batch, List<DecoderResult> decoders) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(String.format(
                    Locale.ROOT,
                    "frontend: %s -> %d frames; CLIP ViT-B/32 (batch %d) %.2f s (%.2f frames/s)",
                    clip,
                    frames,
                    batch,
                    clipSeconds,
                    frames / clipSeconds));
            for (DecoderResult d : decoders) {
                String name = d.decoder().name().toLowerCase(Locale.ROOT);
                if (d.problem() != null) {
                    b.append(String.format(Locale.ROOT, "%n  %-6s cannot read it: %s", name, d.problem()));
                } else {
                    b.append(String.format(
                            Locale.ROOT,
                            "%n  %-6s decode+resize %.2f s (%.1f frames/s), features() total %.2f s",
                            name,
                            d.decodeSeconds(),
                            frames / d.decodeSeconds(),
                            d.featuresSeconds()));
                }
            }
            return b.toString();
        }
    }

    /**
     * @param video the clip, or null for the bundled sample
     */
    public static Result run(int repeats, int batch, Path video, PrintWriter out) {
        if (repeats < 1 || batch < 1) {
            throw new IllegalArgumentException("repeats and batch must be >= 1, got " + repeats + ", " + batch);
        }
        Path dir = null;
        Path clipFile = video;
        try {
            if (clipFile == null) {
                dir = Files.createTempDirectory("visage-frontend-bench");
                clipFile = dir.resolve("sample-640x360.mp4");
                SampleVideo.copyTo(clipFile);
            }
            ClipVisionTransformer clip;
            try (RandomParams p = new RandomParams(7)) {
                clip = ClipVisionTransformer.create(p, "", ClipVisionConfig.VIT_B_32);
            }
            CameraDirection d = new CameraDirection(45, 90);
            List<DecoderResult> results = new ArrayList<>();
            List<RgbImage> frames = null;
            for (VideoDecoder dec : List.of(VideoDecoder.JCODEC, VideoDecoder.FFMPEG)) {
                FrontEnd fe = new FrontEnd(clip, batch, dec);
                double[] decode = new double[repeats];
                double[] total = new double[repeats];
                try {
                    for (int r = -1; r < repeats; r++) {
                        long t0 = System.nanoTime();
                        List<RgbImage> fr = dec.readAll(clipFile, FrontEnd.FPS, 224);
                        long t1 = System.nanoTime();
                        fe.features(clipFile, d);
                        long t2 = System.nanoTime();
                        frames = frames == null ? fr : frames;
                        if (r >= 0) {
                            decode[r] = (t1 - t0) / 1e9;
                            total[r] = (t2 - t1) / 1e9;
                            out.printf(
                                    Locale.ROOT,
                                    "  %s run %d: decode+resize %.2f s, features() %.2f s%n",
                                    dec.name().toLowerCase(Locale.ROOT),
                                    r,
                                    decode[r],
                                    total[r]);
                        }
                    }
                    results.add(new DecoderResult(dec, Stats.median(decode), Stats.median(total), null));
                } catch (VideoFormatException e) {
                    results.add(new DecoderResult(dec, Double.NaN, Double.NaN, e.getMessage()));
                }
            }
            if (frames == null) {
                throw new VideoFormatException(clipFile, "neither JCodec nor FFmpeg can read it");
            }
            double[] cl = new double[repeats];
            for (int r = -1; r < repeats; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < frames.size(); i += batch) {
                    List<RgbImage> b = frames.subList(i, Math.min(frames.size(), i + batch));
                    clip.forward(Ops.inference(), Tensor.constant(ClipPreprocess.normalizeFrames(b)));
                }
                if (r >= 0) {
                    cl[r] = (System.nanoTime() - t0) / 1e9;
                }
            }
            String name = video == null
                    ? "bundled 5-s 640x360 H.264 sample"
                    : video.getFileName().toString();
            return new Result(name, frames.size(), Stats.median(cl), batch, results);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (dir != null) {
                try {
                    Files.deleteIfExists(clipFile);
                    Files.deleteIfExists(dir);
                } catch (IOException e) {
                    out.println("frontend bench: could not delete " + dir + ": " + e.getMessage());
                }
            }
        }
    }
}
