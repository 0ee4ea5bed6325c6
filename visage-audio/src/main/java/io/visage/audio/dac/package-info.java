/**
 * The Descript Audio Codec (DAC), 44.1 kHz model and any other configuration of the same
 * architecture: {@link io.visage.audio.dac.DacConfig} (the {@code DAC(**kwargs)} arguments),
 * {@link io.visage.audio.dac.Dac} (module tree with the reference's state-dict keys; loads the released
 * {@code weights.pth} container or safetensors + {@code config.json}, strictly),
 * {@link io.visage.audio.dac.DacCodec} (inference: preprocess, encode, from_codes, decode, chunked
 * overlap-save decoding) and {@link io.visage.audio.dac.FoaCodes} (4 FOA channels × n levels ↔ audio).
 *
 * <p>Axes: B batch, N samples, D latent_dim, n quantizer levels, d codebook_dim, T latent frames
 * (T = N / hop). Audio tensors are [B, 1, N] float32 at the codec's sample rate; codes are int64
 * [B, n, T]; stacked multi-channel codes are [C·n, T] with row c·n + q, FOA channels in ACN order
 * W, Y, Z, X.
 *
 * <p>Execution: the layer classes' {@code forward} methods on {@link io.visage.nn.autodiff.Ops}, with
 * the weight norm applied at every call, are the one reference forward (training and the tests'
 * oracle). {@code DacCodec} runs the encoder and decoder on a time-major [T, C] fast path: a
 * {@code DacLayerPlan} per network, derived once from the module tree (stages: convolution with the
 * Snake before it fused in, Snake + transposed convolution, residual unit, tanh; every length,
 * context and workspace size is read from it), turned by {@code TimeMajorNetwork} into weight views
 * extracted once per stage ({@code TapConv} tap matrices, {@code SnakeKernel} alphas) and run by one
 * generic loop over the stages with buffers reused from a per-call workspace.
 */
package io.visage.audio.dac;
