package io.visage.core.generate;

import io.visage.core.model.Visage;
import io.visage.core.model.VisageDecoder;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.kernel.DenseWeights;
import io.visage.nn.kernel.NormWeights;
import io.visage.nn.kernel.WeightFormat;
import io.visage.nn.layers.Embedding;
import io.visage.nn.module.StateDicts;
import io.visage.nn.transformer.DecoderLayerWeights;
import java.util.List;
import java.util.Map;

/**
 * Everything a {@link DecodingSession} reads of a {@link Visage} model, resolved once by {@link #of}
 * (the only code here that walks the model's getters): views of the model's arrays, not copies.
 *
 * @param codeTables    {@code model.decoder.embed_dac.j} [rows, D], one per codebook
 * @param positions     {@code model.decoder.embed_positions} [max_target_length + 2, D]
 * @param bos           {@code model.decoder.bos} [D] (a copy: read once per session)
 * @param embeddingNorm {@code model.decoder.layernorm_embedding}
 * @param layers        the decoder layers
 * @param heads         {@code dac_heads.j} [V, D], one per codebook
 */
record DecodingWeights(
        List<EmbeddingRows> codeTables,
        EmbeddingRows positions,
        float[] bos,
        NormWeights embeddingNorm,
        List<DecoderLayerWeights> layers,
        List<DenseWeights> heads) {

    static DecodingWeights of(Visage model) {
        return of(model, WeightFormat.FP32);
    }

    /** The decoder's weights with every projection and head stored in {@code format}. */
    static DecodingWeights of(Visage model, WeightFormat format) {
        Map<Tensor, String> keys = StateDicts.keysByTensor(model);
        VisageDecoder d = model.decoder();
        List<EmbeddingRows> tables =
                d.embedDac().stream().map(e -> rows(e, keys)).toList();
        return new DecodingWeights(
                tables,
                rows(d.embedPositions(), keys),
                d.bos().value().dup('c').data().asFloat(),
                NormWeights.of(d.layernormEmbedding()),
                DecoderLayerWeights.of(d.layers(), format),
                model.heads().stream().map(h -> DenseWeights.of(h).as(format)).toList());
    }

    private static EmbeddingRows rows(Embedding e, Map<Tensor, String> keys) {
        return new EmbeddingRows(keys.get(e.weight()), e.weight().value());
    }

    /** Bytes of the heads one step streams for {@code liveHeads} of them (all heads have one shape). */
    long headBytes(int liveHeads) {
        return liveHeads * heads.get(0).bytes();
    }

    /** Codebooks K. */
    int codebooks() {
        return heads.size();
    }

    /** Width D. */
    int dModel() {
        return bos.length;
    }

    /** Codes per codebook V (rows of a head). */
    int vocab() {
        return heads.get(0).out();
    }
}
