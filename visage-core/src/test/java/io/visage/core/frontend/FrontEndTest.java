package io.visage.core.frontend;

import io.visage.core.clip.ClipPreprocess;
import io.visage.core.clip.ClipVisionOutput;
import io.visage.core.clip.ClipVisionTransformer;
import io.visage.core.clip.ClipWeights;
import io.visage.core.direction.CameraDirection;
import io.visage.core.energy.EnergyMap;
import io.visage.core.energy.EnergyMapConfig;
import io.visage.core.video.FrameSampler;
import io.visage.core.video.RgbImage;
import io.visage.core.video.VideoFormatException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.io.Npy;
import io.visage.nn.testing.Fixtures;
import io.visage.nn.testing.TensorAssert;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrontEndTest {
    private static final CameraDirection DIRECTION = new CameraDirection(30, 150);

    private static Path bars() throws URISyntaxException {
        return Path.of(FrontEndTest.class
                .getResource("/video/smptebars-640x360-25fps-high.mp4")
                .toURI());
    }

    private static ClipVisionTransformer tinyClip() {
        return ClipWeights.load(Fixtures.set("clip-tiny"));
    }

    @Test
    void features_videoFile_equalsComponentsComposedByHand() throws Exception {
        ClipVisionTransformer clip = tinyClip();
        VideoFeatures f = new FrontEnd(clip, 3).features(bars(), DIRECTION);
        List<RgbImage> frames =
                FrameSampler.readAll(bars(), FrontEnd.FPS, clip.config().inputResolution());
        ClipVisionOutput out = clip.forward(Ops.inference(), Tensor.constant(ClipPreprocess.normalizeFrames(frames)));
        int g = clip.config().grid();
        EnergyMap map = EnergyMap.compute(
                out.tokens().value(),
                new EnergyMapConfig(
                        g,
                        g,
                        EnergyMapConfig.VISAGE.temperature(),
                        EnergyMapConfig.VISAGE.topP(),
                        EnergyMapConfig.VISAGE.finalTemperature()));
        assertEquals(frames.size(), f.frames());
        assertArrayEquals(
                new long[] {frames.size(), clip.config().outputDim()}, f.clip().shape());
        assertArrayEquals(
                new long[] {frames.size(), (long) g * g}, f.energyMap().shape());
        TensorAssert.assertClose("clip (batched 3 vs all)", out.pooled().value(), f.clip(), 1e-5, 1e-6);
        TensorAssert.assertClose("energy map", map.finalEnergyMapArray(), f.energyMap(), 1e-5, 1e-6);
        TensorAssert.assertClose(
                "direction", new long[] {3}, DIRECTION.vector(), f.direction().toFloatVector(), 0, 0);
        INDArray rowSums = f.energyMap().sum(1);
        for (int t = 0; t < f.frames(); t++) {
            assertEquals(1.0, rowSums.getDouble(t), 1e-5, "energy row " + t);
        }
    }

    @Test
    void write_producesThreeNpyFilesWithShapes(@TempDir Path dir) throws Exception {
        VideoFeatures f = new FrontEnd(tinyClip(), 8).features(bars(), DIRECTION);
        f.write(dir);
        TensorAssert.assertClose("clip.npy", f.clip(), Npy.read(dir.resolve(VideoFeatures.CLIP_FILE)), 0, 0);
        TensorAssert.assertClose(
                "energy_map.npy", f.energyMap(), Npy.read(dir.resolve(VideoFeatures.ENERGY_FILE)), 0, 0);
        TensorAssert.assertClose(
                "direction.npy", f.direction(), Npy.read(dir.resolve(VideoFeatures.DIRECTION_FILE)), 0, 0);
    }

    @Test
    void features_withCache_writesDatasetLayout_thenReadsIt(@TempDir Path dir) throws Exception {
        FrontEnd fe = new FrontEnd(tinyClip(), 8);
        FeatureCache cache = new FeatureCache(dir);
        String id = "abcdefghijk_30";
        VideoFeatures first = fe.features(bars(), DIRECTION, cache, id);
        assertTrue(Files.isRegularFile(dir.resolve("clip").resolve(id + ".npy")));
        assertTrue(Files.isRegularFile(dir.resolve("energy_map").resolve(id + ".npy")));
        Path missingVideo = dir.resolve("not-read.mp4");
        VideoFeatures second = fe.features(missingVideo, DIRECTION, cache, id);
        TensorAssert.assertClose("cached clip", first.clip(), second.clip(), 0, 0);
        TensorAssert.assertClose("cached energy", first.energyMap(), second.energyMap(), 0, 0);
    }

    @Test
    void features_badVideo_throwsNamingFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("text.mp4");
        Files.writeString(f, "this is not a video, just some text that is long enough");
        VideoFormatException e =
                assertThrows(VideoFormatException.class, () -> new FrontEnd(tinyClip(), 4).features(f, DIRECTION));
        assertTrue(e.getMessage().contains("text.mp4"), e.getMessage());
    }

    @Test
    void cache_idWithPath_isRejected(@TempDir Path dir) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new FeatureCache(dir).clipFile("../x"));
        assertTrue(e.getMessage().contains("'../x'"), e.getMessage());
    }
}
