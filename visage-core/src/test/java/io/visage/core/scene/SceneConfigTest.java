package io.visage.core.scene;

import io.visage.nn.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SceneConfigTest {
    private static void rejects(String parameter, Executable make) {
        ConfigException e = assertThrows(ConfigException.class, make);
        assertTrue(e.getMessage().contains(parameter), e.getMessage());
    }

    @Test
    void defaults_andDerivedSizes() {
        SceneConfig c = SceneConfig.DEFAULT;
        assertEquals(80000, c.samples());
        assertEquals(40, c.videoFrames());
        assertEquals(320, c.samplesPerCodecFrame());
        assertEquals(2.5, c.withSeconds(2.5).seconds());
        assertEquals(20, c.withSeconds(2.5).videoFrames());
    }

    @Test
    void invalidValues_areRejectedByName() {
        SceneConfig d = SceneConfig.DEFAULT;
        rejects("seconds", () -> d.withSeconds(0));
        rejects("seconds", () -> d.withSeconds(1.01)); // not whole 20 ms frames
        rejects("seconds", () -> d.withSeconds(1.02)); // 8.16 video frames
        rejects("fovDegrees", () -> d.withFovDegrees(180));
        rejects("objectRadiusDegrees", () -> d.withObjectRadiusDegrees(-1));
        rejects("width", () -> new SceneConfig(5, 8, 223, 224, 90, 16000, 12, 0.3));
        rejects("sampleRateHz", () -> new SceneConfig(5, 8, 224, 224, 90, 44110, 12, 0.3));
        rejects("sourceGain", () -> new SceneConfig(5, 8, 224, 224, 90, 16000, 12, 0.6));
        rejects("videoFps", () -> new SceneConfig(5, 0, 224, 224, 90, 16000, 12, 0.3));
    }
}
