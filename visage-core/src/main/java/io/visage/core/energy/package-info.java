/**
 * The visual "patchwise energy map" (reference {@code data/infer_clip_energy.py}): per video frame,
 * 49 non-negative numbers summing to 1 that say how novel each 7×7 CLIP patch is, spatially
 * (against its 4-neighbourhood) and temporally (against the neighbouring frames).
 *
 * <p>Axes: T frames, P = H·W patches (row-major, patch = W·row + col, row 0 = top), C channels.
 * Features are the CLIP transformer output before {@code ln_post}, [T, 1 + P, C], token 0 the
 * class token (ignored here).
 */
package io.visage.core.energy;
