package io.visage.nn.autodiff;

import io.visage.nn.testing.GradCheck;
import io.visage.nn.testing.TensorAssert;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TapeTest {
    private static final class Net {
        final Tensor w1;
        final Tensor b1;
        final Tensor w2;
        final Tensor unused;
        final INDArray x;

        Net(long seed) {
            Random r = new Random(seed);
            w1 = Tensor.parameter(GradCheck.randn(r, 5, 3));
            b1 = Tensor.parameter(GradCheck.randn(r, 5));
            w2 = Tensor.parameter(GradCheck.randn(r, 2, 5));
            unused = Tensor.parameter(GradCheck.randn(r, 4));
            x = GradCheck.randn(r, 7, 3);
        }

        Map<String, Tensor> params() {
            Map<String, Tensor> m = new LinkedHashMap<>();
            m.put("w1", w1);
            m.put("b1", b1);
            m.put("w2", w2);
            m.put("unused", unused);
            return m;
        }

        /** A small graph with a shared input (w1 used twice), a reshape view and a reduction. */
        Tensor loss(Ops ops, List<Tensor> intermediates) {
            Tensor h = ops.tanh(ops.linear(ops.constant(x), w1, b1));
            Tensor h2 = ops.add(h, ops.reshape(ops.reshape(h, 35), 7, 5));
            Tensor y = ops.linear(h2, w2, null);
            Tensor again = ops.sum(ops.square(ops.linear(ops.constant(x), w1, null)));
            intermediates.add(h);
            intermediates.add(y);
            return ops.add(ops.sum(ops.square(y)), ops.scale(again, 0.1));
        }
    }

    @Test
    void trainingBackward_accumulatesTheSameGradientsIntoBuffers_andFreesEveryIntermediate() {
        Net a = new Net(3);
        Tape t1 = new Tape();
        Gradients expected = t1.backward(a.loss(Ops.recording(t1), new ArrayList<>()));

        ParameterGradients buffers = new ParameterGradients(a.params());
        Tape t2 = new Tape();
        List<Tensor> inter = new ArrayList<>();
        Tensor loss = a.loss(Ops.recording(t2), inter);
        assertTrue(t2.bytesHeld() > 0);
        t2.backward(loss, buffers);
        for (Tensor p : List.of(a.w1, a.b1, a.w2)) {
            TensorAssert.assertClose("grad", expected.get(p), buffers.get(p), 1e-12, 0);
            assertTrue(buffers.received(p));
        }
        assertFalse(buffers.received(a.unused), "a parameter the loss does not use receives nothing");
        assertEquals(0.0, buffers.get(a.unused).sumNumber().doubleValue());
        for (Tensor t : inter) {
            assertTrue(t.value().wasClosed(), "intermediate values are freed by the training backward");
        }
        assertFalse(a.w1.value().wasClosed(), "parameters are never freed");

        // a second micro-batch accumulates on top; zero() starts over
        Tape t3 = new Tape();
        t3.backward(a.loss(Ops.recording(t3), new ArrayList<>()), buffers);
        TensorAssert.assertClose("accumulated", expected.get(a.w1).mul(2), buffers.get(a.w1), 1e-12, 0);
        buffers.zero();
        assertFalse(buffers.received(a.w1));
        assertEquals(0.0, buffers.globalNorm());
    }

    @Test
    void allocatingBackward_keepsValues_andRejectsASecondPass() {
        Net a = new Net(4);
        Tape t = new Tape();
        List<Tensor> inter = new ArrayList<>();
        Tensor loss = a.loss(Ops.recording(t), inter);
        Gradients g = t.backward(loss);
        assertFalse(inter.get(0).value().wasClosed());
        assertNull(g.get(a.unused));
        assertThrows(IllegalStateException.class, () -> t.backward(loss));
    }

    @Test
    void parameterGradients_normAndScale_coverEveryBuffer() {
        Net a = new Net(5);
        ParameterGradients buffers = new ParameterGradients(a.params());
        buffers.get(a.w1).assign(1); // 15 ones
        buffers.get(a.unused).assign(2); // 4 twos
        assertEquals(Math.sqrt(15 + 16), buffers.globalNorm(), 1e-12);
        buffers.scale(0.5);
        assertEquals(0.5 * Math.sqrt(15 + 16), buffers.globalNorm(), 1e-12);
        assertEquals(8L * (15 + 5 + 10 + 4), buffers.bytes());
    }
}
