/**
 * The arithmetic of the semantic evaluation (audioldm_eval as ViSAGe's {@code evaluate_semantic.py}
 * runs it): the Fréchet distance between two sets of embeddings and the paired KL divergence between
 * classifier outputs, plus the {@link io.visage.eval.semantic.EmbeddingModel} seam the feature
 * extractors (VGGish, PaSST) plug into. Embeddings are {@code [N][D]} (one row per frame or clip).
 */
package io.visage.eval.semantic;
