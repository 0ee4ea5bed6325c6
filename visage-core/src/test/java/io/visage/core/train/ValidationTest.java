package io.visage.core.train;

import io.visage.core.data.DatasetLayout;
import io.visage.core.data.TrainingData;
import io.visage.core.model.CodebookLoss;
import io.visage.core.model.ModelKind;
import io.visage.core.model.Visage;
import io.visage.core.model.VisageConfig;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.optim.SplitMixRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The validation pass against the general forward and loss, and its independence from training. */
class ValidationTest {
    private static final Parallelism PAR = Parallelism.serial();

    private static VisageConfig cfg() {
        return Trainer.parseConfig(TrainerTest.CONFIG, "test");
    }

    /** A dataset whose valid split lists the same clips as train (as files, the splits only need ids). */
    private static Path dataset(Path dir, int clips) throws Exception {
        Path root = dir.resolve("data");
        TrainerTest.writeDataset(root, cfg(), clips, 3);
        DatasetLayout l = new DatasetLayout(root);
        Files.copy(l.split("train"), l.split("valid"));
        return root;
    }

    @Test
    void pass_equalsTheGeneralForwardAndLoss_meanOfBatchMeans(@TempDir Path dir) throws Exception {
        VisageConfig cfg = cfg();
        TrainingData valid = TrainingData.open(dataset(dir, 5), "valid");
        Visage model = Visage.random(cfg, ModelKind.AMBISONICS, 8, DataType.FLOAT);
        ClipWindow window = new ClipWindow(1, cfg.dacFrameRate(), cfg.clipFrameRate());
        int batch = 2;
        long seed = 77;
        List<Integer> progress = new ArrayList<>();
        Validation.Result r = new Validation(valid, window, batch).run(model, seed, PAR, progress::add);
        assertEquals(List.of(1, 2, 3), progress);
        assertEquals(3, r.batches());
        assertEquals(5, r.clips());

        // the same batches through Visage.forward + CodebookLoss.compute (the unfused reference path)
        GuidanceDropout drop = new GuidanceDropout(cfg.cfgDropoutProb());
        SplitMixRandom rng = new SplitMixRandom(seed);
        Ops ops = Ops.inference();
        int k = model.codebooks();
        double total = 0;
        double[] perHead = new double[k];
        for (int start = 0; start < valid.size(); start += batch) {
            List<TrainingData.Item> items = new ArrayList<>();
            for (int i = start; i < Math.min(valid.size(), start + batch); i++) {
                TrainingData.Item it = valid.validationItem(i, window, model.pattern(), cfg.dClip());
                assertFalse(it.rotated());
                items.add(it);
            }
            TrainingData.Batch b = TrainingData.stack(items, cfg.dClip());
            GuidanceDropout.Inputs in = drop.apply(
                    ops,
                    model,
                    Tensor.constant(b.clip()),
                    Tensor.constant(b.energy()),
                    Tensor.constant(b.direction()),
                    rng);
            Visage.Output out = model.forward(ops, in.clip(), in.energy(), in.direction(), b.decoderInputs());
            CodebookLoss l = model.loss(ops, out, b.labels());
            for (int j = 0; j < k; j++) {
                if (l.counted()[j]) {
                    perHead[j] += l.perHead()[j] / r.batches();
                    total += l.perHead()[j] / r.batches();
                }
            }
        }
        assertEquals(total, r.loss(), 1e-4 * Math.abs(total));
        assertArrayEquals(perHead, r.perHead(), 1e-4 * Math.abs(total));
        assertTrue(r.loss() > 0);
    }

    @Test
    void pass_repeatsExactly_andLeavesTheTrainingRunUnchanged(@TempDir Path dir) throws Exception {
        Path root = dataset(dir, 3);
        VisageConfig cfg = cfg();
        TrainConfig tc = TrainConfig.builder()
                .learningRate(3e-3)
                .batchSize(2)
                .seconds(1)
                .seed(11)
                .build();
        TrainingData train = TrainingData.open(root, "train");
        TrainingData valid = TrainingData.open(root, "valid");
        Trainer plain = Trainer.start(
                Visage.random(cfg, ModelKind.AMBISONICS, 5, DataType.FLOAT), TrainerTest.CONFIG, tc, train, PAR);
        Trainer validated = Trainer.start(
                Visage.random(cfg, ModelKind.AMBISONICS, 5, DataType.FLOAT), TrainerTest.CONFIG, tc, train, PAR);
        Validation pass = validated.validation(valid, 2);
        List<Double> first = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            double a = plain.step().loss();
            double b = validated.step().loss();
            assertEquals(a, b, 0.0, "step " + (s + 1) + " with validation passes in between");
            Validation.Result v1 = validated.validate(pass, n -> {});
            Validation.Result v2 = validated.validate(pass, n -> {});
            assertEquals(v1.loss(), v2.loss(), 0.0, "a pass repeats exactly");
            first.add(v1.loss());
        }
        assertNotEquals(first.get(0), first.get(3), "validation loss follows the weights");
    }
}
