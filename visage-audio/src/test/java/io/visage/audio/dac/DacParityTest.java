package io.visage.audio.dac;

import io.visage.nn.autodiff.Tensor;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorSource;
import io.visage.nn.testing.FixtureTolerances;
import io.visage.nn.testing.Fixtures;
import io.visage.nn.testing.TensorAssert;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The codec against the PyTorch reference's outputs in the {@code dac-tiny} fixture: every output
 * listed in its README, each with the tolerance the README's table gives it (codes, listed as exact,
 * must be identical). Sizes, the sample rate and the partial quantizer count come from the fixture
 * files.
 */
class DacParityTest {
    private static final String SET = "dac-tiny";
    private static DacCodec codec;
    private static TensorSource io;
    private static FixtureTolerances tol;

    @BeforeAll
    static void load() {
        codec = DacCodec.load(Fixtures.file(SET, "weights.dac.pth"));
        io = TensorFiles.open(Fixtures.file(SET, "io.safetensors"));
        tol = FixtureTolerances.forSet(SET);
    }

    @AfterAll
    static void close() {
        codec.close();
        io.close();
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
    void preprocess_padsRightToHopMultiple() {
        assertClose("preprocessed", codec.preprocess(io.load("audio"), sampleRate()));
    }

    @Test
    void encoder_matchesReferenceLatent() {
        assertClose("encoder_out", codec.encoderOutput(io.load("preprocessed")));
    }

    @Test
    void encode_allQuantizers_matchesReference() {
        DacEncoding e = codec.encode(io.load("preprocessed"));
        assertCodes("codes", e.codes());
        assertClose("z", e.z().value());
        assertClose("latents", e.latents().value());
        assertScalar("commitment_loss", e.commitmentLoss().value());
        assertScalar("codebook_loss", e.codebookLoss().value());
    }

    @Test
    void encode_fewerQuantizers_matchesReference() {
        int n = (int) io.load("codes_partial").size(1);
        DacEncoding e = codec.encode(io.load("preprocessed"), n);
        assertCodes("codes_partial", e.codes());
        assertClose("z_partial", e.z().value());
        assertClose("latents_partial", e.latents().value());
    }

    @Test
    void fromCodes_matchesReference() {
        FromCodes f = codec.fromCodes(io.load("codes"));
        assertClose("from_codes_z", f.z().value());
        assertClose("from_codes_z_p", f.zp().value());
    }

    @Test
    void decode_matchesReference() {
        assertClose("decoded", codec.decode(io.load("z")));
        assertClose("decoded_from_codes", codec.decode(io.load("from_codes_z")));
    }

    @Test
    void forward_matchesReferenceAudioCutToInputLength() {
        DacCodec.Forward f =
                codec.forward(io.load("audio"), sampleRate(), codec.config().nCodebooks());
        assertClose("forward_audio", f.audio());
    }

    /** {@code actual} against the fixture tensor {@code name}, within the README's tolerance for it. */
    private static void assertClose(String name, INDArray actual) {
        double[] t = tol.of(name);
        TensorAssert.assertClose(name, io.load(name), actual, t[0], t[1]);
    }

    /** Integer codes: the README must list them as exact, and they must be identical. */
    private static void assertCodes(String name, INDArray actual) {
        assertArrayEquals(new double[] {0, 0}, tol.of(name), name + ": the README lists codes as exact");
        INDArray expected = io.load(name);
        assertArrayEquals(expected.shape(), actual.shape(), name + ": shape");
        TensorAssert.assertExact(
                name,
                expected.shape(),
                expected.dup('c').data().asLong(),
                actual.dup('c').data().asLong());
    }

    private static void assertScalar(String name, INDArray actual) {
        double[] t = tol.of(name);
        double e = io.load(name).getDouble(0);
        double a = actual.getDouble(0);
        assertTrue(
                Math.abs(a - e) <= t[1] + t[0] * Math.abs(e),
                name + ": expected " + e + " but was " + a + " (rtol " + t[0] + ", atol " + t[1] + ")");
    }
}
