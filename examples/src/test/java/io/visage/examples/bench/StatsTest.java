package io.visage.examples.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class StatsTest {
    @Test
    void median_oddAndEven_asDefined_inputUntouched() {
        double[] odd = {3, 1, 2};
        assertEquals(2.0, Stats.median(odd));
        assertArrayEquals(new double[] {3, 1, 2}, odd);
        assertEquals(2.5, Stats.median(new double[] {4, 1, 3, 2}));
    }
}
