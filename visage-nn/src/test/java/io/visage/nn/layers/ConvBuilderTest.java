package io.visage.nn.layers;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.module.RandomParams;
import io.visage.nn.testing.TensorAssert;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The convolution builders: PyTorch's defaults, parameter names and order, folded weights, bad sizes. */
class ConvBuilderTest {
    @Test
    void conv1dBuilder_defaults_areTorchDefaults() {
        Conv1d c = Conv1d.builder(4, 6, 3).build(new RandomParams(1), "c");
        assertEquals(
                List.of(4, 6, 3, 1, 0, 1, 1),
                List.of(
                        c.inChannels(),
                        c.outChannels(),
                        c.kernelSize(),
                        c.stride(),
                        c.padding(),
                        c.dilation(),
                        c.groups()));
        assertEquals(List.of("weight", "bias"), List.copyOf(c.parameters().keySet()));
        assertArrayEquals(new long[] {6, 4, 3}, c.parameters().get("weight").shape());
    }

    @Test
    void conv1dBuilder_everyOption_reachesTheLayer() {
        Conv1d c = Conv1d.builder(4, 6, 5)
                .stride(2)
                .padding(3)
                .dilation(2)
                .groups(2)
                .noBias()
                .weightNorm()
                .build(new RandomParams(2), "c");
        assertEquals(List.of(2, 3, 2, 2), List.of(c.stride(), c.padding(), c.dilation(), c.groups()));
        assertNull(c.bias());
        assertEquals(List.of("weight_g", "weight_v"), List.copyOf(c.parameters().keySet()));
        assertArrayEquals(new long[] {6, 2, 5}, c.parameters().get("weight_v").shape());
    }

    @Test
    void convTranspose1dBuilder_defaultsAndOptions() {
        ConvTranspose1d d = ConvTranspose1d.builder(4, 6, 4).build(new RandomParams(3), "u");
        assertEquals(
                List.of(4, 6, 4, 1, 0, 0, 1, 1),
                List.of(
                        d.inChannels(),
                        d.outChannels(),
                        d.kernelSize(),
                        d.stride(),
                        d.padding(),
                        d.outputPadding(),
                        d.dilation(),
                        d.groups()));
        assertNotNull(d.bias());
        ConvTranspose1d u = ConvTranspose1d.builder(4, 6, 4)
                .stride(2)
                .padding(1)
                .outputPadding(1)
                .groups(2)
                .weightNorm()
                .build(new RandomParams(4), "u");
        assertEquals(List.of(2, 1, 1, 2), List.of(u.stride(), u.padding(), u.outputPadding(), u.groups()));
        // weight_norm re-registers g and v after the bias, as PyTorch does
        assertEquals(
                List.of("bias", "weight_g", "weight_v"),
                List.copyOf(u.parameters().keySet()));
        assertArrayEquals(new long[] {4, 3, 4}, u.parameters().get("weight_v").shape());
    }

    @Test
    void foldWeight_isAnOwnedCopyOfTheEffectiveWeight() {
        for (boolean norm : new boolean[] {false, true}) {
            Conv1d.Builder b = Conv1d.builder(3, 5, 7).padding(3);
            Conv1d c = (norm ? b.weightNorm() : b).build(new RandomParams(5), "c");
            INDArray folded = c.foldWeight();
            TensorAssert.assertClose(
                    "fold (weight norm " + norm + ")",
                    c.effectiveWeight(Ops.inference()).value(),
                    folded,
                    0,
                    0);
            folded.close();
            for (Tensor p : c.parameters().values()) {
                assertFalse(p.value().wasClosed(), "closing the folded weight must leave the parameters alone");
            }
        }
        ConvTranspose1d u =
                ConvTranspose1d.builder(4, 2, 6).stride(3).weightNorm().build(new RandomParams(6), "u");
        INDArray folded = u.foldWeight();
        TensorAssert.assertClose(
                "fold transposed", u.effectiveWeight(Ops.inference()).value(), folded, 0, 0);
    }

    @Test
    void build_sizesOutOfRange_throwNamingPathAndValue() {
        RandomParams p = new RandomParams(7);
        IllegalArgumentException g = assertThrows(
                IllegalArgumentException.class,
                () -> Conv1d.builder(4, 6, 3).groups(4).build(p, "enc.0"));
        assertTrue(g.getMessage().contains("enc.0") && g.getMessage().contains("groups 4"), g.getMessage());
        IllegalArgumentException s = assertThrows(
                IllegalArgumentException.class,
                () -> Conv1d.builder(4, 6, 3).stride(0).build(p, "enc.1"));
        assertTrue(s.getMessage().contains("enc.1") && s.getMessage().contains("stride 0"), s.getMessage());
        IllegalArgumentException o = assertThrows(
                IllegalArgumentException.class,
                () -> ConvTranspose1d.builder(4, 6, 4)
                        .stride(2)
                        .outputPadding(2)
                        .build(p, "dec.1"));
        assertTrue(o.getMessage().contains("dec.1") && o.getMessage().contains("output_padding 2"), o.getMessage());
    }
}
