package io.visage.examples;

import io.visage.audio.dac.Dac;
import io.visage.audio.dac.DacCodec;
import io.visage.audio.dac.DacConfig;
import io.visage.audio.io.AudioBuffer;
import io.visage.audio.io.SampleFormat;
import io.visage.audio.io.Wav;
import io.visage.core.clip.ClipVisionConfig;
import io.visage.core.clip.ClipVisionTransformer;
import io.visage.core.data.AmbiIndex;
import io.visage.core.data.SplitRule;
import io.visage.core.data.TinyDatasets;
import io.visage.core.direction.CameraDirection;
import io.visage.core.generate.Sampler;
import io.visage.core.model.ModelKind;
import io.visage.core.model.Visage;
import io.visage.core.pipeline.Components;
import io.visage.core.pipeline.PipelineProgress;
import io.visage.core.train.LossLog;
import io.visage.core.train.TrainConfig;
import io.visage.core.video.SyntheticVideo;
import io.visage.nn.module.RandomParams;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code visage prepare} then {@code visage train} on generated clips, tiny random CLIP/codec/model. */
class PrepareTrainCommandTest {
    private static final int LEVELS = 2;
    private static final int VOCAB = 16;
    private static final String MODEL = "{\"d_model\": 16, \"encoder_layers\": 1, \"decoder_layers\": 1,"
            + " \"encoder_attention_heads\": 2, \"decoder_attention_heads\": 2, \"encoder_ffn_dim\": 24,"
            + " \"decoder_ffn_dim\": 24, \"d_clip\": 8, \"num_rvq\": " + LEVELS + ", \"dac_vocab_size\": " + VOCAB
            + ", \"dac_pad_token_id\": " + VOCAB + ", \"dac_sample_rate\": 44100, \"max_source_length\": 6,"
            + " \"max_target_length\": 180, \"clip_frame_rate\": 4, \"dropout\": 0.1, \"cfg_dropout_prob\": 0.3}";

    /** Raw clips (1 s videos at 8 fps, 48 kHz sine FOA), tiny CLIP/codec configs and the model config. */
    private static Path[] inputs(Path dir) throws Exception {
        Path videos = Files.createDirectories(dir.resolve("videos"));
        Path foa = Files.createDirectories(dir.resolve("foa"));
        Map<String, CameraDirection> ambi = new LinkedHashMap<>();
        List<String> ids = List.of("aaaaaaaaaaa_0", "aaaaaaaaaaa_7", "bbbbbbbbbbb_3");
        for (int i = 0; i < ids.size(); i++) {
            SyntheticVideo.writeColourBars(videos.resolve(ids.get(i) + ".mp4"), 64, 48, 8, 8);
            float[][] ch = new float[4][48000];
            for (int c = 0; c < 4; c++) {
                for (int n = 0; n < ch[c].length; n++) {
                    ch[c][n] = (float) (0.25 * Math.sin(2 * Math.PI * 150 * (c + 1 + i) * n / 48000.0));
                }
            }
            Wav.write(foa.resolve(ids.get(i) + ".wav"), new AudioBuffer(48000, ch), SampleFormat.PCM_16);
            ambi.put(ids.get(i), new CameraDirection(10 + i, 40 * i));
        }
        Path ambiJson = dir.resolve("ambi.json");
        AmbiIndex.write(ambiJson, ambi);
        Path clipCfg = TinyDatasets.writeClipConfig(dir.resolve("clip.json"));
        Path codecCfg = TinyDatasets.writeCodecConfig(dir.resolve("codec.json"), LEVELS, VOCAB);
        Path model = dir.resolve("config.json");
        Files.writeString(model, MODEL);
        return new Path[] {videos, foa, ambiJson, clipCfg, codecCfg, model};
    }

    private static TrainCommand.Options opts(Path data, Path model, Path out, long steps, boolean resume) {
        return opts(data, model, out, steps, 0, resume);
    }

    private static TrainCommand.Options opts(
            Path data, Path model, Path out, long steps, long validEvery, boolean resume) {
        return new TrainCommand.Options(
                data,
                model,
                null,
                out,
                steps,
                2,
                validEvery,
                2,
                resume,
                TrainConfig.builder()
                        .learningRate(3e-3)
                        .batchSize(2)
                        .seconds(1)
                        .seed(21)
                        .build());
    }

    @Test
    void prepareThenTrain_thenResume_reproducesUninterruptedLossCurve(@TempDir Path dir) throws Exception {
        Path[] in = inputs(dir);
        StringWriter err = new StringWriter();
        Path data = dir.resolve("data");
        // all videos in train so the tiny run has data: valid/test fractions 0
        PrepareCommand.Result p = PrepareCommand.run(
                in[0],
                in[1],
                in[2],
                data,
                null,
                in[3],
                in[4],
                3,
                new SplitRule(0, 0, 1),
                new PrintWriter(err, true),
                (a, b, c) -> {});
        assertEquals(3, p.dataset().prepared());
        assertTrue(p.randomClip() && err.toString().contains("RANDOM"), err.toString());

        List<Double> progress = new java.util.ArrayList<>();
        TrainCommand.Result straight = TrainCommand.run(
                opts(data, in[5], dir.resolve("straight"), 4, false),
                new PrintWriter(err, true),
                s -> progress.add(s.loss()));
        assertEquals(4, straight.losses().size());
        assertEquals(straight.losses(), progress);
        assertEquals(
                List.of(dir.resolve("straight/checkpoint-2"), dir.resolve("straight/checkpoint-4")),
                straight.checkpoints());
        Visage trained = Visage.loadPretrained(dir.resolve("straight/checkpoint-4"), ModelKind.AMBISONICS);
        assertEquals(4 * LEVELS, trained.codebooks());

        // generate from the saved checkpoint (CLIP and codec of the same tiny configurations)
        Components nets;
        try (RandomParams rp = new RandomParams(5)) {
            nets = new Components(
                    ClipVisionTransformer.create(rp, "", ClipVisionConfig.fromJson(in[3])),
                    trained,
                    DacCodec.of(Dac.random(DacConfig.fromJson(in[4]), 6)),
                    true);
        }
        GenerateCommand.Result g;
        int hop = nets.codec().config().hopLength();
        try (nets) {
            g = GenerateCommand.run(
                    nets,
                    new GenerateCommand.Options(
                            in[0].resolve("aaaaaaaaaaa_0.mp4"),
                            io.visage.core.video.VideoDecoder.AUTO,
                            GenerateCommand.CameraSpec.ofIndex(new CameraDirection(10, 0)),
                            dir.resolve("generated.wav"),
                            null,
                            null,
                            null,
                            null,
                            new Sampler.Greedy(),
                            16000),
                    PipelineProgress.NONE);
        }
        int frames = 4; // 1 s at 4 fps
        long codecFrames = (long) Math.ceil((double) (long) (frames / 4.0 * 44100) / hop);
        assertEquals(4, g.channels());
        assertEquals((long) Math.ceil(codecFrames * hop * 160 / 441.0), g.samples());
        assertEquals(g.samples(), Wav.read(dir.resolve("generated.wav")).channels()[3].length);

        Path split = dir.resolve("split");
        TrainCommand.run(opts(data, in[5], split, 2, false), new PrintWriter(err, true), s -> {});
        TrainCommand.Result rest =
                TrainCommand.run(opts(data, null, split, 4, true), new PrintWriter(err, true), s -> {});
        assertEquals(2, rest.firstStep());
        double[] a = LossLog.losses(straight.lossLog());
        double[] b = LossLog.losses(rest.lossLog());
        assertArrayEquals(a, b, 0.0, "loss.csv of split+resumed run vs uninterrupted run");
        assertNotEquals(a[0], a[3], "the loss moves");
        String header = Files.readAllLines(rest.lossLog()).get(0);
        assertTrue(header.contains(",cb_" + (4 * LEVELS - 1) + ",valid_loss,"), header);
        assertTrue(header.endsWith(",valid_cb_" + (4 * LEVELS - 1)), header);

        // validation every 2 steps on a valid split (the training clips listed again): logged at steps 2
        // and 4, and the training losses are those of the run without validation
        Files.copy(data.resolve("train.csv"), data.resolve("valid.csv"), StandardCopyOption.REPLACE_EXISTING);
        TrainCommand.Result v = TrainCommand.run(
                opts(data, in[5], dir.resolve("valid"), 4, 2, false), new PrintWriter(err, true), s -> {});
        assertEquals(straight.losses(), v.losses());
        assertEquals(List.of(2L, 4L), List.copyOf(v.validations().keySet()));
        List<double[]> logged = LossLog.validationLosses(v.lossLog());
        assertEquals(2, logged.size());
        assertEquals(2, logged.get(0)[0]);
        assertEquals(v.validations().get(2L).loss(), logged.get(0)[1], 0.0);
        assertEquals(v.validations().get(4L).loss(), logged.get(1)[1], 0.0);
        assertTrue(Double.isFinite(logged.get(1)[1]) && logged.get(1)[1] > 0);
    }

    @Test
    void runOutOfResources_leavesNoPartialRun_andKeepsTheLastCheckpoint(@TempDir Path dir) throws Exception {
        Path[] in = inputs(dir);
        StringWriter err = new StringWriter();
        Path data = dir.resolve("data");
        PrepareCommand.run(
                in[0],
                in[1],
                in[2],
                data,
                null,
                in[3],
                in[4],
                3,
                new SplitRule(0, 0, 1),
                new PrintWriter(err, true),
                (a, b, c) -> {});

        // fails before the first step: the folder this run made is gone again
        Path early = dir.resolve("early");
        OutOfMemoryError heap = new OutOfMemoryError("Java heap space");
        OutOfMemoryError thrown = org.junit.jupiter.api.Assertions.assertThrows(
                OutOfMemoryError.class,
                () -> TrainCommand.run(
                        opts(data, in[5], early, 4, false), new PrintWriter(err, true), new TrainCommand.Progress() {
                            @Override
                            public void started(long first, long last) {
                                throw heap;
                            }
                        }));
        assertEquals(heap, thrown);
        assertFalse(Files.exists(early), "no run folder left");

        // fails after the checkpoint of step 2: checkpoint-2 is complete, nothing partial or hidden is left
        Path late = dir.resolve("late");
        org.junit.jupiter.api.Assertions.assertThrows(
                OutOfMemoryError.class,
                () -> TrainCommand.run(
                        opts(data, in[5], late, 4, false), new PrintWriter(err, true), new TrainCommand.Progress() {
                            @Override
                            public void step(io.visage.core.train.Trainer.StepResult r) {
                                if (r.step() == 3) {
                                    throw heap;
                                }
                            }
                        }));
        try (var files = Files.list(late)) {
            assertEquals(
                    List.of("checkpoint-2", "loss.csv"),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        assertEquals(
                2,
                io.visage.core.train.Trainer.resume(
                                late.resolve("checkpoint-2"),
                                opts(data, null, late, 4, true).train(),
                                io.visage.core.data.TrainingData.open(data, "train"),
                                io.visage.nn.kernel.Parallelism.serial())
                        .stepCount());
    }

    @Test
    void cli_badInput_oneLineErrorAndNonZeroExit(@TempDir Path dir) throws Exception {
        Path[] in = inputs(dir);
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new VisageCli())
                .setErr(new PrintWriter(err, true))
                .setOut(new PrintWriter(new StringWriter(), true));
        int code = cli.execute(
                "prepare",
                "--videos",
                in[0].toString(),
                "--foa",
                in[1].toString(),
                "--ambi-json",
                in[2].toString(),
                "--out",
                dir.resolve("missing/deeper/data").toString(),
                "--clip-config",
                in[3].toString(),
                "--codec-config",
                in[4].toString());
        assertNotEquals(0, code);
        assertTrue(err.toString().contains("visage prepare: ") && err.toString().contains("missing"), err.toString());
        assertFalse(Files.exists(dir.resolve("missing")), "nothing written");

        err.getBuffer().setLength(0);
        code = cli.execute(
                "train",
                "--data",
                dir.resolve("nodata").toString(),
                "--config",
                in[5].toString(),
                "--out",
                dir.resolve("run").toString(),
                "--steps",
                "1");
        assertNotEquals(0, code);
        assertTrue(err.toString().contains("visage train: ") && err.toString().contains("nodata"), err.toString());

        err.getBuffer().setLength(0);
        code = cli.execute(
                "train", "--data", dir.toString(), "--out", dir.resolve("run").toString(), "--resume");
        assertNotEquals(0, code);
        assertTrue(err.toString().contains("visage train: "), err.toString());
    }
}
