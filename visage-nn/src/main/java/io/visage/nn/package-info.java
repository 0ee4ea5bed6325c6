/**
 * visage-nn: the tensor engine (ND4J arrays plus a reverse-mode tape), PyTorch-named modules,
 * layers, optimizers and checkpoint I/O. Nothing here knows about audio or video.
 *
 * <p>Axis legend used in shape javadoc throughout: {@code B} batch, {@code T} time/sequence,
 * {@code S} source (encoder) length, {@code D} model width, {@code H} attention heads,
 * {@code Dh} head width, {@code C} channels, {@code N} samples, {@code V} vocabulary.
 */
package io.visage.nn;
