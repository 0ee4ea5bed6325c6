/**
 * The ViSAGe model (reference {@code modeling/visage.py}, {@code visage_mono.py}): configuration,
 * encoder, decoder, codebook heads, null embeddings and the summed per-codebook loss, with the
 * reference's state-dict names and order.
 *
 * <p>Axes: {@code B} batch, {@code F} CLIP frames, {@code S = F + 2} encoder positions, {@code L}
 * decoder input rows, {@code R} decoder rows, {@code D} d_model, {@code K} codebooks,
 * {@code V} dac_vocab_size.
 */
package io.visage.core.model;
