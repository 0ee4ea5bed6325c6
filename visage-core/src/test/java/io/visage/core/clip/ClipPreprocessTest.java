package io.visage.core.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.core.video.RgbImage;
import io.visage.nn.ShapeMismatchException;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorSource;
import io.visage.nn.testing.Fixtures;
import io.visage.nn.testing.TensorAssert;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClipPreprocessTest {

    private static RgbImage image(TensorSource io, String name) {
        long[] s = io.shape(name);
        long[] v = io.longs(name);
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return new RgbImage((int) s[s.length - 2], (int) s[s.length - 3], b);
    }

    private static long[] bytes(RgbImage im) {
        long[] out = new long[im.rgb().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = im.rgb()[i] & 0xff;
        }
        return out;
    }

    private static List<String> imageCases() throws IOException {
        JsonNode f = new ObjectMapper()
                .readTree(Fixtures.file("clip-tiny", "fixture.json").toFile());
        List<String> names = new ArrayList<>();
        f.get("images").fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void clipTransform_matchesPilResizeCropAndNormalize_exactly() throws IOException {
        int size = ClipVisionConfig.fromJson(Fixtures.file("clip-tiny", "config.json"))
                .inputResolution();
        List<String> cases = imageCases();
        assertTrue(!cases.isEmpty());
        try (TensorSource io = TensorFiles.open(Fixtures.file("clip-tiny", "io.safetensors"))) {
            for (String k : cases) {
                RgbImage in = image(io, k + ".image");
                RgbImage resized = ClipPreprocess.resizeShortSide(in, size);
                TensorAssert.assertExact(
                        k + ".resized", io.shape(k + ".resized"), io.longs(k + ".resized"), bytes(resized));
                assertEquals(io.shape(k + ".resized")[0], resized.height(), k);
                RgbImage cropped = ClipPreprocess.centerCrop(resized, size);
                TensorAssert.assertExact(
                        k + ".cropped", io.shape(k + ".cropped"), io.longs(k + ".cropped"), bytes(cropped));
                INDArray t = ClipPreprocess.clipTransform(in, size);
                TensorAssert.assertClose(k + ".tensor", io.load(k + ".tensor"), t, 1e-5, 1e-6);
            }
        }
    }

    @Test
    void normalizeFrames_matchesReferenceFrameNormalisation() {
        try (TensorSource io = TensorFiles.open(Fixtures.file("clip-tiny", "io.safetensors"))) {
            long[] s = io.shape("frames.uint8");
            long[] v = io.longs("frames.uint8");
            int frameBytes = (int) (s[1] * s[2] * s[3]);
            List<RgbImage> frames = new ArrayList<>();
            for (int t = 0; t < s[0]; t++) {
                byte[] b = new byte[frameBytes];
                for (int i = 0; i < frameBytes; i++) {
                    b[i] = (byte) v[t * frameBytes + i];
                }
                frames.add(new RgbImage((int) s[2], (int) s[1], b));
            }
            TensorAssert.assertClose(
                    "frames.normalized",
                    io.load("frames.normalized"),
                    ClipPreprocess.normalizeFrames(frames),
                    1e-5,
                    1e-6);
        }
    }

    @Test
    void resize_constantImage_staysConstant_andIdentityIsNoOp() {
        byte[] b = new byte[37 * 23 * 3];
        java.util.Arrays.fill(b, (byte) 200);
        RgbImage flat = new RgbImage(37, 23, b);
        RgbImage r = PilBicubic.resize(flat, 11, 19);
        for (byte x : r.rgb()) {
            assertEquals(200, x & 0xff);
        }
        Random rnd = new Random(3);
        byte[] n = new byte[9 * 7 * 3];
        rnd.nextBytes(n);
        RgbImage noise = new RgbImage(9, 7, n);
        assertEquals(noise, PilBicubic.resize(noise, 9, 7));
    }

    @Test
    void centerCrop_tooSmall_throwsWithSizes() {
        RgbImage im = new RgbImage(10, 8, new byte[10 * 8 * 3]);
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> ClipPreprocess.centerCrop(im, 9));
        assertTrue(e.getMessage().contains("9x9") && e.getMessage().contains("10x8"), e.getMessage());
    }

    @Test
    void rgbImage_wrongLength_throws() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> new RgbImage(4, 4, new byte[47]));
        assertTrue(e.getMessage().contains("48") && e.getMessage().contains("47"), e.getMessage());
    }
}
