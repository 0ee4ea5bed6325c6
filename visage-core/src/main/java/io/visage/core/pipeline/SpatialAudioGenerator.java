package io.visage.core.pipeline;

import io.visage.audio.resample.Resampler;
import io.visage.core.direction.CameraDirection;
import io.visage.core.frontend.FrontEnd;
import io.visage.core.frontend.VideoFeatures;
import io.visage.core.generate.Guidance;
import io.visage.core.generate.Prompt;
import io.visage.core.generate.Sampler;
import io.visage.core.model.VisageConfig;
import io.visage.core.pattern.TokenGrid;
import io.visage.core.video.VideoDecoder;
import io.visage.nn.ConfigException;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.kernel.WeightFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Video + camera direction → first-order ambisonics, end to end: frames at 4 fps → CLIP features
 * and patch energy maps → codes from the ViSAGe model (guided, sampled) → DAC decoding per FOA
 * channel → resampling to the output rate, as {@code generate_ambi.py} does.
 *
 * <p><b>Long videos</b> are generated in windows of {@code max_source_length} frames (20 = 5 s for
 * the released model) that overlap by {@link Options#overlapSeconds()} (default 1 s) and join
 * (arithmetic in {@link WindowPlan}): each window's encoder sees its own frames and the same camera
 * direction; each window after the first is a continuation of the previous one, whose decoder is
 * prompted ({@link Prompt}, teacher-forced, no RNG drawn) with the previous window's codes of the
 * overlap, aligned on the codec frame grid so they decode at the same output samples (the audio
 * of a continuing window therefore starts less than one codec frame, 11.6 ms, after its first
 * video frame, without accumulating); the two
 * decodes of the overlap are then cross-faded linearly (near-identical signals; see
 * {@link WindowPlan.Join}) or cut at a codec frame boundary. All windows share one continuing RNG.
 * With overlap 0 the windows are independent samples, cut at the boundaries (the sound changes
 * abruptly there; the previous behaviour). Either way the output lasts {@code F/4} seconds up to
 * the last window's start plus that window's decode with the reference's codec padding, and a clip
 * of at most one window is generated exactly as the reference does (the overlap does not matter).
 */
public final class SpatialAudioGenerator {
    private final Components components;
    private final FrontEnd frontEnd;
    private final VisagePipeline pipeline;
    private final DacCodesToAudio audio;

    /**
     * @param components  the networks
     * @param par         kernel worker pool (owned by the caller)
     * @param clipBatch   frames per CLIP pass
     * @param chunkFrames codec frames per decoding chunk
     */
    public SpatialAudioGenerator(Components components, Parallelism par, int clipBatch, int chunkFrames) {
        this(components, par, clipBatch, chunkFrames, VideoDecoder.AUTO);
    }

    /**
     * @param components  the networks
     * @param par         kernel worker pool (owned by the caller)
     * @param clipBatch   frames per CLIP pass
     * @param chunkFrames codec frames per decoding chunk
     * @param decoder     which library decodes video files
     */
    public SpatialAudioGenerator(
            Components components, Parallelism par, int clipBatch, int chunkFrames, VideoDecoder decoder) {
        this(components, par, clipBatch, chunkFrames, decoder, WeightFormat.FP32);
    }

    /**
     * @param components    the networks
     * @param par           kernel worker pool (owned by the caller)
     * @param clipBatch     frames per CLIP pass
     * @param chunkFrames   codec frames per decoding chunk
     * @param decoder       which library decodes video files
     * @param weightsFormat how the decoder's weights are stored for generation (FP32 = the reference's numerics)
     */
    public SpatialAudioGenerator(
            Components components,
            Parallelism par,
            int clipBatch,
            int chunkFrames,
            VideoDecoder decoder,
            WeightFormat weightsFormat) {
        this.components = components;
        this.frontEnd = new FrontEnd(components.clip(), clipBatch, decoder);
        this.pipeline = new VisagePipeline(components.model(), par, weightsFormat);
        this.audio = new DacCodesToAudio(components.codec(), chunkFrames);
    }

    /**
     * How to generate.
     *
     * @param guidance       guidance, or null for the model's {@code cfg_guidance_scale} (single)
     * @param sampler        top-k / greedy sampler with its RNG
     * @param outputRateHz   rate of {@link Result#foa()} (16,000 as the reference writes; the codec rate
     *                       gives the codec output unchanged)
     * @param overlapSeconds overlap of consecutive windows of a long video, a whole number of CLIP
     *                       frames (multiple of 1/4 s) shorter than a window; 0 = independent windows
     * @param join           how overlapping windows are joined
     */
    public record Options(
            Guidance guidance, Sampler sampler, int outputRateHz, double overlapSeconds, WindowPlan.Join join) {
        /** The default overlap of consecutive windows: 1 s (4 CLIP frames, ≈ 86 codec frames of prompt). */
        public static final double DEFAULT_OVERLAP_SECONDS = 1.0;

        public Options {
            if (sampler == null) {
                throw new IllegalArgumentException("a sampler is required");
            }
            if (outputRateHz < 1) {
                throw new IllegalArgumentException("output rate must be positive, got " + outputRateHz);
            }
            if (!Double.isFinite(overlapSeconds) || overlapSeconds < 0) {
                throw new IllegalArgumentException("overlap must be >= 0 seconds, got " + overlapSeconds);
            }
            if (join == null) {
                throw new IllegalArgumentException("a join method is required");
            }
        }

        /** With the default overlap ({@value #DEFAULT_OVERLAP_SECONDS} s) and a cross-fade. */
        public Options(Guidance guidance, Sampler sampler, int outputRateHz) {
            this(guidance, sampler, outputRateHz, DEFAULT_OVERLAP_SECONDS, WindowPlan.Join.CROSSFADE);
        }
    }

    /**
     * What came out.
     *
     * @param features     the model inputs of the whole video (CLIP [F, d_clip], energy [F, 49], direction [3])
     * @param windows      how the video was cut into windows and joined
     * @param codes        codes of each window, [1, T, 36] each (a continuing window's first
     *                     {@code promptFrames} frames are the previous window's, see {@link WindowPlan.Window})
     * @param codecAudio   FOA at the codec rate [4][N] (W, Y, Z, X), N = {@link WindowPlan#totalSamples()}
     * @param codecRateHz  the codec's sample rate
     * @param foa          FOA at the output rate [4][M]
     * @param outputRateHz the output rate
     */
    public record Result(
            VideoFeatures features,
            WindowPlan windows,
            List<TokenGrid> codes,
            float[][] codecAudio,
            int codecRateHz,
            float[][] foa,
            int outputRateHz) {}

    /** Generates from a video file with the camera at a grid direction. */
    public Result generate(Path video, CameraDirection camera, Options o, PipelineProgress progress) {
        return generate(video, camera.vector(), o, progress);
    }

    /**
     * Generates from a video file with any camera direction vector ({@link CameraDirection#vector()} or
     * {@link CameraDirection#vectorFromDegrees}).
     */
    public Result generate(Path video, float[] direction, Options o, PipelineProgress progress) {
        if (direction.length != VisageConfig.DIRECTION_SIZE) {
            throw new IllegalArgumentException("direction must have 3 components, got " + direction.length);
        }
        WindowPlan.overlapFrames(components.model().config(), o.overlapSeconds()); // fail before the front end
        progress.update(PipelineProgress.Stage.FRAMES, 0, -1);
        VideoFeatures features = frontEnd.features(video, direction);
        progress.update(PipelineProgress.Stage.FRAMES, features.frames(), features.frames());
        return generate(features, o, progress);
    }

    /** Generates from precomputed features (e.g. the reference's .npy files). */
    public Result generate(VideoFeatures features, Options o, PipelineProgress progress) {
        VisageConfig cfg = components.model().config();
        WindowPlan plan = WindowPlan.of(cfg, Math.toIntExact(features.frames()), o.overlapSeconds());
        if (plan.hop() != components.codec().config().decoderUpsampling()) {
            throw new ConfigException(
                    "the codec's hop of " + components.codec().config().decoderUpsampling()
                            + " samples differs from the model's " + plan.hop() + " (dac_sample_rate "
                            + cfg.dacSampleRate() + "): windows could not be joined on its frame grid");
        }
        List<WindowPlan.Window> windows = plan.windows();
        Guidance guidance = o.guidance() == null ? pipeline.defaultGuidance() : o.guidance();
        List<TokenGrid> codes = new ArrayList<>();
        List<float[][]> pieces = new ArrayList<>();
        long stepsTotal = plan.decoderSteps();
        long stepsBefore = 0;
        for (WindowPlan.Window w : windows) {
            INDArray clip = rows(features.clip(), w);
            INDArray energy = rows(features.energyMap(), w);
            Prompt prompt = w.promptFrames() == 0
                    ? Prompt.none()
                    : Prompt.of(codes.get(w.index() - 1).rowRange(w.promptFrom(), w.promptFrom() + w.promptFrames()));
            long base = stepsBefore;
            TokenGrid c = pipeline.codes(
                    clip,
                    energy,
                    features.direction(),
                    guidance,
                    o.sampler(),
                    prompt,
                    (done, total) -> progress.update(PipelineProgress.Stage.DECODER_STEPS, base + done, stepsTotal));
            stepsBefore += w.decoderSteps();
            codes.add(c);
            progress.update(PipelineProgress.Stage.AUDIO, w.index(), windows.size());
            pieces.add(audio.decode(c));
            progress.update(PipelineProgress.Stage.AUDIO, w.index() + 1, windows.size());
        }
        float[][] codecAudio = plan.join(pieces, o.join());
        float[][] out = o.outputRateHz() == audio.sampleRateHz()
                ? codecAudio
                : Resampler.torchaudioTransform(audio.sampleRateHz(), o.outputRateHz())
                        .resample(codecAudio);
        return new Result(features, plan, codes, codecAudio, audio.sampleRateHz(), out, o.outputRateHz());
    }

    private static INDArray rows(INDArray a, WindowPlan.Window w) {
        return a.get(NDArrayIndex.interval(w.startFrame(), w.endFrame()), NDArrayIndex.all())
                .dup('c')
                .castTo(DataType.FLOAT);
    }
}
