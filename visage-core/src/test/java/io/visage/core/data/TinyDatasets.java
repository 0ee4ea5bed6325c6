package io.visage.core.data;

import io.visage.audio.dac.Dac;
import io.visage.audio.dac.DacCodec;
import io.visage.audio.dac.DacConfig;
import io.visage.audio.io.AudioBuffer;
import io.visage.audio.io.SampleFormat;
import io.visage.audio.io.Wav;
import io.visage.core.clip.ClipVisionConfig;
import io.visage.core.clip.ClipVisionTransformer;
import io.visage.core.direction.CameraDirection;
import io.visage.core.frontend.FrontEnd;
import io.visage.core.video.SyntheticVideo;
import io.visage.nn.module.RandomParams;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tiny raw inputs (videos, FOA recordings, ambi.json) and tiny random CLIP / DAC for preparation tests. */
public final class TinyDatasets {
    /** A 7×7-patch CLIP (energy maps need 49 patches) with an 8-wide output. */
    public static final ClipVisionConfig CLIP = new ClipVisionConfig(56, 8, 16, 1, 2, 8);

    private TinyDatasets() {}

    /** 44.1 kHz, hop 512 (86 frames/s as the model assumes), {@code levels} levels of {@code vocab} entries. */
    public static DacConfig codecConfig(int levels, int vocab) {
        return DacConfig.builder()
                .encoderDim(2)
                .encoderRates(8, 8, 8)
                .decoderDim(16)
                .decoderRates(8, 8, 8)
                .codebookSize(vocab)
                .codebooks(levels, 4)
                .build();
    }

    /** Writes {@link #CLIP} as the JSON {@code --clip-config} reads. */
    public static Path writeClipConfig(Path file) {
        return writeString(
                file,
                "{\"input_resolution\": " + CLIP.inputResolution() + ", \"patch_size\": " + CLIP.patchSize()
                        + ", \"width\": " + CLIP.width() + ", \"layers\": " + CLIP.layers() + ", \"heads\": "
                        + CLIP.heads() + ", \"output_dim\": " + CLIP.outputDim() + "}");
    }

    /** Writes {@link #codecConfig} as the DAC kwargs JSON {@code --codec-config} reads. */
    public static Path writeCodecConfig(Path file, int levels, int vocab) {
        try {
            return writeString(
                    file,
                    new com.fasterxml.jackson.databind.ObjectMapper()
                            .writeValueAsString(codecConfig(levels, vocab).toKwargs()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path writeString(Path file, String text) {
        try {
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A codec of {@link #codecConfig} with seeded random weights; the caller closes it. */
    public static DacCodec codec(int levels, int vocab, long seed) {
        return DacCodec.of(Dac.random(codecConfig(levels, vocab), seed));
    }

    public static FrontEnd frontEnd(long seed) {
        try (RandomParams p = new RandomParams(seed)) {
            return new FrontEnd(ClipVisionTransformer.create(p, "", CLIP), 4);
        }
    }

    /** The raw folders of a dataset. */
    public record Raw(Path videos, Path foa, Path ambiJson, Map<String, CameraDirection> directions) {}

    /**
     * Writes {@code ids.size()} clips of {@code seconds} s: colour-bar videos at 8 fps and 4-channel
     * FOA WAVs (a different sine per channel) at {@code rateHz}.
     */
    public static Raw write(Path dir, List<String> ids, int seconds, int rateHz) {
        try {
            Path videos = Files.createDirectories(dir.resolve("videos"));
            Path foa = Files.createDirectories(dir.resolve("foa"));
            Map<String, CameraDirection> dirs = new LinkedHashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                String id = ids.get(i);
                SyntheticVideo.writeColourBars(videos.resolve(id + ".mp4"), 64, 48, 8, 8 * seconds);
                float[][] ch = new float[4][seconds * rateHz];
                for (int c = 0; c < 4; c++) {
                    double f = 110.0 * (c + 1) * (i + 1);
                    for (int n = 0; n < ch[c].length; n++) {
                        ch[c][n] = (float) (0.3 * Math.sin(2 * Math.PI * f * n / rateHz));
                    }
                }
                Wav.write(foa.resolve(id + ".wav"), new AudioBuffer(rateHz, ch), SampleFormat.FLOAT_32);
                dirs.put(id, new CameraDirection((7 * i + 3) % 90, (31 * i + 11) % 180));
            }
            Path ambi = dir.resolve("ambi.json");
            AmbiIndex.write(ambi, dirs);
            return new Raw(videos, foa, ambi, dirs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
