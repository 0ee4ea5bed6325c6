package io.visage.examples;

import io.visage.audio.dac.DacCodec;
import io.visage.audio.dac.DacConfig;
import io.visage.audio.dac.FoaCodes;
import io.visage.audio.io.AudioBuffer;
import io.visage.audio.io.SampleFormat;
import io.visage.audio.io.Wav;
import io.visage.nn.ShapeMismatchException;
import io.visage.nn.io.Npy;
import io.visage.nn.testing.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code visage codec encode|decode} on the dac-tiny weights (sizes and rate from the fixture's config). */
class CodecCommandTest {
    @TempDir
    Path tmp;

    private static Path weights() {
        return Fixtures.file("dac-tiny", "weights.dac.pth");
    }

    private Path foaWav(int sampleRate, int samples) {
        Random r = new Random(9);
        float[][] ch = new float[FoaCodes.FOA_CHANNELS][samples];
        for (float[] c : ch) {
            for (int i = 0; i < samples; i++) {
                c[i] = (float) (0.25 * r.nextGaussian());
            }
        }
        Path f = tmp.resolve("foa.wav");
        Wav.write(f, new AudioBuffer(sampleRate, ch), SampleFormat.FLOAT_32);
        return f;
    }

    @Test
    void encodeThenDecode_foaWav_givesStackedCodesAndFourChannelAudio() {
        DacConfig c = DacConfig.fromJson(Fixtures.file("dac-tiny", "config.json"));
        int samples = c.hopLength() * 6 + 3;
        Path wav = foaWav(c.sampleRateHz(), samples);
        Path codes = tmp.resolve("codes.npy");
        CodecCommand.Encoded e = CodecCommand.encode(wav, weights(), codes, null);
        long frames = (samples + c.hopLength() - 1) / c.hopLength();
        INDArray written = Npy.read(codes);
        assertEquals(DataType.LONG, written.dataType());
        assertArrayEquals(new long[] {(long) FoaCodes.FOA_CHANNELS * c.nCodebooks(), frames}, written.shape());
        assertEquals(frames, e.frames());
        try (DacCodec codec = DacCodec.load(weights())) {
            INDArray direct = FoaCodes.encodeFoa(codec, Wav.read(wav).channels(), c.sampleRateHz(), c.nCodebooks());
            assertArrayEquals(direct.data().asLong(), written.data().asLong());
        }

        Path out = tmp.resolve("out.wav");
        CodecCommand.Decoded d = CodecCommand.decode(codes, weights(), out, null, 2, SampleFormat.FLOAT_32);
        AudioBuffer audio = Wav.read(out);
        assertEquals(FoaCodes.FOA_CHANNELS, d.channels());
        assertEquals(c.sampleRateHz(), audio.sampleRate());
        assertEquals(frames * c.decoderUpsampling(), audio.channels()[0].length);
        for (float[] ch : audio.channels()) {
            for (float v : ch) {
                assertTrue(Float.isFinite(v) && Math.abs(v) <= 1f, "sample " + v);
            }
        }
    }

    @Test
    void encode_wrongSampleRate_failsWithOneLineNamingRates() {
        DacConfig c = DacConfig.fromJson(Fixtures.file("dac-tiny", "config.json"));
        Path wav = foaWav(c.sampleRateHz() * 2, c.hopLength() * 2);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = VisageCli.execute(
                new PrintWriter(out),
                new PrintWriter(err),
                "codec",
                "encode",
                "--in",
                wav.toString(),
                "--weights",
                weights().toString(),
                "--out",
                tmp.resolve("c.npy").toString());
        assertEquals(1, status);
        assertTrue(
                err.toString().contains(c.sampleRateHz() * 2 + " Hz")
                        && err.toString().contains(wav.toString()),
                err.toString());
    }

    @Test
    void decode_rowsNotMultipleOfLevels_throwsAskingForChannels() {
        DacConfig c = DacConfig.fromJson(Fixtures.file("dac-tiny", "config.json"));
        Path codes = tmp.resolve("odd.npy");
        Npy.write(codes, Nd4j.zeros(DataType.LONG, c.nCodebooks() + 1, 4));
        ShapeMismatchException e = assertThrows(
                ShapeMismatchException.class,
                () -> CodecCommand.decode(codes, weights(), tmp.resolve("o.wav"), null, 8, SampleFormat.PCM_16));
        assertTrue(e.getMessage().contains("--channels") && e.getMessage().contains(codes.toString()), e.getMessage());
    }
}
