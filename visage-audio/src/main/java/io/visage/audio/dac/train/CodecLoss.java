package io.visage.audio.dac.train;

import io.visage.audio.dac.Dac;
import io.visage.audio.dac.DacEncoding;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;

/**
 * The codec's training objective on one batch: encode (quantizer dropout as given), decode, and
 * total = w_mel · mel + w_l1 · mean|ŷ − y| + w_commit · commitment + w_cb · codebook
 * (defaults 15, 1, 0.25, 1; see {@link CodecTrainConfig}).
 *
 * <p>Gradients, as in DAC: the decoder and the quantizers' out_proj get the true gradient of the
 * total; the encoder and the quantizers' in_proj get the straight-through estimate of the
 * reconstruction terms plus the commitment term; the codebooks learn from the codebook term only.
 *
 * <p>Lengths: the decoder gives T · Π decoder_rates samples for even rates and a few less for odd
 * ones (rate 5: 5T − 1 per stage, so [8, 5, 4, 2] gives 320·T − 8); like DAC's
 * {@code x[..., :length]}, both signals are compared over the first min(N, decoder output) samples.
 */
public final class CodecLoss {
    private final MelSpectrogramLoss mel;
    private final double melWeight;
    private final double l1Weight;
    private final double commitmentWeight;
    private final double codebookWeight;

    /**
     * The terms of one evaluation. The doubles are read before any backward pass (which frees
     * recorded values).
     *
     * @param total      the weighted sum (scalar; carries gradients under recording ops)
     * @param mel        multi-scale log-mel L1, unweighted
     * @param l1         mean absolute waveform error, unweighted
     * @param commitment VQ commitment loss, unweighted
     * @param codebook   VQ codebook loss, unweighted
     */
    public record Terms(Tensor total, double mel, double l1, double commitment, double codebook) {}

    public CodecLoss(
            MelSpectrogramLoss mel, double melWeight, double l1Weight, double commitmentWeight, double codebookWeight) {
        this.mel = mel;
        this.melWeight = melWeight;
        this.l1Weight = l1Weight;
        this.commitmentWeight = commitmentWeight;
        this.codebookWeight = codebookWeight;
    }

    /** The loss of a config: its mel scales at {@code sampleRateHz} and its weights. */
    public static CodecLoss of(CodecTrainConfig c, int sampleRateHz) {
        return new CodecLoss(
                new MelSpectrogramLoss(sampleRateHz, c.melScales()),
                c.melWeight(),
                c.l1Weight(),
                c.commitmentWeight(),
                c.codebookWeight());
    }

    public MelSpectrogramLoss mel() {
        return mel;
    }

    /**
     * @param audio         [B, 1, N] (a constant), N a multiple of the hop length
     * @param levelsPerItem quantizer levels counted per item ({@link io.visage.audio.dac.QuantizerDropout})
     */
    public Terms compute(Ops ops, Dac dac, Tensor audio, int[] levelsPerItem) {
        DacEncoding e = dac.encode(ops, audio, levelsPerItem);
        Tensor y = dac.decode(ops, e.z());
        long n = Math.min(audio.size(2), y.size(2));
        Tensor estimate = y.size(2) == n ? y : ops.narrow(y, 2, 0, n);
        Tensor reference = audio.size(2) == n ? audio : ops.narrow(audio, 2, 0, n);
        Tensor melLoss = mel.loss(ops, estimate, reference);
        Tensor l1 = ops.mean(ops.abs(ops.sub(estimate, reference)));
        Tensor total = ops.add(
                ops.add(ops.scale(melLoss, melWeight), ops.scale(l1, l1Weight)),
                ops.add(ops.scale(e.commitmentLoss(), commitmentWeight), ops.scale(e.codebookLoss(), codebookWeight)));
        return new Terms(
                total,
                melLoss.item(),
                l1.item(),
                e.commitmentLoss().item(),
                e.codebookLoss().item());
    }
}
