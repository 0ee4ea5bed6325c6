package io.visage.eval.semantic.vggish;

/** Which of torchvggish's outputs {@link Vggish} returns per example. */
public enum VggishOutput {
    /**
     * The FAD embedding, as audioldm_eval's {@code FrechetAudioDistance(use_pca=False,
     * use_activation=False)} takes it: the last Linear's output, without the final ReLU and without
     * the postprocessor (values may be negative).
     */
    FAD,
    /** {@code VGGish(postprocess=False)} with all ReLUs: the FAD embedding through a ReLU. */
    ACTIVATED,
    /**
     * The torch.hub default: {@link #ACTIVATED} through the PCA/quantisation postprocessor
     * (float values 0..255); needs the PCA parameters.
     */
    POSTPROCESSED
}
