package io.visage.core.train;

import io.visage.core.data.AmbiIndex;
import io.visage.core.data.DatasetLayout;
import io.visage.core.data.TrainingData;
import io.visage.core.direction.CameraDirection;
import io.visage.core.model.ModelKind;
import io.visage.core.model.TinyModels;
import io.visage.core.model.Visage;
import io.visage.core.model.VisageConfig;
import io.visage.nn.CheckpointFormatException;
import io.visage.nn.ConfigException;
import io.visage.nn.io.Npy;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.module.StateDicts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The training loop on a tiny config and a tiny random dataset: learning, checkpoints, exact resume. */
class TrainerTest {
    /** The optimizer pass runs on the test thread. */
    private static final Parallelism PAR = Parallelism.serial();

    /** dropout and CFG dropout on, so the resumed RNG stream matters. */
    static final String CONFIG = "{\"d_model\": 16, \"encoder_layers\": 1, \"decoder_layers\": 1,"
            + " \"encoder_attention_heads\": 2, \"decoder_attention_heads\": 2, \"encoder_ffn_dim\": 24,"
            + " \"decoder_ffn_dim\": 24, \"d_clip\": 8, \"num_rvq\": 2, \"dac_vocab_size\": 16, \"dac_pad_token_id\": 16,"
            + " \"dac_sample_rate\": 44100, \"max_source_length\": 6, \"max_target_length\": 180, \"clip_frame_rate\": 4,"
            + " \"dropout\": 0.1, \"cfg_dropout_prob\": 0.3}";

    /** Random clips in the prepared layout: codes [K, T] with T drawn around one second, 4 CLIP frames. */
    static void writeDataset(Path root, VisageConfig cfg, int clips, long seed) throws Exception {
        Random r = new Random(seed);
        DatasetLayout l = new DatasetLayout(root);
        l.createFolders();
        int k = cfg.numCodebooks(ModelKind.AMBISONICS);
        Map<String, CameraDirection> ambi = new LinkedHashMap<>();
        StringBuilder csv = new StringBuilder("file_path\n");
        for (int c = 0; c < clips; c++) {
            String id = "video" + c + "_" + c;
            int t = cfg.dacFrameRate() + r.nextInt(3) - 1;
            long[] codes = new long[k * t];
            for (int i = 0; i < codes.length; i++) {
                codes[i] = r.nextInt(cfg.dacVocabSize());
            }
            Npy.write(l.dac(id), Nd4j.createFromArray(codes).reshape(k, t));
            long[] rot = codes.clone();
            for (int i = 0; i < rot.length; i += 3) {
                rot[i] = r.nextInt(cfg.dacVocabSize());
            }
            Npy.write(l.dacRotated(id), Nd4j.createFromArray(rot).reshape(k, t));
            Npy.write(l.clip(id), TinyModels.randn(r, DataType.FLOAT, cfg.clipFrameRate(), cfg.dClip()));
            INDArray e = Nd4j.rand(DataType.FLOAT, cfg.clipFrameRate(), VisageConfig.ENERGY_MAP_SIZE);
            Npy.write(l.energyMap(id), e.diviColumnVector(e.sum(true, 1)));
            ambi.put(id, new CameraDirection(r.nextInt(90), r.nextInt(180)));
            csv.append(id).append(".npy\n");
        }
        AmbiIndex.write(l.ambiJson(), ambi);
        Files.writeString(l.split("train"), csv);
    }

    private static TrainConfig tc() {
        return TrainConfig.builder()
                .learningRate(3e-3)
                .batchSize(2)
                .seconds(1)
                .seed(11)
                .build();
    }

    private static Trainer fresh(TrainingData data) {
        VisageConfig cfg = Trainer.parseConfig(CONFIG, "test");
        return Trainer.start(Visage.random(cfg, ModelKind.AMBISONICS, 5, DataType.FLOAT), CONFIG, tc(), data, PAR);
    }

    @Test
    void resume_fromHalfway_reproducesUninterruptedLossCurveExactly(@TempDir Path dir) throws Exception {
        VisageConfig cfg = Trainer.parseConfig(CONFIG, "test");
        writeDataset(dir.resolve("data"), cfg, 3, 1);
        TrainingData data = TrainingData.open(dir.resolve("data"), "train");
        int total = 6;
        int cut = total / 2;

        Trainer a = fresh(data);
        double[] straight = new double[total];
        for (int i = 0; i < total; i++) {
            straight[i] = a.step().loss();
        }
        Path out = Files.createDirectories(dir.resolve("run"));
        Trainer b = fresh(data);
        double[] resumed = new double[total];
        for (int i = 0; i < cut; i++) {
            resumed[i] = b.step().loss();
        }
        Path ckpt = b.save(out);
        assertEquals(out.resolve("checkpoint-" + cut), ckpt);
        assertEquals(ckpt, Trainer.latestCheckpoint(out));
        Trainer c = Trainer.resume(
                ckpt, tc().toBuilder().seed(999).build(), TrainingData.open(dir.resolve("data"), "train"), PAR);
        assertEquals(cut, c.stepCount());
        for (int i = cut; i < total; i++) {
            resumed[i] = c.step().loss();
        }
        assertArrayEquals(straight, resumed, 0.0, "loss curve after resume");
        Map<String, INDArray> wa = StateDicts.arrays(a.model().stateDict());
        Map<String, INDArray> wc = StateDicts.arrays(c.model().stateDict());
        for (String key : wa.keySet()) {
            assertEquals(wa.get(key), wc.get(key), "weights after the same steps: " + key);
        }
        try (Stream<Path> s = Files.list(out)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".")), "temporary folders left");
        }
    }

    @Test
    void checkpoint_loadsAsPretrainedModel_withPyTorchNames(@TempDir Path dir) throws Exception {
        VisageConfig cfg = Trainer.parseConfig(CONFIG, "test");
        writeDataset(dir.resolve("data"), cfg, 2, 2);
        Trainer t = fresh(TrainingData.open(dir.resolve("data"), "train"));
        t.step();
        Path ckpt = t.save(Files.createDirectories(dir.resolve("run")));
        Visage loaded = Visage.loadPretrained(ckpt, ModelKind.AMBISONICS);
        Map<String, INDArray> before = StateDicts.arrays(t.model().stateDict());
        Map<String, INDArray> after = StateDicts.arrays(loaded.stateDict());
        assertEquals(before.keySet(), after.keySet());
        before.forEach((k, v) -> assertEquals(v, after.get(k), k));
        assertTrue(after.containsKey("model.decoder.embed_dac.0.weight") && after.containsKey("dac_heads.0.bias"));
        TrainerState s = TrainerState.read(ckpt.resolve(TrainerState.FILE));
        assertEquals(1, s.step());
        assertEquals(t.state(), s);
    }

    @Test
    void training_tinyDataset_lossFalls(@TempDir Path dir) throws Exception {
        VisageConfig cfg = Trainer.parseConfig(CONFIG, "test");
        writeDataset(dir.resolve("data"), cfg, 1, 3);
        TrainingData data = TrainingData.open(dir.resolve("data"), "train");
        Trainer t = Trainer.start(
                Visage.random(cfg, ModelKind.AMBISONICS, 5, DataType.FLOAT),
                CONFIG,
                TrainConfig.builder()
                        .learningRate(1e-2)
                        .weightDecay(0.0)
                        .batchSize(1)
                        .seconds(1)
                        .rotationProbability(0.0)
                        .seed(3)
                        .build(),
                data,
                PAR);
        Trainer.StepResult first = t.step();
        Trainer.StepResult last = first;
        for (int i = 0; i < 25; i++) {
            last = t.step();
        }
        assertTrue(last.loss() < 0.8 * first.loss(), "loss " + first.loss() + " -> " + last.loss());
        double sum = 0;
        for (int j = 0; j < last.perHead().length; j++) {
            assertTrue(last.counted()[j], "every codebook has labels in a full window");
            sum += last.perHead()[j];
        }
        assertEquals(last.loss(), sum, 1e-6 * Math.abs(sum), "total = sum of float32 per-codebook losses");
        assertEquals(1e-2, last.lr());
    }

    @Test
    void lossLog_resumeDropsLinesAfterCheckpoint(@TempDir Path dir) {
        LossLog log = LossLog.open(dir, 2, 0);
        for (int s = 1; s <= 4; s++) {
            log.append(new Trainer.StepResult(
                    s,
                    s / 3.0,
                    new double[] {s / 7.0, 0},
                    new boolean[] {true, false},
                    1,
                    1e-4,
                    java.util.List.of("a_1"),
                    null));
        }
        assertArrayEquals(new double[] {1 / 3.0, 2 / 3.0, 3 / 3.0, 4 / 3.0}, LossLog.losses(log.file()), 0.0);
        LossLog again = LossLog.open(dir, 2, 2);
        assertArrayEquals(new double[] {1 / 3.0, 2 / 3.0}, LossLog.losses(again.file()), 0.0);
    }

    @Test
    void resume_incompleteCheckpoint_throwsNamingMissingFile(@TempDir Path dir) throws Exception {
        VisageConfig cfg = Trainer.parseConfig(CONFIG, "test");
        writeDataset(dir.resolve("data"), cfg, 2, 2);
        TrainingData data = TrainingData.open(dir.resolve("data"), "train");
        Trainer t = fresh(data);
        t.step();
        Path ckpt = t.save(Files.createDirectories(dir.resolve("run")));
        Files.delete(ckpt.resolve(Trainer.OPTIMIZER_FILE));
        var e = assertThrows(CheckpointFormatException.class, () -> Trainer.resume(ckpt, tc(), data, PAR));
        assertTrue(e.getMessage().contains(Trainer.OPTIMIZER_FILE), e.getMessage());
    }

    @Test
    void start_windowLongerThanConfigAllows_throwsNamingKey(@TempDir Path dir) throws Exception {
        VisageConfig cfg = Trainer.parseConfig(CONFIG, "test");
        writeDataset(dir.resolve("data"), cfg, 1, 2);
        TrainingData data = TrainingData.open(dir.resolve("data"), "train");
        Visage m = Visage.random(cfg, ModelKind.AMBISONICS, 5, DataType.FLOAT);
        var e = assertThrows(
                ConfigException.class,
                () -> Trainer.start(m, CONFIG, tc().toBuilder().seconds(5).build(), data, PAR));
        assertTrue(
                e.getMessage().contains("max_source_length") || e.getMessage().contains("max_target_length"),
                e.getMessage());
    }

    @Test
    void trainingData_missingFeatureFile_throwsNamingIt(@TempDir Path dir) throws Exception {
        VisageConfig cfg = Trainer.parseConfig(CONFIG, "test");
        writeDataset(dir.resolve("data"), cfg, 2, 2);
        Files.delete(new DatasetLayout(dir.resolve("data")).energyMap("video1_1"));
        var e = assertThrows(IllegalArgumentException.class, () -> TrainingData.open(dir.resolve("data"), "train"));
        assertTrue(e.getMessage().contains("video1_1.npy") && e.getMessage().contains("energy_map"), e.getMessage());
    }

    @Test
    void trainConfig_builderHoldsTheReferenceRecipe_andValidates() {
        TrainConfig r = TrainConfig.reference();
        assertEquals(1e-4, r.learningRate());
        assertEquals(0.01, r.weightDecay());
        assertEquals(1.0, r.maxGradNorm());
        assertEquals(64, r.batchSize());
        assertEquals(5, r.seconds());
        assertEquals(0.5, r.rotationProbability());
        assertEquals(1115, r.seed());
        assertEquals(r, r.toBuilder().build());
        assertEquals(7, r.toBuilder().batchSize(7).build().batchSize());
        assertThrows(
                ConfigException.class, () -> TrainConfig.builder().batchSize(0).build());
        assertThrows(
                ConfigException.class,
                () -> TrainConfig.builder().rotationProbability(1.5).build());
        assertThrows(
                ConfigException.class,
                () -> TrainConfig.builder().learningRate(0).build());
    }

    @Test
    void accumulation_batch4_equalsBatch2TimesAccumulate2(@TempDir Path dir) throws Exception {
        // no dropout, no CFG dropout, no rotation: both runs see the same clips in the same order
        String det = CONFIG.replace("\"dropout\": 0.1", "\"dropout\": 0.0").replace("0.3}", "0.0}");
        VisageConfig cfg = Trainer.parseConfig(det, "test");
        writeDataset(dir.resolve("data"), cfg, 8, 4); // clips of different lengths: padded labels differ
        TrainingData data = TrainingData.open(dir.resolve("data"), "train");
        TrainConfig base = tc().toBuilder().rotationProbability(0).build();
        Trainer whole = Trainer.start(
                Visage.random(cfg, ModelKind.AMBISONICS, 5, DataType.FLOAT),
                det,
                base.toBuilder().batchSize(4).build(),
                data,
                PAR);
        Trainer split = Trainer.start(
                Visage.random(cfg, ModelKind.AMBISONICS, 5, DataType.FLOAT),
                det,
                base.toBuilder().batchSize(2).accumulate(2).build(),
                data,
                PAR);
        for (int step = 0; step < 2; step++) {
            Trainer.StepResult a = whole.step();
            Trainer.StepResult b = split.step();
            assertEquals(a.ids(), b.ids(), "the same clips");
            assertEquals(a.loss(), b.loss(), 1e-5 * Math.abs(a.loss()), "loss of step " + step);
            assertEquals(a.gradNorm(), b.gradNorm(), 1e-4 * a.gradNorm(), "gradient norm of step " + step);
        }
        Map<String, INDArray> wa = StateDicts.arrays(whole.model().stateDict());
        Map<String, INDArray> wb = StateDicts.arrays(split.model().stateDict());
        for (String k : wa.keySet()) {
            // float32 sums of two half-batches vs one batch: other orders on other vector widths (AVX2 seen 1.1e-6)
            io.visage.nn.testing.TensorAssert.assertClose(k, wa.get(k), wb.get(k), 1e-4, 5e-6);
        }
    }
}
