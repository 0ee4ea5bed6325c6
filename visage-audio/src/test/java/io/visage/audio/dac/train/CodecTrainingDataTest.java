package io.visage.audio.dac.train;

import io.visage.audio.io.AudioBuffer;
import io.visage.audio.io.SampleFormat;
import io.visage.audio.io.Wav;
import io.visage.nn.optim.SplitMixRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CodecTrainingDataTest {
    /** Channel c holds the ramp value (c + 1) · 1000 + i / 1000 at sample i, so a segment tells where it came from. */
    private static float[][] ramps(int channels, int samples) {
        float[][] x = new float[channels][samples];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < samples; i++) {
                x[c][i] = (c + 1) + i * 1e-4f;
            }
        }
        return x;
    }

    @Test
    void everyChannelOfEveryWav_isAnExample_resampledToTheCodecRate(@TempDir Path dir) throws Exception {
        Wav.write(dir.resolve("a.wav"), new AudioBuffer(16000, ramps(4, 1600)), SampleFormat.FLOAT_32);
        Wav.write(dir.resolve("B.WAV"), new AudioBuffer(8000, ramps(1, 800)), SampleFormat.FLOAT_32);
        Files.writeString(dir.resolve("notes.txt"), "not audio");
        CodecTrainingData d = CodecTrainingData.open(dir, 16000);
        assertEquals(5, d.examples().size(), "4 FOA channels + 1 mono channel");
        assertEquals(dir.resolve("B.WAV"), d.examples().get(0).file(), "file-name order");
        assertEquals(1600, d.examples().get(0).samples().length, "8 kHz file resampled to 16 kHz");
        assertEquals(1600, d.examples().get(1).samples().length);
        assertEquals(3, d.examples().get(4).channel(), "a.wav channels 0..3 follow B.WAV");
    }

    @Test
    void segments_startAtMultiplesOfTheHop_andFollowTheRng() {
        CodecTrainingData d = CodecTrainingData.of(16000, ramps(3, 1000));
        SplitMixRandom rng = new SplitMixRandom(5);
        INDArray b = d.batch(50, 64, 16, false, rng);
        assertEquals(50, b.size(0));
        for (int i = 0; i < 50; i++) {
            double first = b.getDouble(i, 0, 0);
            int channel = (int) Math.floor(first) - 1;
            long start = Math.round((first - (channel + 1)) / 1e-4);
            assertTrue(channel >= 0 && channel < 3);
            assertEquals(0, start % 16, "segment " + i + " starts at sample " + start);
            assertTrue(start + 64 <= 1000, "the segment lies inside its example");
            assertEquals(first + 63e-4, b.getDouble(i, 0, 63), 1e-3, "a contiguous run of samples");
        }
        INDArray again = d.batch(50, 64, 16, false, new SplitMixRandom(5));
        assertEquals(b, again, "the same RNG state draws the same segments");
    }

    @Test
    void silentSegments_areRedrawn_andShortExamplesZeroPadded() {
        float[][] x = new float[2][400];
        for (int i = 200; i < 400; i++) {
            x[1][i] = 0.5f; // example 0 silent; example 1 silent in its first half
        }
        CodecTrainingData d = CodecTrainingData.of(16000, x);
        INDArray b = d.batch(40, 100, 100, true, new SplitMixRandom(1));
        for (int i = 0; i < 40; i++) {
            assertTrue(b.getDouble(i, 0, 0) == 0.5, "segment " + i + " is not silent");
        }
        INDArray loud = CodecTrainingData.of(16000, new float[][] {{0.25f, -0.25f}})
                .batch(1, 8, 4, true, new SplitMixRandom(2));
        assertEquals(0.25, loud.getDouble(0, 0, 0), 1e-7);
        assertEquals(-0.25, loud.getDouble(0, 0, 1), 1e-7);
        assertEquals(0.0, loud.getDouble(0, 0, 7), 0.0, "zero-padded past the example's end");
    }

    @Test
    void aFolderWithoutWavFiles_isNamed(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("x.txt"), "");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> CodecTrainingData.open(dir, 16000));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("no .wav"), e.getMessage());
        IllegalArgumentException missing =
                assertThrows(IllegalArgumentException.class, () -> CodecTrainingData.open(dir.resolve("nope"), 16000));
        assertTrue(missing.getMessage().contains("nope"), missing.getMessage());
    }
}
