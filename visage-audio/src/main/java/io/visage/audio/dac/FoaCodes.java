package io.visage.audio.dac;

import io.visage.nn.ShapeMismatchException;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

/**
 * Multi-channel audio ↔ stacked code streams, one DAC pass per channel (channels are independent mono
 * batch items, as in the reference's tokenisation and generation). Code row {@code c·n + q} holds
 * level q of channel c, n = levels per channel. For first-order ambisonics C = {@value #FOA_CHANNELS}
 * in ACN order W, Y, Z, X, so the 44.1 kHz model's 9 levels give the 36 streams ViSAGe generates.
 * Axes: C channels, n levels, T frames, N samples.
 */
public final class FoaCodes {
    /** First-order ambisonics: W, Y, Z, X (ACN channel order, SN3D). */
    public static final int FOA_CHANNELS = 4;

    private FoaCodes() {}

    /**
     * Encodes each channel with the first {@code nQuantizers} levels.
     *
     * @param channels [C][N] at the codec's sample rate (all the same length)
     * @return codes [C·n, ceil(N / hop)] int64, row c·n + q
     */
    public static INDArray encode(DacCodec codec, float[][] channels, int sampleRateHz, int nQuantizers) {
        int c = channels.length;
        if (c == 0) {
            throw new IllegalArgumentException("no channels to encode");
        }
        int n = channels[0].length;
        INDArray audio = Nd4j.create(DataType.FLOAT, c, 1, n);
        for (int i = 0; i < c; i++) {
            if (channels[i].length != n) {
                throw new ShapeMismatchException("FoaCodes.encode: channel " + i + " must have " + n
                        + " samples (as channel 0), found " + channels[i].length);
            }
            audio.get(point(i), point(0), all()).assign(Nd4j.createFromArray(channels[i]));
        }
        INDArray codes =
                codec.encode(codec.preprocess(audio, sampleRateHz), nQuantizers).codes();
        return codes.reshape('c', (long) c * nQuantizers, codes.size(2));
    }

    /** {@link #encode} for exactly {@value #FOA_CHANNELS} channels W, Y, Z, X. */
    public static INDArray encodeFoa(DacCodec codec, float[][] wyzx, int sampleRateHz, int nQuantizers) {
        if (wyzx.length != FOA_CHANNELS) {
            throw new ShapeMismatchException(
                    "FoaCodes.encodeFoa: FOA audio must have 4 channels (W, Y, Z, X), found " + wyzx.length);
        }
        return encode(codec, wyzx, sampleRateHz, nQuantizers);
    }

    /**
     * Decodes stacked code streams, the channels as one batch ({@code from_codes} then the decoder, in windows
     * of {@code chunkFrames} frames, see {@link DacCodec#decodeChunked}).
     *
     * @param codes    [C·n, T] integer, row c·n + q
     * @param channels C
     * @return audio [C][T · hop] (with an odd decoder rate [C][L], L the decoder's output length, a few
     *     samples less: see {@link DacCodec#decodeCodes})
     */
    public static float[][] decode(DacCodec codec, INDArray codes, int channels, int chunkFrames) {
        if (codes.rank() != 2
                || channels < 1
                || codes.size(0) % channels != 0
                || codes.size(0) / channels > codec.config().nCodebooks()
                || codes.size(0) == 0) {
            throw new ShapeMismatchException(
                    "FoaCodes.decode: codes must be [C·n, T] with C = " + channels + " channels and 1 <= n <= "
                            + codec.config().nCodebooks() + " levels per channel (row c·n + q), found "
                            + Arrays.toString(codes.shape()));
        }
        long levels = codes.size(0) / channels;
        long t = codes.size(1);
        INDArray perChannel = codes.dup('c').reshape('c', channels, levels, t);
        // the channels go through the decoder as one batch (one set of working buffers for all)
        INDArray audio = codec.decodeCodes(perChannel, chunkFrames);
        float[][] out = new float[channels][];
        for (int c = 0; c < channels; c++) {
            out[c] = audio.get(interval(c, c + 1), all(), all())
                    .dup('c')
                    .reshape(-1)
                    .toFloatVector();
        }
        return out;
    }

    /** {@link #decode} of the 4·n streams of first-order ambisonics. @return [4][T · hop] in W, Y, Z, X order */
    public static float[][] decodeFoa(DacCodec codec, INDArray codes, int chunkFrames) {
        return decode(codec, codes, FOA_CHANNELS, chunkFrames);
    }
}
