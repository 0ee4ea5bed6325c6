package io.visage.examples;

import io.visage.core.clip.ClipVisionConfig;
import io.visage.core.clip.ClipVisionTransformer;
import io.visage.core.clip.ClipWeights;
import io.visage.core.direction.CameraDirection;
import io.visage.core.frontend.FrontEnd;
import io.visage.core.frontend.VideoFeatures;
import io.visage.core.video.VideoDecoder;
import io.visage.nn.module.RandomParams;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code visage features --video in.mp4 --camera-index ELEV,AZIM [--weights DIR] --out DIR}: the
 * model's conditioning inputs of one clip as {@code clip.npy} [F, 512], {@code energy_map.npy}
 * [F, 49] and {@code direction.npy} [3]. Without {@code --weights} CLIP is randomly initialised
 * (full-size ViT-B/32; the features are then meaningless, which stderr says).
 */
@Command(
        name = "features",
        mixinStandardHelpOptions = true,
        description = {
            "Video + camera direction -> CLIP features, energy maps and direction vector (.npy).",
            "Frames: 4 fps, short side scaled to 224, centre crop (as the reference's ffmpeg chain)."
        })
public final class FeaturesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--video",
            required = true,
            paramLabel = "VIDEO",
            description = "input video (MP4/MOV/MKV/WebM/AVI; see --video-decoder)")
    Path video;

    @picocli.CommandLine.Mixin
    VideoDecoderOption videoDecoder = new VideoDecoderOption();

    @Option(
            names = "--camera-index",
            required = true,
            paramLabel = "ELEV,AZIM",
            description = "ambi.json grid indices: elevation 0..90, azimuth 0..180 (2 degrees per unit)")
    String cameraIndex;

    @Option(
            names = "--weights",
            paramLabel = "DIR|FILE",
            description = "CLIP checkpoint (OpenAI ViT-B-32 names, or Hugging Face openai/clip-vit-base-patch32)")
    Path weights;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder")
    Path out;

    @Option(names = "--batch", defaultValue = "8", description = "frames per CLIP pass (default ${DEFAULT-VALUE})")
    int batch;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "seed of the random CLIP without --weights (default ${DEFAULT-VALUE})")
    long seed;

    /** What was written. */
    public record Result(Path out, long frames, long clipDim, long patches, float[] direction, boolean randomWeights) {}

    /** Runs the command; {@code weights} may be null (random CLIP, reported on {@code err}). */
    public static Result run(
            Path video, CameraDirection direction, Path weights, Path out, int batch, long seed, PrintWriter err) {
        return run(video, VideoDecoder.AUTO, direction, weights, out, batch, seed, err);
    }

    /** {@link #run(Path, CameraDirection, Path, Path, int, long, PrintWriter)} with a chosen decoder. */
    public static Result run(
            Path video,
            VideoDecoder decoder,
            CameraDirection direction,
            Path weights,
            Path out,
            int batch,
            long seed,
            PrintWriter err) {
        ClipVisionTransformer clip;
        if (weights == null) {
            err.println("features: no --weights given: using a RANDOMLY INITIALISED ViT-B/32 (seed " + seed
                    + "); clip.npy and energy_map.npy are not meaningful features");
            try (RandomParams p = new RandomParams(seed)) {
                clip = ClipVisionTransformer.create(p, "", ClipVisionConfig.VIT_B_32);
            }
        } else {
            clip = ClipWeights.load(weights);
        }
        VideoFeatures f = new FrontEnd(clip, batch, decoder).features(video, direction);
        f.write(out);
        return new Result(
                out, f.frames(), f.clip().size(1), f.energyMap().size(1), direction.vector(), weights == null);
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        BlasCheck.printHint(err);
        CameraDirection d = CameraDirection.parse(cameraIndex);
        Result r = run(video, videoDecoder.get(), d, weights, out, batch, seed, err);
        spec.commandLine()
                .getOut()
                .printf(
                        "features: %d frames -> %s (clip [%d, %d], energy_map [%d, %d], direction [3])%n",
                        r.frames(), r.out(), r.frames(), r.clipDim(), r.frames(), r.patches());
        return 0;
    }
}
