package io.visage.audio.dac;

import io.visage.nn.ShapeMismatchException;
import io.visage.nn.testing.Fixtures;
import io.visage.nn.testing.TensorAssert;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

/** Stacked per-channel code streams: row c·n + q, channels W, Y, Z, X, each channel coded on its own. */
class FoaCodesTest {
    private static DacCodec codec;

    @BeforeAll
    static void load() {
        codec = DacCodec.load(Fixtures.file("dac-tiny", "weights.dac.pth"));
    }

    @AfterAll
    static void close() {
        codec.close();
    }

    private static float[][] foaNoise(long seed, int samples) {
        Random r = new Random(seed);
        float[][] a = new float[FoaCodes.FOA_CHANNELS][samples];
        for (float[] ch : a) {
            for (int i = 0; i < samples; i++) {
                ch[i] = (float) (0.3 * r.nextGaussian());
            }
        }
        return a;
    }

    @Test
    void encodeFoa_rowsAreEachChannelEncodedAlone() {
        int n = codec.config().nCodebooks();
        int sr = codec.config().sampleRateHz();
        float[][] wyzx = foaNoise(1, codec.config().hopLength() * 9 + 5);
        INDArray codes = FoaCodes.encodeFoa(codec, wyzx, sr, n);
        long frames = (wyzx[0].length + codec.config().hopLength() - 1)
                / codec.config().hopLength();
        assertArrayEquals(new long[] {(long) FoaCodes.FOA_CHANNELS * n, frames}, codes.shape());
        for (int c = 0; c < FoaCodes.FOA_CHANNELS; c++) {
            INDArray alone = FoaCodes.encode(codec, new float[][] {wyzx[c]}, sr, n);
            TensorAssert.assertExact(
                    "channel " + c,
                    alone.shape(),
                    alone.dup().data().asLong(),
                    codes.get(interval((long) c * n, (long) (c + 1) * n), all())
                            .dup()
                            .data()
                            .asLong());
        }
    }

    @Test
    void decodeFoa_channelCIsDecodeOfRowsCnToCnPlusN() {
        int n = codec.config().nCodebooks();
        long frames = 7;
        Random r = new Random(2);
        INDArray codes = Nd4j.create(DataType.LONG, (long) FoaCodes.FOA_CHANNELS * n, frames);
        for (long i = 0; i < codes.length(); i++) {
            codes.putScalar(i, r.nextInt(codec.config().codebookSize()));
        }
        float[][] audio = FoaCodes.decodeFoa(codec, codes, 3);
        assertEquals(FoaCodes.FOA_CHANNELS, audio.length);
        for (int c = 0; c < FoaCodes.FOA_CHANNELS; c++) {
            INDArray rows = codes.get(interval((long) c * n, (long) (c + 1) * n), all())
                    .dup()
                    .reshape(1, n, frames);
            INDArray expected = codec.decode(codec.fromCodes(rows).z().value()).reshape(-1);
            assertEquals(frames * codec.config().decoderUpsampling(), audio[c].length);
            TensorAssert.assertClose("channel " + c, expected, Nd4j.createFromArray(audio[c]), 0, 1e-5);
        }
    }

    @Test
    void decode_rowsNotMultipleOfChannels_throwsWithShape() {
        INDArray codes = Nd4j.zeros(DataType.LONG, FoaCodes.FOA_CHANNELS + 1, 3);
        ShapeMismatchException e =
                assertThrows(ShapeMismatchException.class, () -> FoaCodes.decodeFoa(codec, codes, 8));
        assertTrue(e.getMessage().contains("[" + (FoaCodes.FOA_CHANNELS + 1) + ", 3]"), e.getMessage());
    }

    @Test
    void encodeFoa_threeChannels_throws() {
        ShapeMismatchException e = assertThrows(
                ShapeMismatchException.class,
                () -> FoaCodes.encodeFoa(codec, new float[3][8], codec.config().sampleRateHz(), 1));
        assertTrue(e.getMessage().contains("found 3"), e.getMessage());
    }
}
