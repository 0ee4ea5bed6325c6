package io.visage.core.pipeline;

import io.visage.audio.dac.DacCodec;
import io.visage.core.clip.ClipVisionTransformer;
import io.visage.core.model.ModelKind;
import io.visage.core.model.Visage;
import io.visage.nn.ConfigException;

/**
 * The three networks of the pipeline. Owns the codec (its fast-path weight copies and worker pool):
 * close the components when done.
 *
 * @param clip   CLIP image tower (features and patch tokens)
 * @param model  the ViSAGe ambisonics model
 * @param codec  the DAC whose codes the model predicts; closed by {@link #close()}
 * @param random true when the weights are random (nothing meaningful will be generated)
 */
public record Components(ClipVisionTransformer clip, Visage model, DacCodec codec, boolean random)
        implements AutoCloseable {
    public Components {
        if (model.kind() != ModelKind.AMBISONICS) {
            throw new ConfigException("the pipeline needs the ambisonics model, got " + model.kind());
        }
        if (clip.config().outputDim() != model.config().dClip()) {
            throw new ConfigException("CLIP output width " + clip.config().outputDim() + " != model d_clip "
                    + model.config().dClip());
        }
        if (codec.config().codebookSize() != model.config().dacVocabSize()
                || codec.config().nCodebooks() < model.config().numRvq()
                || codec.config().sampleRateHz() != model.config().dacSampleRate()) {
            throw new ConfigException("codec (" + codec.config().codebookSize() + " codes, "
                    + codec.config().nCodebooks()
                    + " levels, " + codec.config().sampleRateHz() + " Hz) does not match the model (dac_vocab_size "
                    + model.config().dacVocabSize() + ", num_rvq "
                    + model.config().numRvq() + ", dac_sample_rate "
                    + model.config().dacSampleRate() + ")");
        }
    }

    /** Closes the codec. */
    @Override
    public void close() {
        codec.close();
    }
}
