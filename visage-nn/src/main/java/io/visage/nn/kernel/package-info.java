/**
 * Hand-written compute kernels for autoregressive decoding, where ND4J's per-op overhead and its
 * skinny-matrix {@code mmul} leave most of the memory bandwidth unused.
 *
 * <p>What is here:
 * <ul>
 *   <li>{@link io.visage.nn.kernel.Parallelism}: an explicit worker pool with a cheap fork-join over
 *       index ranges (the caller passes it in; nothing here creates threads behind your back);</li>
 *   <li>{@link io.visage.nn.kernel.MatVec}: {@code y = x · Wᵀ + b} for a small batch, reading the
 *       weight straight out of its ND4J array ({@code [out, in]}, PyTorch layout), with a Vector API
 *       implementation, a plain-Java fallback and a naive reference ({@link io.visage.nn.kernel.MatVecs});</li>
 *   <li>{@link io.visage.nn.kernel.RowKernels}: LayerNorm, exact-erf GELU, softmax and residual add
 *       on {@code float[]} rows, and {@link io.visage.nn.kernel.Erf};</li>
 *   <li>{@link io.visage.nn.kernel.AttentionKernel}: single-query multi-head attention against a
 *       KV cache laid out as {@link io.visage.nn.kernel.KvLayout} {@code [B, H, Tmax, Dh]}.</li>
 * </ul>
 *
 * <p><b>Vector API.</b> The fast paths use the incubating {@code jdk.incubator.vector} module. When
 * the JVM was started without {@code --add-modules jdk.incubator.vector} every kernel still works
 * through a plain-Java path; the Vector API classes are then never loaded. {@link
 * io.visage.nn.kernel.MatVecs#vectorApiAvailable()} tells which case applies.
 *
 * <p><b>Array conventions.</b> Activations are {@code float[]} in row-major order with an explicit
 * start offset; a batch of {@code B} rows of width {@code n} occupies {@code B * n} consecutive
 * elements unless a row stride is given. Axis letters: {@code B} batch rows, {@code H} heads,
 * {@code Dh} head width, {@code L} filled cache length, {@code Tmax} cache capacity.
 *
 * <p><b>Threads.</b> Kernels are stateless and may be called concurrently; those that take a
 * {@link io.visage.nn.kernel.Parallelism} split their work over its threads, the calling thread
 * included.
 */
package io.visage.nn.kernel;
