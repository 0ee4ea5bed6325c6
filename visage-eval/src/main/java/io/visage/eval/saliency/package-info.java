/**
 * Saliency-map metrics on flat {@code double[]} maps (the equal-area sampled vectors of
 * {@link io.visage.eval.spatial.EqualAreaSampler}, or any map flattened row-major). The saliency
 * map is the prediction (generated audio); the fixation source is the ground-truth map, whose
 * "fixations" are the positions where it exceeds {@code max - std} ({@link Fixations#reference}).
 *
 * <p>NaN policy: a NaN or infinite input value throws {@link IllegalArgumentException} naming the
 * map and index; a constant map has no defined normalisation and gives NaN (CC, NSS, SIM), except
 * where the reference itself stops (AUC-Judd without jitter on a constant saliency map throws).
 */
package io.visage.eval.saliency;
