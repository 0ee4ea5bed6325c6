/**
 * VGGish as audioldm_eval's Fréchet audio distance uses it (torchvggish, the PyTorch port of
 * Google's AudioSet VGGish): the float64 log-mel front end ({@link
 * io.visage.eval.semantic.vggish.VggishFrontEnd}), the VGG network ({@link
 * io.visage.eval.semantic.vggish.Vggish}) and the PCA/quantisation postprocessor ({@link
 * io.visage.eval.semantic.vggish.VggishPostprocessor}), loaded strictly by the reference's
 * state-dict names ({@link io.visage.eval.semantic.vggish.VggishWeights}).
 *
 * <p>Axes: {@code N} samples at 16 kHz, {@code F} STFT frames (10 ms hop), {@code E} examples
 * (non-overlapping windows of 96 frames = 0.96 s), {@code C} channels; examples are {@code [E, 1,
 * 96, 64]} (time × mel), feature maps {@code [E, C, H, W]} with H along time and W along mel.
 */
package io.visage.eval.semantic.vggish;
