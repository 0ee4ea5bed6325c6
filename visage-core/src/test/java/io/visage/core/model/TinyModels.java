package io.visage.core.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visage.core.generate.Conditions;
import io.visage.core.pattern.CodePattern;
import io.visage.core.pattern.TokenGrid;
import io.visage.nn.autodiff.Tensor;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Small random configurations and inputs for property, gradient and training tests. */
public final class TinyModels {
    private TinyModels() {}

    /** A small config; {@code numRvq} levels, vocabulary {@code vocab}, pad = vocab. */
    public static VisageConfig config(int dModel, int numRvq, int vocab, double initStd) {
        ObjectNode n = new ObjectMapper()
                .createObjectNode()
                .put("d_model", dModel)
                .put("encoder_layers", 1)
                .put("decoder_layers", 2)
                .put("encoder_attention_heads", 2)
                .put("decoder_attention_heads", 2)
                .put("encoder_ffn_dim", 2 * dModel)
                .put("decoder_ffn_dim", 2 * dModel)
                .put("d_clip", 8)
                .put("num_rvq", numRvq)
                .put("dac_vocab_size", vocab)
                .put("dac_pad_token_id", vocab)
                .put("max_source_length", 8)
                .put("max_target_length", 64)
                .put("init_std", initStd)
                .put("dropout", 0.0);
        return VisageConfig.fromJson(n);
    }

    /** Random tensor [shape] of {@code type}. */
    /** Random float32 conditions (CLIP, energy map, direction) of {@code batch} clips of {@code frames} frames. */
    public static Conditions conditions(Random rng, VisageConfig cfg, int batch, int frames) {
        return new Conditions(
                randn(rng, DataType.FLOAT, batch, frames, cfg.dClip()),
                randn(rng, DataType.FLOAT, batch, frames, VisageConfig.ENERGY_MAP_SIZE),
                randn(rng, DataType.FLOAT, batch, VisageConfig.DIRECTION_SIZE));
    }

    public static INDArray randn(Random rng, DataType type, long... shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        double[] v = new double[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian();
        }
        return Nd4j.create(v, shape, 'c').castTo(type);
    }

    /** A batch of random clips: conditions plus interleaved targets; item b > 0 has its last {@code b} frames padded. */
    public record Batch(Tensor clip, Tensor energy, Tensor direction, TokenGrid inputs, TokenGrid labels) {}

    public static Batch batch(
            Random rng, VisageConfig cfg, ModelKind kind, int batch, int clipFrames, int codeFrames, DataType type) {
        CodePattern p = new CodePattern(kind, cfg.numRvq(), cfg.dacPadTokenId());
        int k = p.codebooks();
        TokenGrid[] inter = new TokenGrid[batch];
        for (int b = 0; b < batch; b++) {
            long[] codes = new long[k * codeFrames];
            for (int c = 0; c < k; c++) {
                for (int f = 0; f < codeFrames; f++) {
                    codes[c * codeFrames + f] =
                            f >= codeFrames - b ? cfg.dacPadTokenId() : rng.nextInt(cfg.dacVocabSize());
                }
            }
            inter[b] = p.interleave(codes, codeFrames);
        }
        TokenGrid all = TokenGrid.stack(inter);
        boolean ambi = kind == ModelKind.AMBISONICS;
        return new Batch(
                Tensor.constant(randn(rng, type, batch, clipFrames, cfg.dClip())),
                ambi ? Tensor.constant(randn(rng, type, batch, clipFrames, VisageConfig.ENERGY_MAP_SIZE)) : null,
                ambi ? Tensor.constant(randn(rng, type, batch, VisageConfig.DIRECTION_SIZE)) : null,
                p.decoderInputs(all),
                p.labels(all, VisageConfig.IGNORE_INDEX));
    }
}
