package io.visage.examples;

import io.visage.audio.dac.Dac;
import io.visage.audio.dac.DacCodec;
import io.visage.audio.dac.DacConfig;
import io.visage.core.clip.ClipVisionConfig;
import io.visage.core.clip.ClipVisionTransformer;
import io.visage.core.model.ModelKind;
import io.visage.core.model.Visage;
import io.visage.core.model.VisageConfig;
import io.visage.core.pipeline.Components;
import io.visage.nn.module.RandomParams;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Small networks with seeded RANDOM weights and the real architectures' interfaces (224-px CLIP
 * with 32-px patches, 36 code streams of a 1024-entry 9-level codec at 44.1 kHz with hop 512,
 * 20-frame windows, 861 decoder rows per 5 s): the whole pipeline runs in seconds, without the
 * 2 GB of official weights. What they generate is noise-like and carries no meaning.
 */
public final class DemoModels {
    private DemoModels() {}

    public static VisageConfig modelConfig() {
        return VisageConfig.builder()
                .dModel(64)
                .encoderLayers(2)
                .decoderLayers(2)
                .encoderAttentionHeads(4)
                .decoderAttentionHeads(4)
                .encoderFfnDim(128)
                .decoderFfnDim(128)
                .dClip(64)
                .maxSourceLength(20)
                .cfgGuidanceScale(2.5)
                .cfgSpatialGuidanceScale(2.5)
                .build();
    }

    public static ClipVisionConfig clipConfig() {
        return new ClipVisionConfig(224, 32, 64, 2, 2, 64);
    }

    public static DacConfig codecConfig() {
        return DacConfig.builder().encoderDim(4).decoderDim(32).build(); // 44.1 kHz rates, 9 levels of 1024 codes
    }

    /** The three networks from one seed (the caller closes them). */
    public static Components create(long seed) {
        ClipVisionTransformer clip;
        try (RandomParams p = new RandomParams(seed)) {
            clip = ClipVisionTransformer.create(p, "", clipConfig());
        }
        Visage model = Visage.random(modelConfig(), ModelKind.AMBISONICS, seed + 1, DataType.FLOAT);
        DacCodec codec = DacCodec.of(Dac.random(codecConfig(), seed + 2));
        try {
            return new Components(clip, model, codec, true);
        } catch (RuntimeException e) {
            codec.close();
            throw e;
        }
    }
}
