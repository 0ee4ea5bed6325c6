package io.visage.core.data;

import io.visage.audio.dac.Dac;
import io.visage.audio.dac.DacCodec;
import io.visage.audio.dac.DacConfig;
import io.visage.core.clip.ClipVisionConfig;
import io.visage.core.clip.ClipVisionTransformer;
import io.visage.core.clip.ClipWeights;
import io.visage.core.frontend.FrontEnd;
import io.visage.core.pipeline.WeightsDirectory;
import io.visage.core.video.VideoDecoder;
import io.visage.nn.module.RandomParams;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which networks {@link DatasetPreparer} runs, as plain values, so that every machine of a cluster
 * builds the same ones: the official files from a weights folder, or random ones from a seed.
 *
 * @param weights     weights folder laid out as {@link WeightsDirectory} reads it (DAC {@code weights.pth}
 *                    or {@code dac/}, CLIP {@code ViT-B-32.pt} or {@code clip/}), or null for random
 *                    networks
 * @param clipConfig  CLIP vision config JSON of the random CLIP (null: ViT-B/32); ignored with weights
 * @param codecConfig DAC kwargs JSON of the random codec (null: {@link #RANDOM_CODEC}); ignored with weights
 * @param seed        seed of the random networks (CLIP from {@code seed}, codec from {@code seed + 1})
 * @param decoder     how videos are decoded
 * @param batchFrames frames per CLIP call
 */
public record PrepareNetworks(
        String weights, String clipConfig, String codecConfig, long seed, VideoDecoder decoder, int batchFrames)
        implements Serializable {
    /** The random codec used without weights: 44.1 kHz, hop 512, 9 levels of 1024 codes (the official code shape). */
    public static final DacConfig RANDOM_CODEC = DacConfig.builder()
            .encoderDim(4)
            .encoderRates(8, 8, 8)
            .decoderDim(32)
            .decoderRates(8, 8, 8)
            .build();

    /** Frames per CLIP call of the command line. */
    public static final int DEFAULT_BATCH_FRAMES = 8;

    public PrepareNetworks {
        if (decoder == null) {
            throw new IllegalArgumentException("video decoder is null");
        }
        if (batchFrames <= 0) {
            throw new IllegalArgumentException("frames per CLIP call must be positive, was " + batchFrames);
        }
    }

    /** Whether the networks are random (no weights folder). */
    public boolean random() {
        return weights == null;
    }

    /**
     * Checks that the weights folder holds what {@link #open} loads, before any work starts.
     *
     * @throws IllegalArgumentException naming the folder or the missing file
     */
    public void check() {
        if (weights == null) {
            return;
        }
        Path w = Path.of(weights);
        if (!Files.isDirectory(w)) {
            throw new IllegalArgumentException("weights folder " + w + " does not exist");
        }
        WeightsDirectory.dacFile(w);
        clipCheckpoint(w);
    }

    /** {@link WeightsDirectory#clipFile}, or the folder itself when it holds a CLIP checkpoint directly. */
    private static Path clipCheckpoint(Path w) {
        boolean direct = ClipWeights.FILE_NAMES.stream().anyMatch(n -> Files.isRegularFile(w.resolve(n)))
                && !Files.isDirectory(w.resolve("clip"));
        return direct ? w : WeightsDirectory.clipFile(w);
    }

    /** The networks and the preparer that runs them; closing it frees the codec. */
    public record Loaded(DatasetPreparer preparer, DacCodec codec) implements AutoCloseable {
        @Override
        public void close() {
            codec.close();
        }
    }

    /** Loads (or builds) both networks. */
    public Loaded open(SplitRule split) {
        check();
        ClipVisionTransformer clip;
        DacCodec codec;
        if (weights == null) {
            ClipVisionConfig cc =
                    clipConfig == null ? ClipVisionConfig.VIT_B_32 : ClipVisionConfig.fromJson(Path.of(clipConfig));
            DacConfig dc = codecConfig == null ? RANDOM_CODEC : DacConfig.fromJson(Path.of(codecConfig));
            try (RandomParams p = new RandomParams(seed)) {
                clip = ClipVisionTransformer.create(p, "", cc);
            }
            codec = DacCodec.of(Dac.random(dc, seed + 1));
        } else {
            Path w = Path.of(weights);
            clip = ClipWeights.load(clipCheckpoint(w));
            codec = DacCodec.load(WeightsDirectory.dacFile(w));
        }
        return new Loaded(new DatasetPreparer(new FrontEnd(clip, batchFrames, decoder), codec, split), codec);
    }
}
