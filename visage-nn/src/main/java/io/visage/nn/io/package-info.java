/**
 * Tensor-file I/O: {@link io.visage.nn.io.Safetensors} (positional reads), PyTorch zip checkpoints
 * through a restricted unpickler ({@link io.visage.nn.io.TorchCheckpoint}), NumPy
 * {@link io.visage.nn.io.Npy} and {@link io.visage.nn.io.Npz}, all behind
 * {@link io.visage.nn.io.TensorSource}; {@link io.visage.nn.io.TensorFiles#open} picks the reader by
 * content.
 *
 * <p>Conventions: every reader validates headers before allocating tensor memory and reports any
 * malformed, truncated, lying or unsafe input as a {@link io.visage.nn.CheckpointFormatException}
 * whose message starts with the file and names the problem (and the tensor). Arrays are returned
 * c-order (row-major) in the file's dtype; little-endian on disk unless a format states otherwise.
 * Tensors over 2 GiB are not supported.
 */
package io.visage.nn.io;
