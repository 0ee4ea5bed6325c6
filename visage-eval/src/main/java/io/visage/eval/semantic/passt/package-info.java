/**
 * PaSST (hear21passt, {@code get_basic_model(mode="logits")}) as audioldm_eval's KL divergence
 * runs it: the eval-mode mel front end {@link io.visage.eval.semantic.passt.PasstFrontEnd} and the
 * distilled patchout transformer {@link io.visage.eval.semantic.passt.Passt}, loaded strictly by the
 * reference's state-dict names. Axes: B clips, N samples (32 kHz), T mel frames (128 bins), F × T'
 * patches (rows over mel bins, columns over frames), tokens 2 + F·T', D width, C classes.
 */
package io.visage.eval.semantic.passt;
