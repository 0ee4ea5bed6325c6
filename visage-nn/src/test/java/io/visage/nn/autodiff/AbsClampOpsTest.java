package io.visage.nn.autodiff;

import io.visage.nn.testing.GradCheck;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class AbsClampOpsTest {
    @Test
    void abs_valuesAndSignGradient_zeroAtZero() {
        Tensor x = Tensor.parameter(Nd4j.createFromArray(-2.0, 0.0, 3.5, -0.25));
        Tape tape = new Tape();
        Ops ops = Ops.recording(tape);
        Tensor y = ops.abs(x);
        assertArrayEquals(new double[] {2.0, 0.0, 3.5, 0.25}, y.value().toDoubleVector(), 0.0);
        INDArray g = tape.backward(ops.sum(ops.mul(y, ops.constant(Nd4j.createFromArray(1.0, 2.0, 3.0, 4.0)))))
                .get(x);
        assertArrayEquals(new double[] {-1.0, 0.0, 3.0, -4.0}, g.toDoubleVector(), 0.0);
    }

    @Test
    void clampMin_floorsValues_andBlocksTheGradientBelowTheFloor() {
        Tensor x = Tensor.parameter(Nd4j.createFromArray(-1.0, 0.5, 0.1, 2.0));
        Tape tape = new Tape();
        Ops ops = Ops.recording(tape);
        Tensor y = ops.clampMin(x, 0.1);
        assertArrayEquals(new double[] {0.1, 0.5, 0.1, 2.0}, y.value().toDoubleVector(), 0.0);
        INDArray g = tape.backward(ops.sum(ops.mul(y, ops.constant(Nd4j.createFromArray(5.0, 6.0, 7.0, 8.0)))))
                .get(x);
        assertArrayEquals(new double[] {0.0, 6.0, 7.0, 8.0}, g.toDoubleVector(), 0.0);
    }

    @Test
    void absAndClamp_matchFiniteDifferencesAwayFromTheKinks() {
        Random r = new Random(7);
        INDArray v = GradCheck.randn(r, 3, 5);
        // keep every element at least 0.05 away from the kinks at 0 (abs) and 0.2 (clamp)
        for (long i = 0; i < v.length(); i++) {
            double e = v.getDouble(i);
            if (Math.abs(e) < 0.05 || Math.abs(e - 0.2) < 0.05) {
                v.putScalar(i, e + 0.3);
            }
        }
        Tensor x = Tensor.parameter(v);
        GradCheck.check(
                "abs + clampMin", Map.of("x", x), ops -> ops.add(ops.abs(x), ops.square(ops.clampMin(x, 0.2))), 15, 11);
    }
}
