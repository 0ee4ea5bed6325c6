package io.visage.core.model;

import io.visage.core.pattern.CodePattern;
import io.visage.core.pattern.TokenGrid;
import io.visage.nn.autodiff.Gradients;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tape;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorSource;
import io.visage.nn.testing.FixtureTolerances;
import io.visage.nn.testing.Fixtures;
import io.visage.nn.testing.TensorAssert;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The whole model against the reference's teacher-forced pass on {@code visage-tiny}: hidden
 * states of every encoder/decoder layer, per-head logits, per-head and total loss, and the
 * encoder without optional conditions. Sizes come from the fixture files.
 */
class VisageForwardParityTest {
    private static final String SET = "visage-tiny";
    private static final Ops OPS = Ops.inference();
    private static VisageConfig cfg;
    private static Visage model;
    private static TensorSource io;
    private static FixtureTolerances tol;

    @BeforeAll
    static void load() {
        tol = FixtureTolerances.forSet(SET);
        cfg = VisageConfig.read(Fixtures.file(SET, "config.json"));
        model = Visage.load(Fixtures.file(SET, "weights.safetensors"), cfg, ModelKind.AMBISONICS, DataType.FLOAT);
        io = TensorFiles.open(Fixtures.file(SET, "io.safetensors"));
    }

    @AfterAll
    static void close() {
        io.close();
    }

    private static Tensor in(String name) {
        return Tensor.constant(io.load(name));
    }

    private static Visage.Output forward() {
        return model.forward(
                OPS,
                in("forward.clip_features"),
                in("forward.energy_map"),
                in("forward.direction"),
                TokenGrid.of(io.load("forward.decoder_input_ids")));
    }

    @Test
    void forward_hiddenStatesOfEveryLayer_matchReference() {
        Visage.Output out = forward();
        assertEquals(cfg.encoderLayers() + 1, out.encoderStates().size());
        assertEquals(cfg.decoderLayers() + 1, out.decoderStates().size());
        for (int i = 0; i < out.encoderStates().size(); i++) {
            TensorAssert.assertClose(
                    "encoder_hidden_states." + i,
                    io.load("forward.encoder_hidden_states." + i),
                    out.encoderStates().get(i).value(),
                    tol.rtol("forward.encoder_hidden_states." + i),
                    tol.atol("forward.encoder_hidden_states." + i));
        }
        for (int i = 0; i < out.decoderStates().size(); i++) {
            TensorAssert.assertClose(
                    "decoder_hidden_states." + i,
                    io.load("forward.decoder_hidden_states." + i),
                    out.decoderStates().get(i).value(),
                    tol.rtol("forward.decoder_hidden_states." + i),
                    tol.atol("forward.decoder_hidden_states." + i));
        }
        TensorAssert.assertClose(
                "encoder_last_hidden_state",
                io.load("forward.encoder_last_hidden_state"),
                out.encoderLastHiddenState().value(),
                tol.rtol("forward.encoder_last_hidden_state"),
                tol.atol("forward.encoder_last_hidden_state"));
        TensorAssert.assertClose(
                "decoder_last_hidden_state",
                io.load("forward.decoder_last_hidden_state"),
                out.decoderLastHiddenState().value(),
                tol.rtol("forward.decoder_last_hidden_state"),
                tol.atol("forward.decoder_last_hidden_state"));
    }

    @Test
    void forward_perHeadLogits_matchReference() {
        Visage.Output out = forward();
        INDArray expected = io.load("forward.logits");
        assertEquals(expected.size(0), out.logits().size());
        List<INDArray> mine = new ArrayList<>();
        for (Tensor t : out.logits()) {
            mine.add(t.value().reshape(1, t.size(0), t.size(1), t.size(2)));
        }
        TensorAssert.assertClose(
                "logits [K, B, R, V]",
                expected,
                Nd4j.concat(0, mine.toArray(new INDArray[0])),
                tol.rtol("forward.logits"),
                tol.atol("forward.logits"));
    }

    @Test
    void loss_perHeadAndTotal_matchReference() {
        CodebookLoss loss = model.loss(OPS, forward(), TokenGrid.of(io.load("forward.labels")));
        INDArray expectedPer = io.load("forward.codebook_loss");
        TensorAssert.assertClose(
                "codebook_loss",
                expectedPer,
                Nd4j.createFromArray(loss.perHead()).castTo(expectedPer.dataType()),
                tol.rtol("forward.codebook_loss"),
                tol.atol("forward.codebook_loss"));
        TensorAssert.assertClose(
                "loss",
                io.load("forward.loss"),
                Nd4j.scalar(DataType.FLOAT, (float) loss.value()),
                tol.rtol("forward.loss"),
                tol.atol("forward.loss"));
    }

    @Test
    void fusedTrainingLoss_perHeadAndTotal_matchReference_andTheGeneralPathsGradients() {
        TokenGrid labels = TokenGrid.of(io.load("forward.labels"));
        CodebookLoss fused = model.trainingLoss(
                OPS,
                in("forward.clip_features"),
                in("forward.energy_map"),
                in("forward.direction"),
                TokenGrid.of(io.load("forward.decoder_input_ids")),
                labels,
                null);
        INDArray expectedPer = io.load("forward.codebook_loss");
        TensorAssert.assertClose(
                "fused codebook_loss",
                expectedPer,
                Nd4j.createFromArray(fused.perHead()).castTo(expectedPer.dataType()),
                tol.rtol("forward.codebook_loss"),
                tol.atol("forward.codebook_loss"));
        TensorAssert.assertClose(
                "fused loss",
                io.load("forward.loss"),
                Nd4j.scalar(DataType.FLOAT, (float) fused.value()),
                tol.rtol("forward.loss"),
                tol.atol("forward.loss"));

        Tape general = new Tape();
        Ops g = Ops.recording(general);
        Gradients expected =
                general.backward(model.loss(g, forwardWith(g), labels).total());
        Tape lean = new Tape();
        Ops l = Ops.recording(lean);
        Gradients actual = lean.backward(model.trainingLoss(
                        l,
                        in("forward.clip_features"),
                        in("forward.energy_map"),
                        in("forward.direction"),
                        TokenGrid.of(io.load("forward.decoder_input_ids")),
                        labels,
                        null)
                .total());
        int compared = 0;
        for (var e : model.stateDict().entrySet()) {
            INDArray want = expected.get(e.getValue());
            INDArray got = actual.get(e.getValue());
            assertEquals(want == null, got == null, "gradient presence of " + e.getKey());
            if (want != null) {
                TensorAssert.assertClose("d loss / d " + e.getKey(), want, got, 1e-3, 1e-6);
                compared++;
            }
        }
        // every parameter but the unused embed_spatial and the null embeddings (all conditions are given)
        long unused = model.stateDict().keySet().stream()
                .filter(k -> k.contains("embed_spatial") || k.endsWith("null_embedding"))
                .count();
        assertEquals(model.stateDict().size() - unused, compared);
    }

    private static Visage.Output forwardWith(Ops ops) {
        return model.forward(
                ops,
                in("forward.clip_features"),
                in("forward.energy_map"),
                in("forward.direction"),
                TokenGrid.of(io.load("forward.decoder_input_ids")));
    }

    @Test
    void encoder_withoutOptionalConditions_matchesReference() {
        List<Tensor> states = model.encoder().forward(OPS, in("forward.clip_features"), null, null);
        TensorAssert.assertClose(
                "encoder_nocond.last_hidden_state",
                io.load("encoder_nocond.last_hidden_state"),
                states.get(states.size() - 1).value(),
                tol.rtol("encoder_nocond.last_hidden_state"),
                tol.atol("encoder_nocond.last_hidden_state"));
    }

    @Test
    void pattern_ofForwardCodes_givesReferenceInterleavingAndLabels() {
        CodePattern pattern = model.pattern();
        long[] shape = io.shape("forward.codes");
        int t = (int) shape[2];
        TokenGrid[] items = new TokenGrid[(int) shape[0]];
        INDArray codes = io.load("forward.codes");
        for (int b = 0; b < items.length; b++) {
            items[b] = pattern.interleave(codes.slice(b).dup('c').data().asLong(), t);
        }
        TokenGrid inter = TokenGrid.stack(items);
        assertEquals(TokenGrid.of(io.load("forward.interleaved_ids")), inter, "interleaved_ids");
        assertEquals(
                TokenGrid.of(io.load("forward.decoder_input_ids")), pattern.decoderInputs(inter), "decoder_input_ids");
        assertEquals(
                TokenGrid.of(io.load("forward.labels")), pattern.labels(inter, VisageConfig.IGNORE_INDEX), "labels");
    }

    @Test
    void torchZipCheckpoint_loadsTheSameTensorsAsSafetensors() {
        Visage fromPt = Visage.load(Fixtures.file(SET, "weights.pt"), cfg, ModelKind.AMBISONICS, DataType.FLOAT);
        Map<String, Tensor> a = model.stateDict();
        Map<String, Tensor> b = fromPt.stateDict();
        assertEquals(List.copyOf(a.keySet()), List.copyOf(b.keySet()));
        for (String k : a.keySet()) {
            TensorAssert.assertClose(k, a.get(k).value(), b.get(k).value(), 0.0, 0.0);
        }
    }

    @Test
    void stateDict_namesAndOrder_equalTheCheckpoint() {
        List<String> names = new ArrayList<>();
        io.visage.nn.io.TensorInfo[] infos = TensorFiles.open(Fixtures.file(SET, "weights.safetensors"))
                .tensors()
                .toArray(new io.visage.nn.io.TensorInfo[0]);
        for (var i : infos) {
            names.add(i.name());
        }
        assertEquals(names, List.copyOf(model.stateDict().keySet()));
    }
}
