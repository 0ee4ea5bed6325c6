package io.visage.examples;

import io.visage.audio.dac.Dac;
import io.visage.audio.dac.DacConfig;
import io.visage.audio.dac.train.CodecLossLog;
import io.visage.audio.dac.train.CodecTrainer;
import io.visage.audio.io.AudioBuffer;
import io.visage.audio.io.SampleFormat;
import io.visage.audio.io.Wav;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code visage codec train} on two tiny FOA files, then encode/decode with its final weights. */
class CodecTrainCommandTest {
    @TempDir
    Path tmp;

    private static final String TINY_CONFIG = "{\"sample_rate\": 16000, \"encoder_dim\": 2, \"encoder_rates\": [2, 5],"
            + " \"decoder_dim\": 8, \"decoder_rates\": [5, 2], \"n_codebooks\": 2, \"codebook_size\": 8,"
            + " \"codebook_dim\": 2}";

    private Path foa(Path dir, String name, long seed, int samples) {
        Random r = new Random(seed);
        float[][] ch = new float[4][samples];
        double f = 250 * (1 + r.nextInt(3));
        for (int c = 0; c < 4; c++) {
            double g = 2 * r.nextDouble() - 1;
            for (int i = 0; i < samples; i++) {
                ch[c][i] = (float) (0.5 * g * Math.sin(2 * Math.PI * f * i / 16000));
            }
        }
        Path p = dir.resolve(name);
        Wav.write(p, new AudioBuffer(16000, ch), SampleFormat.FLOAT_32);
        return p;
    }

    private record Run(int status, String out, String err) {}

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = VisageCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void train_writesLogCheckpointsAndFinal_thenEncodeDecodeReadFinal_andResumeContinues() throws Exception {
        Path audio = Files.createDirectories(tmp.resolve("audio"));
        Path wav = foa(audio, "a.wav", 1, 1600);
        foa(audio, "b.wav", 2, 1200);
        Path cfg = tmp.resolve("codec.json");
        Files.writeString(cfg, TINY_CONFIG);
        Path run = tmp.resolve("run");
        Run r = cli(
                "codec",
                "train",
                "--audio",
                audio.toString(),
                "--config",
                cfg.toString(),
                "--out",
                run.toString(),
                "--steps",
                "2",
                "--batch",
                "2",
                "--segment-seconds",
                "0.01",
                "--save-every",
                "1");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("segments of 160 samples"), r.err());
        assertEquals(2, CodecLossLog.column(run.resolve(CodecLossLog.FILE), "total").length);
        assertTrue(Files.isDirectory(run.resolve("checkpoint-1")));
        assertTrue(Files.isDirectory(run.resolve("checkpoint-2")));
        Path weights = CodecTrainer.weightsIn(run.resolve(CodecTrainer.FINAL_DIR));
        Dac dac = Dac.load(weights);
        assertEquals(DacConfig.fromJson(cfg), dac.config());

        Path codes = tmp.resolve("codes.npy");
        Run enc = cli(
                "codec", "encode", "--in", wav.toString(), "--weights", weights.toString(), "--out", codes.toString());
        assertEquals(0, enc.status(), enc.err());
        Path back = tmp.resolve("back.wav");
        Run dec = cli(
                "codec", "decode", "--in", codes.toString(), "--weights", weights.toString(), "--out", back.toString());
        assertEquals(0, dec.status(), dec.err());
        AudioBuffer decoded = Wav.read(back);
        assertEquals(4, decoded.channelCount());
        assertEquals(16000, decoded.sampleRate());
        // rate 5 gives 5T - 1, then 2 doubles it: 160 frames -> 10 * 160 - 2 samples
        assertEquals(10 * 160 - 2, decoded.frames());

        Run more = cli(
                "codec",
                "train",
                "--audio",
                audio.toString(),
                "--out",
                run.toString(),
                "--steps",
                "3",
                "--batch",
                "2",
                "--segment-seconds",
                "0.01",
                "--resume");
        assertEquals(0, more.status(), more.err());
        assertTrue(more.err().contains("resuming from " + run.resolve("checkpoint-2")), more.err());
        assertEquals(3, CodecLossLog.column(run.resolve(CodecLossLog.FILE), "total").length);
        assertTrue(Files.isDirectory(run.resolve("checkpoint-3")));
    }

    @Test
    void badInput_oneLineErrors() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Path cfg = tmp.resolve("codec.json");
        Files.writeString(cfg, TINY_CONFIG);
        Run r = cli(
                "codec",
                "train",
                "--audio",
                empty.toString(),
                "--config",
                cfg.toString(),
                "--out",
                tmp.resolve("run").toString());
        assertEquals(1, r.status());
        String line = r.err()
                .lines()
                .filter(l -> l.startsWith("visage codec train:"))
                .findFirst()
                .orElse("");
        assertTrue(line.contains(empty.toString()) && line.contains("no .wav"), r.err());
        Run noConfig = cli(
                "codec",
                "train",
                "--audio",
                empty.toString(),
                "--out",
                tmp.resolve("run").toString());
        assertEquals(1, noConfig.status());
        assertTrue(noConfig.err().contains("--config is required"), noConfig.err());
        Run noCkpt = cli(
                "codec",
                "train",
                "--audio",
                empty.toString(),
                "--out",
                tmp.resolve("run").toString(),
                "--resume");
        assertEquals(1, noCkpt.status());
        assertTrue(noCkpt.err().contains("no checkpoint-<step> folder"), noCkpt.err());
    }

    @Test
    void suggestedConfig_isAValid16kCodecAt50FramesPerSecond() throws Exception {
        try (InputStream in = CodecTrainCommand.class.getResourceAsStream(CodecTrainCommand.SMALL_16K_RESOURCE)) {
            Path f = tmp.resolve("small.json");
            Files.write(f, in.readAllBytes());
            DacConfig c = DacConfig.fromJson(f);
            assertEquals(16000, c.sampleRateHz());
            assertEquals(320, c.hopLength());
            assertEquals(128, c.latentDim());
            assertEquals(4, c.nCodebooks());
        }
    }
}
