package io.visage.nn.autodiff;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DropoutTest {
    @Test
    void dropout_isIdentity_unlessTrainingOpsCarryAnRng() {
        Tensor x = Tensor.parameter(Nd4j.ones(DataType.DOUBLE, 1000));
        assertSame(x, Ops.inference().dropout(x, 0.3));
        assertSame(x, Ops.recording(new Tape()).dropout(x, 0.3));
    }

    @Test
    void dropout_training_zeroesAboutP_scalesKeptByInverse_andIsSeedReproducible() {
        Tensor x = Tensor.parameter(Nd4j.ones(DataType.DOUBLE, 20000));
        Tape tape = new Tape();
        Ops ops = Ops.training(tape, new Random(7));
        Tensor y = ops.dropout(x, 0.25);
        INDArray v = y.value();
        long zeros = v.eq(0.0).castTo(DataType.INT).sumNumber().longValue();
        assertEquals(0.25, zeros / 20000.0, 0.02);
        assertEquals(20000 - zeros, v.neq(0.0).castTo(DataType.INT).sumNumber().longValue());
        assertEquals(1.0 / 0.75, v.maxNumber().doubleValue(), 1e-12);
        INDArray g = tape.backward(ops.sum(y)).get(x);
        assertTrue(g.equals(v), "gradient is the mask");
        Tensor again = Ops.training(new Tape(), new Random(7)).dropout(x, 0.25);
        assertTrue(again.value().equals(v), "same seed, same mask");
    }
}
