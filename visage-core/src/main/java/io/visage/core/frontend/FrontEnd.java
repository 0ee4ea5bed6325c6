package io.visage.core.frontend;

import io.visage.core.clip.ClipPreprocess;
import io.visage.core.clip.ClipVisionOutput;
import io.visage.core.clip.ClipVisionTransformer;
import io.visage.core.direction.CameraDirection;
import io.visage.core.energy.EnergyMap;
import io.visage.core.energy.EnergyMapConfig;
import io.visage.core.video.FrameSource;
import io.visage.core.video.RgbImage;
import io.visage.core.video.VideoDecoder;
import io.visage.core.video.VideoFormatException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Video + camera direction → {@link VideoFeatures}, as the reference's {@code infer_clip.py},
 * {@code infer_clip_patch.py}, {@code infer_clip_energy.py} and {@code prepare_ambi} do together:
 * frames sampled at {@value #FPS} fps, scaled and cropped to the CLIP resolution, normalised, run
 * through CLIP in batches of {@code batchFrames}; the pooled embeddings are the CLIP features and
 * the pre-{@code ln_post} tokens feed the energy map. One CLIP pass serves both.
 *
 * <p>Frames are decoded as a stream; only the per-frame CLIP outputs are kept ([F, O] and
 * [F, N, D], about 150 KB per frame for ViT-B/32), never the decoded video.
 */
public final class FrontEnd {
    /** ViSAGe's video frame rate. */
    public static final double FPS = 4.0;

    private final ClipVisionTransformer clip;
    private final EnergyMapConfig energyConfig;
    private final int batchFrames;
    private final VideoDecoder decoder;

    /**
     * A front end that reads video files with {@link VideoDecoder#AUTO}.
     *
     * @param clip        the CLIP image tower (ViT-B/32 for ViSAGe)
     * @param batchFrames frames per CLIP forward pass, ≥ 1
     */
    public FrontEnd(ClipVisionTransformer clip, int batchFrames) {
        this(clip, batchFrames, VideoDecoder.AUTO);
    }

    /**
     * @param clip        the CLIP image tower (ViT-B/32 for ViSAGe)
     * @param batchFrames frames per CLIP forward pass, ≥ 1
     * @param decoder     which library decodes video files
     */
    public FrontEnd(ClipVisionTransformer clip, int batchFrames, VideoDecoder decoder) {
        if (decoder == null) {
            throw new IllegalArgumentException("a video decoder is required");
        }
        this.decoder = decoder;
        if (batchFrames < 1) {
            throw new IllegalArgumentException("batchFrames must be >= 1 but was " + batchFrames);
        }
        this.clip = clip;
        int g = clip.config().grid();
        EnergyMapConfig v = EnergyMapConfig.VISAGE;
        this.energyConfig = new EnergyMapConfig(g, g, v.temperature(), v.topP(), v.finalTemperature());
        this.batchFrames = batchFrames;
    }

    /**
     * Features of a video file.
     *
     * @throws VideoFormatException naming the file when it cannot be decoded or has no frames
     */
    public VideoFeatures features(Path video, CameraDirection direction) {
        return features(video, direction.vector());
    }

    /**
     * Features of a video file with any camera direction vector (e.g.
     * {@link CameraDirection#vectorFromDegrees} for directions off the 2° grid).
     *
     * @param direction the model's direction input [3]
     * @throws VideoFormatException naming the file when it cannot be decoded or has no frames
     */
    public VideoFeatures features(Path video, float[] direction) {
        int size = clip.config().inputResolution();
        Accumulator acc = new Accumulator();
        try (FrameSource sampler = decoder.open(video, FPS, size)) {
            List<RgbImage> batch = new ArrayList<>(batchFrames);
            for (RgbImage f = sampler.next(); f != null; f = sampler.next()) {
                batch.add(f);
                if (batch.size() == batchFrames) {
                    acc.add(runClip(batch));
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                acc.add(runClip(batch));
            }
        }
        if (acc.pooled.isEmpty()) {
            throw new VideoFormatException(video, "no frames at " + FPS + " fps");
        }
        return finish(acc, direction);
    }

    /** The library that decodes video files. */
    public VideoDecoder decoder() {
        return decoder;
    }

    /** Features of the same video, read from {@code cache} when present, else computed and written there. */
    public VideoFeatures features(Path video, CameraDirection direction, FeatureCache cache, String id) {
        if (cache.contains(id)) {
            INDArray[] c = cache.read(id);
            return new VideoFeatures(c[0], c[1], VideoFeatures.directionArray(direction.vector()));
        }
        VideoFeatures f = features(video, direction);
        cache.write(id, f.clip(), f.energyMap());
        return f;
    }

    /**
     * Features of frames already sampled, scaled and cropped to the CLIP resolution (rgb24).
     *
     * @param frames F ≥ 1 frames of side {@code inputResolution}
     */
    public VideoFeatures features(List<RgbImage> frames, CameraDirection direction) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("no frames");
        }
        Accumulator acc = new Accumulator();
        for (int i = 0; i < frames.size(); i += batchFrames) {
            acc.add(runClip(frames.subList(i, Math.min(frames.size(), i + batchFrames))));
        }
        return finish(acc, direction);
    }

    private ClipVisionOutput runClip(List<RgbImage> frames) {
        INDArray images = ClipPreprocess.normalizeFrames(frames);
        return clip.forward(Ops.inference(), Tensor.constant(images));
    }

    private VideoFeatures finish(Accumulator acc, CameraDirection direction) {
        return finish(acc, direction.vector());
    }

    private VideoFeatures finish(Accumulator acc, float[] direction) {
        INDArray pooled = Nd4j.concat(0, acc.pooled.toArray(INDArray[]::new));
        INDArray tokens = Nd4j.concat(0, acc.tokens.toArray(INDArray[]::new));
        EnergyMap map = EnergyMap.compute(tokens, energyConfig);
        return new VideoFeatures(pooled, map.finalEnergyMapArray(), VideoFeatures.directionArray(direction));
    }

    private static final class Accumulator {
        final List<INDArray> pooled = new ArrayList<>();
        final List<INDArray> tokens = new ArrayList<>();

        void add(ClipVisionOutput out) {
            pooled.add(out.pooled().value());
            tokens.add(out.tokens().value());
        }
    }
}
