package io.visage.core.scene;

import io.visage.audio.io.AudioBuffer;
import io.visage.audio.io.SampleFormat;
import io.visage.audio.io.Wav;
import io.visage.core.data.AmbiIndex;
import io.visage.core.data.DatasetPreparer;
import io.visage.core.direction.CameraDirection;
import io.visage.nn.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SceneSetTest {
    /** Short clips keep the tests fast; the layout does not depend on the length. */
    private static final SceneConfig CFG = SceneConfig.DEFAULT.withSeconds(1);

    @TempDir
    Path tmp;

    @Test
    void clipIds_andSeeds() {
        assertEquals("s7-00000", SceneSet.clipId(7, 0));
        assertEquals("s-3-01234", SceneSet.clipId(-3, 1234));
        assertThrows(ConfigException.class, () -> SceneSet.clipId(7, 100_000));
        assertNotEquals(SceneSet.clipSeed(7, 0), SceneSet.clipSeed(7, 1));
        assertNotEquals(SceneSet.clipSeed(7, 0), SceneSet.clipSeed(8, 0));
    }

    @Test
    void sameSeed_givesIdenticalScenesAndFoa() {
        for (int i = 0; i < 5; i++) {
            Scene a = SceneSet.scene(11, i, SceneConfig.DEFAULT, null);
            Scene b = SceneSet.scene(11, i, SceneConfig.DEFAULT, null);
            assertEquals(a, b);
            float[][] fa = SceneRenderer.foa(a);
            float[][] fb = SceneRenderer.foa(b);
            for (int c = 0; c < 4; c++) {
                assertArrayEquals(fa[c], fb[c], 0f);
            }
        }
        assertNotEquals(SceneSet.scene(11, 0, CFG, null), SceneSet.scene(12, 0, CFG, null));
    }

    @Test
    void write_makesAYtAmbigenRawSet_thatPrepareAccepts() throws Exception {
        Path out = tmp.resolve("set");
        List<String> seen = new ArrayList<>();
        SceneSet.Result r =
                SceneSet.write(out, 2, 5, CFG, (done, total, id) -> seen.add(done + "/" + total + " " + id));

        assertEquals(List.of("s5-00000", "s5-00001"), r.ids());
        assertEquals(2, r.rendered());
        assertEquals(List.of("1/2 s5-00000", "2/2 s5-00001"), seen);
        Map<String, CameraDirection> ambi = AmbiIndex.read(out.resolve("ambi.json"));
        SceneJson.Catalog cat = SceneJson.read(out.resolve("scenes.json"));
        assertEquals(5, cat.seed());
        assertEquals(CFG, cat.config());
        for (int i = 0; i < 2; i++) {
            String id = r.ids().get(i);
            Scene s = SceneSet.scene(5, i, CFG, null);
            assertEquals(s, cat.scenes().get(id), "scenes.json gives back the scene");
            assertEquals(s.camera(), ambi.get(id));
            AudioBuffer wav = Wav.read(out.resolve("foa").resolve(id + ".wav"));
            assertEquals(
                    SampleFormat.PCM_16,
                    Wav.format(out.resolve("foa").resolve(id + ".wav")).sampleFormat());
            assertEquals(4, wav.channelCount());
            assertEquals(16000, wav.sampleRate());
            float[][] foa = SceneRenderer.foa(s);
            for (int c = 0; c < 4; c++) {
                assertArrayEquals(foa[c], wav.channel(c), 1.5f / 32768, id + " channel " + c);
            }
            assertTrue(Files.size(out.resolve("video").resolve(id + ".mp4")) > 1000);
        }

        DatasetPreparer.Plan plan =
                DatasetPreparer.plan(out.resolve("video"), out.resolve("foa"), out.resolve("ambi.json"));
        assertEquals(2, plan.clips().size());
        assertTrue(plan.skipped().isEmpty(), plan.skipped().toString());
        assertEquals(ambi.get("s5-00001"), plan.clips().get(1).direction());
    }

    @Test
    void clipI_doesNotDependOnTheCount_andTheBytesRepeat() throws Exception {
        Path three = tmp.resolve("three");
        Path five = tmp.resolve("five");
        SceneSet.write(three, 3, 9, CFG, null);
        SceneSet.write(five, 5, 9, CFG, null);
        SceneJson.Catalog c3 = SceneJson.read(three.resolve("scenes.json"));
        SceneJson.Catalog c5 = SceneJson.read(five.resolve("scenes.json"));
        for (int i = 0; i < 3; i++) {
            String id = SceneSet.clipId(9, i);
            assertEquals(c3.scenes().get(id), c5.scenes().get(id));
            for (String f : List.of("video/" + id + ".mp4", "foa/" + id + ".wav")) {
                assertArrayEquals(Files.readAllBytes(three.resolve(f)), Files.readAllBytes(five.resolve(f)), f);
            }
        }
        assertEquals(5, c5.scenes().size());
    }

    @Test
    void fixedCamera_isEveryClipsCamera() {
        CameraDirection cam = CameraDirection.parse("45,135");
        Path out = tmp.resolve("fixed");
        SceneSet.write(out, 3, 1, CFG, cam, null);
        AmbiIndex.read(out.resolve("ambi.json")).values().forEach(c -> assertEquals(cam, c));
    }

    @Test
    void rewriting_keepsUnchangedClips_andRemovesClipsNoLongerInTheSet() throws Exception {
        Path out = tmp.resolve("set");
        SceneSet.write(out, 3, 4, CFG, null);
        Path clip0 = out.resolve("video/s4-00000.mp4");
        long stamp = Files.getLastModifiedTime(clip0).toMillis();
        Files.writeString(out.resolve("notes.txt"), "mine");

        SceneSet.Result again = SceneSet.write(out, 2, 4, CFG, null);
        assertEquals(0, again.rendered());
        assertEquals(2, again.kept());
        assertEquals(2, again.removed()); // s4-00002.mp4 and .wav
        assertEquals(stamp, Files.getLastModifiedTime(clip0).toMillis());
        assertFalse(Files.exists(out.resolve("video/s4-00002.mp4")));
        assertFalse(Files.exists(out.resolve("foa/s4-00002.wav")));
        assertTrue(Files.exists(out.resolve("notes.txt")));
        assertEquals(2, AmbiIndex.read(out.resolve("ambi.json")).size());

        // another config: the same ids are different scenes, so they are rendered again
        SceneSet.Result longer = SceneSet.write(out, 2, 4, CFG.withSeconds(2), null);
        assertEquals(2, longer.rendered());
        assertEquals(32000, Wav.read(out.resolve("foa/s4-00000.wav")).frames());

        // a lost file is rendered again
        Files.delete(out.resolve("foa/s4-00001.wav"));
        assertEquals(1, SceneSet.write(out, 2, 4, CFG.withSeconds(2), null).rendered());
    }

    @Test
    void write_refusesBadArguments_andForeignFolders() throws Exception {
        assertThrows(ConfigException.class, () -> SceneSet.write(tmp.resolve("a"), 0, 1, CFG, null));
        Path foreign = Files.createDirectories(tmp.resolve("foreign"));
        Files.writeString(foreign.resolve("x.txt"), "x");
        ConfigException e = assertThrows(ConfigException.class, () -> SceneSet.write(foreign, 1, 1, CFG, null));
        assertTrue(e.getMessage().contains("not a scene set"), e.getMessage());
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertThrows(ConfigException.class, () -> SceneSet.write(file, 1, 1, CFG, null));
        Path badJson = Files.createDirectories(tmp.resolve("bad"));
        Files.writeString(badJson.resolve("scenes.json"), "{\"format\": \"something else\"}");
        assertThrows(ConfigException.class, () -> SceneSet.write(badJson, 1, 1, CFG, null));
    }

    @Test
    void renderOne_writesClipZeroOfTheFixedCameraSet() throws Exception {
        CameraDirection cam = CameraDirection.parse("40,60");
        Path mp4 = tmp.resolve("one.mp4");
        Path wav = tmp.resolve("one.wav");
        Scene s = SceneSet.renderOne(cam, 21, CFG, mp4, wav);
        assertEquals(SceneSet.scene(21, 0, CFG, cam), s);
        assertEquals(cam, s.camera());
        Path set = tmp.resolve("set");
        SceneSet.write(set, 1, 21, CFG, cam, null);
        assertArrayEquals(Files.readAllBytes(set.resolve("foa/s21-00000.wav")), Files.readAllBytes(wav));
        assertArrayEquals(Files.readAllBytes(set.resolve("video/s21-00000.mp4")), Files.readAllBytes(mp4));
    }
}
