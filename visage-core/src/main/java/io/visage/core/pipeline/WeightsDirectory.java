package io.visage.core.pipeline;

import io.visage.audio.dac.DacCodec;
import io.visage.core.clip.ClipVisionTransformer;
import io.visage.core.clip.ClipWeights;
import io.visage.core.model.ModelKind;
import io.visage.core.model.Visage;
import io.visage.nn.CheckpointFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The official weights, as downloaded, in one folder:
 * <ul>
 *   <li>ViSAGe: {@code config.json} + {@code pytorch_model.bin} or {@code model.safetensors}
 *       (Hugging Face {@code jaeyeonkim99/visage});</li>
 *   <li>DAC 44.1 kHz: {@code weights.pth} (descript-audio-codec release 0.0.1, the
 *       {@code {'state_dict', 'metadata'}} container), or a {@code dac/} sub-folder holding it;</li>
 *   <li>CLIP ViT-B/32: {@code ViT-B-32.pt} (OpenAI), or a {@code clip/} sub-folder with the
 *       Hugging Face {@code openai/clip-vit-base-patch32} files.</li>
 * </ul>
 * A missing or corrupt file is named in the error together with what was expected there.
 */
public final class WeightsDirectory {
    /** DAC file names looked for, in order. */
    public static final List<String> DAC_FILES = List.of("weights.pth", "dac/weights.pth", "dac/weights.safetensors");

    private WeightsDirectory() {}

    /** Loads all three networks (the caller closes the returned components). */
    public static Components load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointFormatException(
                    dir,
                    "weights folder does not exist (expected the ViSAGe config.json +"
                            + " pytorch_model.bin, the DAC weights.pth and CLIP ViT-B-32.pt)");
        }
        if (!Files.isRegularFile(dir.resolve("config.json"))) {
            throw new CheckpointFormatException(
                    dir.resolve("config.json"),
                    "missing: the ViSAGe config.json (Hugging Face"
                            + " jaeyeonkim99/visage) is expected next to pytorch_model.bin or model.safetensors");
        }
        Visage model = Visage.loadPretrained(dir, ModelKind.AMBISONICS);
        Path dacFile = dacFile(dir);
        DacCodec codec = DacCodec.load(dacFile);
        try {
            Path clipFile = clipFile(dir);
            ClipVisionTransformer clip = ClipWeights.load(clipFile);
            return new Components(clip, model, codec, false);
        } catch (RuntimeException e) {
            codec.close(); // its worker pool must not outlive a failed load
            throw e;
        }
    }

    /**
     * The DAC weights of a weights folder: the first of {@link #DAC_FILES} that exists (a
     * {@code dac/weights.safetensors} needs its {@code dac/config.json}, see {@link io.visage.audio.dac.Dac#load(Path)}).
     *
     * @throws CheckpointFormatException naming what was looked for when none exists
     */
    public static Path dacFile(Path dir) {
        return DAC_FILES.stream()
                .map(dir::resolve)
                .filter(Files::isRegularFile)
                .findFirst()
                .orElseThrow(() -> new CheckpointFormatException(
                        dir.resolve("weights.pth"),
                        "missing: the DAC"
                                + " weights (descript-audio-codec release 0.0.1 weights.pth; looked for " + DAC_FILES
                                + ")"));
    }

    /**
     * The CLIP checkpoint of a weights folder: {@code ViT-B-32.pt} (OpenAI), else a {@code clip/}
     * sub-folder (Hugging Face files, or one of {@link ClipWeights#FILE_NAMES} with a
     * {@link io.visage.core.clip.ClipVisionConfig} {@code config.json}).
     *
     * @throws CheckpointFormatException naming what was looked for when neither exists
     */
    public static Path clipFile(Path dir) {
        if (Files.isRegularFile(dir.resolve("ViT-B-32.pt"))) {
            return dir.resolve("ViT-B-32.pt");
        }
        if (Files.isDirectory(dir.resolve("clip"))) {
            return dir.resolve("clip");
        }
        throw new CheckpointFormatException(
                dir.resolve("ViT-B-32.pt"),
                "missing: the CLIP ViT-B/32 weights (OpenAI"
                        + " ViT-B-32.pt, or a clip/ folder with Hugging Face openai/clip-vit-base-patch32)");
    }
}
