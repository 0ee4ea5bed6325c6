package io.visage.examples;

import io.visage.audio.foa.Direction;
import io.visage.audio.foa.Foa;
import io.visage.audio.foa.FoaFormat;
import io.visage.audio.foa.FoaRotation;
import io.visage.audio.io.AudioBuffer;
import io.visage.audio.io.SampleFormat;
import io.visage.audio.io.Wav;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FoaCommandTest {
    @TempDir
    Path tmp;

    record Run(int status, String out, String err) {}

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = VisageCli.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(status, out.toString(), err.toString());
    }

    private Path monoWav(int frames) {
        Random r = new Random(11);
        float[] x = new float[frames];
        for (int i = 0; i < frames; i++) {
            x[i] = (float) (r.nextGaussian() * 0.2);
        }
        Path p = tmp.resolve("mono.wav");
        Wav.write(p, new AudioBuffer(16000, new float[][] {x}), SampleFormat.FLOAT_32);
        return p;
    }

    @Test
    void encode_writesAmbixFromTheGivenDirection() {
        Path mono = monoWav(40000); // more than one streaming block
        Path foa = tmp.resolve("foa.wav");

        Run run = cli(
                "foa",
                "encode",
                "--in",
                mono.toString(),
                "--azimuth",
                "90",
                "--elevation",
                "0",
                "--out",
                foa.toString());

        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("4 channels"), run.out());
        float[] m = Wav.read(mono).channel(0);
        AudioBuffer a = Wav.read(foa);
        assertEquals(4, a.channelCount());
        assertEquals(16000, a.sampleRate());
        assertArrayEquals(m, a.channel(0), 0f); // W = mono (SN3D)
        assertArrayEquals(m, a.channel(1), 1e-6f); // Y: the source is on the left
        assertArrayEquals(new float[m.length], a.channel(2), 1e-6f);
        assertArrayEquals(new float[m.length], a.channel(3), 1e-6f);
    }

    @Test
    void rotate_yawMinus90_equalsTheTrainingAugmentation() {
        Path mono = monoWav(3000);
        Path foa = tmp.resolve("foa.wav");
        FoaCommand.encode(mono, 30, 20, FoaFormat.AMBIX, foa, null);
        Path rotated = tmp.resolve("rot.wav");

        FoaCommand.Result r = FoaCommand.rotate(foa, -90, 0, 0, FoaFormat.AMBIX, rotated, SampleFormat.FLOAT_32);

        assertEquals(3000, r.frames());
        float[][] expected =
                FoaRotation.TRAINING_AUGMENTATION.apply(Wav.read(foa).channels(), FoaFormat.AMBIX);
        float[][] got = Wav.read(rotated).channels();
        for (int c = 0; c < 4; c++) {
            assertArrayEquals(expected[c], got[c], 1e-6f);
        }
        Run run = cli(
                "foa",
                "rotate",
                "--in",
                foa.toString(),
                "--yaw",
                "-90",
                "--out",
                tmp.resolve("cli.wav").toString());
        assertEquals(0, run.status(), run.err());
        assertArrayEquals(got[1], Wav.read(tmp.resolve("cli.wav")).channel(1), 0f);
    }

    @Test
    void decode_stereoAndMics_giveOneChannelPerMicrophone() {
        Path mono = monoWav(2000);
        Path foa = tmp.resolve("foa.wav");
        FoaCommand.encode(mono, 90, 0, FoaFormat.AMBIX, foa, null);
        float[] m = Wav.read(mono).channel(0);

        Run stereo = cli(
                "foa",
                "decode",
                "--in",
                foa.toString(),
                "--stereo",
                "--out",
                tmp.resolve("lr.wav").toString());
        Run mics = cli(
                "foa",
                "decode",
                "--in",
                foa.toString(),
                "--mic",
                "90,0,cardioid",
                "--mic",
                "-90,0,0.25",
                "--mic",
                "0,90,figure8",
                "--out",
                tmp.resolve("mics.wav").toString(),
                "--sample-format",
                "PCM_24");

        assertEquals(0, stereo.status(), stereo.err());
        assertEquals(0, mics.status(), mics.err());
        AudioBuffer lr = Wav.read(tmp.resolve("lr.wav"));
        assertEquals(2, lr.channelCount());
        assertArrayEquals(m, lr.channel(0), 1e-6f);
        assertArrayEquals(new float[m.length], lr.channel(1), 1e-6f);
        AudioBuffer three = Wav.read(tmp.resolve("mics.wav"));
        assertEquals(3, three.channelCount());
        assertEquals(SampleFormat.PCM_24, Wav.format(tmp.resolve("mics.wav")).sampleFormat());
        for (int t = 0; t < m.length; t++) {
            assertEquals(m[t], three.channel(0)[t], 1e-6);
            assertEquals(0.5 * m[t], three.channel(1)[t], 1e-6);
            assertEquals(0, three.channel(2)[t], 1e-6);
        }
    }

    @Test
    void convert_toFumaAndBack_roundTrips() {
        Path mono = monoWav(1500);
        Path foa = tmp.resolve("foa.wav");
        FoaCommand.encode(mono, -40, 10, FoaFormat.AMBIX, foa, null);
        Path fuma = tmp.resolve("fuma.wav");
        Path back = tmp.resolve("back.wav");

        Run to = cli("foa", "convert", "--in", foa.toString(), "--to", "fuma", "--out", fuma.toString());
        Run from = cli("foa", "convert", "--in", fuma.toString(), "--to", "ambix", "--out", back.toString());

        assertEquals(0, to.status(), to.err());
        assertEquals(0, from.status(), from.err());
        float[][] a = Wav.read(foa).channels();
        float[][] f = Wav.read(fuma).channels();
        float[][] b = Wav.read(back).channels();
        float[][] expectedFuma = Foa.convert(a, FoaFormat.AMBIX, FoaFormat.FUMA);
        for (int c = 0; c < 4; c++) {
            assertArrayEquals(expectedFuma[c], f[c], 0f);
            assertArrayEquals(a[c], b[c], 1e-6f);
        }
        float[] expectedW = Foa.encode(Wav.read(mono).channel(0), Direction.ofDegrees(-40, 10), FoaFormat.FUMA)[0];
        assertArrayEquals(expectedW, f[0], 1e-6f);
    }

    @Test
    void badInputs_giveOneLineAndStatus1_orUsageErrors() throws Exception {
        Path mono = monoWav(100);
        Path out = tmp.resolve("never.wav");

        Run notFoa = cli("foa", "rotate", "--in", mono.toString(), "--yaw", "10", "--out", out.toString());
        assertEquals(1, notFoa.status());
        assertTrue(notFoa.err().contains(mono.toString()) && notFoa.err().contains("has 1 channels"), notFoa.err());
        assertEquals(1, notFoa.err().strip().lines().count(), notFoa.err());
        assertFalse(Files.exists(out));

        Path junk = tmp.resolve("junk.wav");
        Files.writeString(junk, "not a wav file at all");
        Run bad = cli("foa", "encode", "--in", junk.toString(), "--azimuth", "0", "--out", out.toString());
        assertEquals(1, bad.status());
        assertTrue(bad.err().contains("not a RIFF/WAVE file"), bad.err());

        assertEquals(
                2,
                cli("foa", "decode", "--in", mono.toString(), "--out", out.toString())
                        .status());
        assertEquals(
                2,
                cli("foa", "decode", "--in", mono.toString(), "--mic", "1,2", "--out", out.toString())
                        .status());
        assertEquals(
                2,
                cli("foa", "convert", "--in", mono.toString(), "--to", "bformat", "--out", out.toString())
                        .status());
        assertEquals(
                2,
                cli(
                                "foa",
                                "encode",
                                "--in",
                                mono.toString(),
                                "--azimuth",
                                "0",
                                "--elevation",
                                "120",
                                "--out",
                                out.toString())
                        .status());
        assertFalse(Files.exists(out));
        try (var s = Files.list(tmp)) {
            assertEquals(2, s.count()); // mono.wav and junk.wav only: no partial outputs
        }
    }
}
