package io.visage.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChecksTest {
    @Test
    void shape_matching_returnsTheArray_andWildcardMatchesAnySize() {
        INDArray a = Nd4j.zeros(DataType.FLOAT, 2, 3, 5);
        assertSame(a, Checks.shape("op", "x", a, 2, 3, 5));
        assertSame(a, Checks.shape("op", "x", a, Checks.ANY, 3, Checks.ANY));
        assertTrue(Checks.matches(new long[] {7}, Checks.ANY));
        assertFalse(Checks.matches(new long[] {7, 1}, Checks.ANY));
        assertFalse(Checks.matches(null, 1));
    }

    @Test
    void shape_mismatch_namesWhereWhatExpectedAndFound() {
        INDArray a = Nd4j.zeros(DataType.FLOAT, 2, 4);
        ShapeMismatchException e =
                assertThrows(ShapeMismatchException.class, () -> Checks.shape("model.fc1", "input", a, Checks.ANY, 3));
        assertEquals("model.fc1: input must have shape [*, 3], found [2, 4]", e.getMessage());
        e = assertThrows(ShapeMismatchException.class, () -> Checks.shape("op", "x", (INDArray) null, 1));
        assertTrue(e.getMessage().contains("none (null)"), e.getMessage());
    }

    @Test
    void rowMajorFloats_rejectsTransposesOtherTypesAndSizes() {
        INDArray m = Nd4j.zeros(DataType.FLOAT, 3, 4);
        assertSame(m, Checks.rowMajorFloats("k", "w", m, 3, 4));
        assertThrows(ShapeMismatchException.class, () -> Checks.rowMajorFloats("k", "w", m.transpose(), 4, 3));
        assertThrows(
                ShapeMismatchException.class, () -> Checks.rowMajorFloats("k", "w", m.castTo(DataType.DOUBLE), 3, 4));
        ShapeMismatchException e =
                assertThrows(ShapeMismatchException.class, () -> Checks.rowMajorFloats("k", "w", m, 3, 5));
        assertTrue(
                e.getMessage()
                        .startsWith("k: w must be a row-major contiguous float32 [3, 5] array, found FLOAT [3, 4]"),
                e.getMessage());
    }

    @Test
    void require_throwsWithWhere() {
        Checks.require(true, "op", "never");
        ShapeMismatchException e =
                assertThrows(ShapeMismatchException.class, () -> Checks.require(false, "op", "too short"));
        assertEquals("op: too short", e.getMessage());
    }
}
