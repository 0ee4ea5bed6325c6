package io.visage.audio.dac;

import io.visage.nn.autodiff.Tensor;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorSource;
import io.visage.nn.testing.Fixtures;
import io.visage.nn.testing.TensorAssert;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The codec against the PyTorch reference's outputs in the {@code dac-tiny} fixture (every output
 * listed in its README, with the README's tolerances; codes exact). Sizes, the sample rate and the
 * partial quantizer count come from the fixture files.
 */
class DacParityTest {
    private static final String SET = "dac-tiny";
    private static DacCodec codec;
    private static TensorSource io;

    @BeforeAll
    static void load() {
        codec = DacCodec.load(Fixtures.file(SET, "weights.dac.pth"));
        io = TensorFiles.open(Fixtures.file(SET, "io.safetensors"));
    }

    private static int sampleRate() {
        return DacConfig.fromJson(Fixtures.file(SET, "config.json")).sampleRateHz();
    }

    @Test
    void load_releasedContainer_takesConfigFromMetadata() {
        assertEquals(DacConfig.fromJson(Fixtures.file(SET, "config.json")), codec.config());
    }

    @Test
    void load_safetensorsAndPlainTorchZip_giveTheSameStateDict() {
        Map<String, Tensor> ref = codec.model().stateDict();
        for (String file : new String[] {"weights.safetensors", "weights.pt"}) {
            Dac other = Dac.load(Fixtures.file(SET, file)); // config.json beside the file
            Map<String, Tensor> sd = other.stateDict();
            assertEquals(String.join(",", ref.keySet()), String.join(",", sd.keySet()), file + ": keys");
            for (String k : ref.keySet()) {
                TensorAssert.assertClose(
                        file + ":" + k, ref.get(k).value(), sd.get(k).value(), 0, 0);
            }
        }
    }

    @Test
    void preprocess_padsRightToHopMultiple_exactly() {
        INDArray p = codec.preprocess(io.load("audio"), sampleRate());
        TensorAssert.assertClose("preprocessed", io.load("preprocessed"), p, 0, 0);
    }

    @Test
    void encoder_matchesReferenceLatent() {
        TensorAssert.assertClose(
                "encoder_out", io.load("encoder_out"), codec.encoderOutput(io.load("preprocessed")), 1e-4, 1e-4);
    }

    @Test
    void encode_allQuantizers_matchesReference() {
        DacEncoding e = codec.encode(io.load("preprocessed"));
        assertExact("codes", io.load("codes"), e.codes());
        TensorAssert.assertClose("z", io.load("z"), e.z().value(), 1e-4, 1e-5);
        TensorAssert.assertClose("latents", io.load("latents"), e.latents().value(), 1e-4, 1e-4);
        assertScalar(
                "commitment_loss",
                io.load("commitment_loss"),
                e.commitmentLoss().value());
        assertScalar("codebook_loss", io.load("codebook_loss"), e.codebookLoss().value());
    }

    @Test
    void encode_fewerQuantizers_matchesReference() {
        INDArray expectedCodes = io.load("codes_partial");
        int n = (int) expectedCodes.size(1);
        DacEncoding e = codec.encode(io.load("preprocessed"), n);
        assertExact("codes_partial", expectedCodes, e.codes());
        TensorAssert.assertClose("z_partial", io.load("z_partial"), e.z().value(), 1e-4, 1e-5);
        TensorAssert.assertClose(
                "latents_partial", io.load("latents_partial"), e.latents().value(), 1e-4, 1e-4);
    }

    @Test
    void fromCodes_matchesReference() {
        FromCodes f = codec.fromCodes(io.load("codes"));
        TensorAssert.assertClose("from_codes_z", io.load("from_codes_z"), f.z().value(), 1e-4, 1e-5);
        TensorAssert.assertClose("from_codes_z_p", io.load("from_codes_z_p"), f.zp().value(), 1e-4, 1e-5);
    }

    @Test
    void decode_matchesReference() {
        TensorAssert.assertClose("decoded", io.load("decoded"), codec.decode(io.load("z")), 1e-4, 1e-5);
        TensorAssert.assertClose(
                "decoded_from_codes", io.load("decoded_from_codes"), codec.decode(io.load("from_codes_z")), 1e-4, 1e-5);
    }

    @Test
    void forward_matchesReferenceAudioCutToInputLength() {
        DacCodec.Forward f =
                codec.forward(io.load("audio"), sampleRate(), codec.config().nCodebooks());
        TensorAssert.assertClose("forward_audio", io.load("forward_audio"), f.audio(), 1e-4, 1e-5);
    }

    private static void assertExact(String label, INDArray expected, INDArray actual) {
        assertArrayEquals(expected.shape(), actual.shape(), label + ": shape");
        TensorAssert.assertExact(
                label,
                expected.shape(),
                expected.dup('c').data().asLong(),
                actual.dup('c').data().asLong());
    }

    private static void assertScalar(String label, INDArray expected, INDArray actual) {
        double e = expected.getDouble(0);
        assertEquals(e, actual.getDouble(0), 1e-4 * Math.abs(e), label);
    }
}
