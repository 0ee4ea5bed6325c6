package io.visage.nn.transformer;

import io.visage.nn.attention.MultiHeadAttention;
import io.visage.nn.kernel.DenseWeights;
import io.visage.nn.kernel.NormWeights;
import io.visage.nn.kernel.WeightFormat;
import java.util.List;

/**
 * The weights of one {@link BartDecoderLayer} as the incremental decode kernels read them (llama3.java's
 * {@code Weights}): extracted once by {@link #of}, the only code that walks the layer's module getters;
 * views of the module's arrays, not copies.
 *
 * @param heads     attention heads H (both attentions)
 * @param scaling   Dh^-0.5, applied to q before q·kᵀ (both attentions)
 * @param selfQ     {@code self_attn.q_proj} [D, D]
 * @param selfK     {@code self_attn.k_proj}
 * @param selfV     {@code self_attn.v_proj}
 * @param selfOut   {@code self_attn.out_proj}
 * @param selfNorm  {@code self_attn_layer_norm}
 * @param crossQ    {@code encoder_attn.q_proj}
 * @param crossK    {@code encoder_attn.k_proj} (used once per generation, on the encoder states)
 * @param crossV    {@code encoder_attn.v_proj} (likewise)
 * @param crossOut  {@code encoder_attn.out_proj}
 * @param crossNorm {@code encoder_attn_layer_norm}
 * @param fc1       {@code fc1} [F, D]
 * @param fc2       {@code fc2} [D, F]
 * @param finalNorm {@code final_layer_norm}
 */
public record DecoderLayerWeights(
        int heads,
        float scaling,
        DenseWeights selfQ,
        DenseWeights selfK,
        DenseWeights selfV,
        DenseWeights selfOut,
        NormWeights selfNorm,
        DenseWeights crossQ,
        DenseWeights crossK,
        DenseWeights crossV,
        DenseWeights crossOut,
        NormWeights crossNorm,
        DenseWeights fc1,
        DenseWeights fc2,
        NormWeights finalNorm) {

    /** The views of {@code layer}'s parameters (float32, read in place). */
    public static DecoderLayerWeights of(BartDecoderLayer layer) {
        return of(layer, WeightFormat.FP32);
    }

    /**
     * {@code layer}'s parameters for the decode kernels, every projection's weight stored in
     * {@code format} (biases and norms stay float32). The cross-attention key/value weights are
     * also kept float32 for the one GEMM over the encoder states.
     */
    public static DecoderLayerWeights of(BartDecoderLayer layer, WeightFormat format) {
        MultiHeadAttention self = layer.selfAttn();
        MultiHeadAttention cross = layer.encoderAttn();
        if (self.heads() != cross.heads() || self.scaling() != cross.scaling()) {
            throw new IllegalArgumentException("decoder layer: self- and cross-attention differ in heads ("
                    + self.heads() + " vs " + cross.heads() + ")");
        }
        return new DecoderLayerWeights(
                self.heads(),
                (float) self.scaling(),
                dense(self.qProj(), format),
                dense(self.kProj(), format),
                dense(self.vProj(), format),
                dense(self.outProj(), format),
                NormWeights.of(layer.selfAttnLayerNorm()),
                dense(cross.qProj(), format),
                DenseWeights.of(cross.kProj()),
                DenseWeights.of(cross.vProj()),
                dense(cross.outProj(), format),
                NormWeights.of(layer.encoderAttnLayerNorm()),
                dense(layer.fc1(), format),
                dense(layer.fc2(), format),
                NormWeights.of(layer.finalLayerNorm()));
    }

    private static DenseWeights dense(io.visage.nn.layers.Linear linear, WeightFormat format) {
        return DenseWeights.of(linear).as(format);
    }

    /** The views of every layer, in order (float32). */
    public static List<DecoderLayerWeights> of(List<BartDecoderLayer> layers) {
        return of(layers, WeightFormat.FP32);
    }

    /** Every layer, in order, with weights stored in {@code format}. */
    public static List<DecoderLayerWeights> of(List<BartDecoderLayer> layers, WeightFormat format) {
        return layers.stream().map(l -> of(l, format)).toList();
    }

    /** Width D. */
    public int dModel() {
        return selfQ.out();
    }

    /** Inner width F of the feed-forward block. */
    public int ffnDim() {
        return fc1.out();
    }

    /** Bytes one decode step streams (everything but the cross-attention key/value projections). */
    public long bytesPerStep() {
        long dense = 0;
        for (DenseWeights d : List.of(selfQ, selfK, selfV, selfOut, crossQ, crossOut, fc1, fc2)) {
            dense += d.bytes();
        }
        return dense + selfNorm.bytes() + crossNorm.bytes() + finalNorm.bytes();
    }
}
