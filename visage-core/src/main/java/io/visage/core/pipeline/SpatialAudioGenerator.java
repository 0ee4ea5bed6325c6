package io.visage.core.pipeline;

import io.visage.audio.resample.Resampler;
import io.visage.core.direction.CameraDirection;
import io.visage.core.frontend.FrontEnd;
import io.visage.core.frontend.VideoFeatures;
import io.visage.core.generate.Guidance;
import io.visage.core.generate.Sampler;
import io.visage.core.model.VisageConfig;
import io.visage.core.pattern.TokenGrid;
import io.visage.core.video.VideoDecoder;
import io.visage.nn.kernel.Parallelism;
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
 * <p><b>Long videos</b> are generated window by window: windows of {@code max_source_length}
 * frames (20 = 5 s for the released model), without overlap, each conditioned on its own frames
 * and the same camera direction, sampled with one continuing RNG. Every window except the last is
 * cut to its exact duration ({@code frames/4·rate} samples) before the windows are joined, so the
 * output lasts exactly {@code F/4} seconds plus the reference's codec padding of the last window;
 * a clip of at most one window is therefore generated exactly as the reference does. Boundaries
 * are not cross-faded (each window is an independent sample; a cross-fade would mix two
 * unrelated sound fields).
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
        this.components = components;
        this.frontEnd = new FrontEnd(components.clip(), clipBatch, decoder);
        this.pipeline = new VisagePipeline(components.model(), par);
        this.audio = new DacCodesToAudio(components.codec(), chunkFrames);
    }

    /**
     * How to generate.
     *
     * @param guidance     guidance, or null for the model's {@code cfg_guidance_scale} (single)
     * @param sampler      top-k / greedy sampler with its RNG
     * @param outputRateHz rate of {@link Result#foa()} (16,000 as the reference writes; the codec rate
     *                     gives the codec output unchanged)
     */
    public record Options(Guidance guidance, Sampler sampler, int outputRateHz) {
        public Options {
            if (sampler == null) {
                throw new IllegalArgumentException("a sampler is required");
            }
            if (outputRateHz < 1) {
                throw new IllegalArgumentException("output rate must be positive, got " + outputRateHz);
            }
        }
    }

    /**
     * What came out.
     *
     * @param features     the model inputs of the whole video (CLIP [F, d_clip], energy [F, 49], direction [3])
     * @param codes        codes of each window, [1, T, 36] each
     * @param codecAudio   FOA at the codec rate [4][N] (W, Y, Z, X)
     * @param codecRateHz  the codec's sample rate
     * @param foa          FOA at the output rate [4][M]
     * @param outputRateHz the output rate
     */
    public record Result(
            VideoFeatures features,
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
        progress.update(PipelineProgress.Stage.FRAMES, 0, -1);
        VideoFeatures features = frontEnd.features(video, direction);
        progress.update(PipelineProgress.Stage.FRAMES, features.frames(), features.frames());
        return generate(features, o, progress);
    }

    /** Generates from precomputed features (e.g. the reference's .npy files). */
    public Result generate(VideoFeatures features, Options o, PipelineProgress progress) {
        VisageConfig cfg = components.model().config();
        int frames = Math.toIntExact(features.frames());
        int window = cfg.maxSourceLength();
        List<int[]> windows = new ArrayList<>();
        for (int start = 0; start < frames; start += window) {
            windows.add(new int[] {start, Math.min(frames, start + window)});
        }
        long totalSteps = 0;
        for (int[] w : windows) {
            totalSteps += 2L * targetFrames(cfg, w[1] - w[0]) + 1;
        }
        Guidance guidance = o.guidance() == null ? pipeline.defaultGuidance() : o.guidance();
        List<TokenGrid> codes = new ArrayList<>();
        List<float[][]> pieces = new ArrayList<>();
        long[] stepsBefore = {0};
        long stepsTotal = totalSteps;
        for (int i = 0; i < windows.size(); i++) {
            int[] w = windows.get(i);
            INDArray clip = rows(features.clip(), w);
            INDArray energy = rows(features.energyMap(), w);
            long base = stepsBefore[0];
            TokenGrid c = pipeline.codes(
                    clip,
                    energy,
                    features.direction(),
                    guidance,
                    o.sampler(),
                    (done, total) -> progress.update(PipelineProgress.Stage.DECODER_STEPS, base + done, stepsTotal));
            stepsBefore[0] += 2L * targetFrames(cfg, w[1] - w[0]) + 1;
            codes.add(c);
            progress.update(PipelineProgress.Stage.AUDIO, i, windows.size());
            float[][] a = audio.decode(c);
            if (i < windows.size() - 1) {
                a = cut(a, (int) ((long) (w[1] - w[0]) * audio.sampleRateHz() / cfg.clipFrameRate()));
            }
            pieces.add(a);
            progress.update(PipelineProgress.Stage.AUDIO, i + 1, windows.size());
        }
        float[][] codecAudio = concat(pieces);
        float[][] out = o.outputRateHz() == audio.sampleRateHz()
                ? codecAudio
                : Resampler.torchaudioTransform(audio.sampleRateHz(), o.outputRateHz())
                        .resample(codecAudio);
        return new Result(features, codes, codecAudio, audio.sampleRateHz(), out, o.outputRateHz());
    }

    /** Decoder steps of a window: int(F / clip_frame_rate · dac_frame_rate) codec frames, 2 rows each, plus one. */
    private static long targetFrames(VisageConfig cfg, int frames) {
        return (long) ((double) frames / cfg.clipFrameRate() * cfg.dacFrameRate());
    }

    private static INDArray rows(INDArray a, int[] w) {
        return a.get(NDArrayIndex.interval(w[0], w[1]), NDArrayIndex.all())
                .dup('c')
                .castTo(DataType.FLOAT);
    }

    private static float[][] cut(float[][] a, int n) {
        float[][] out = new float[a.length][];
        for (int c = 0; c < a.length; c++) {
            out[c] = java.util.Arrays.copyOf(a[c], Math.min(n, a[c].length));
        }
        return out;
    }

    private static float[][] concat(List<float[][]> pieces) {
        int channels = pieces.get(0).length;
        float[][] out = new float[channels][];
        for (int c = 0; c < channels; c++) {
            int n = 0;
            for (float[][] p : pieces) {
                n += p[c].length;
            }
            out[c] = new float[n];
            int off = 0;
            for (float[][] p : pieces) {
                System.arraycopy(p[c], 0, out[c], off, p[c].length);
                off += p[c].length;
            }
        }
        return out;
    }
}
