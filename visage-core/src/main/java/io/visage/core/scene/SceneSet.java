package io.visage.core.scene;

import io.visage.audio.io.AudioBuffer;
import io.visage.audio.io.SampleFormat;
import io.visage.audio.io.Wav;
import io.visage.core.data.AmbiIndex;
import io.visage.core.direction.CameraDirection;
import io.visage.nn.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A folder of synthetic clips in YT-Ambigen's raw layout, ready for {@code visage prepare --videos
 * OUT/video --foa OUT/foa --ambi-json OUT/ambi.json}:
 *
 * <pre>
 * OUT/video/&lt;id&gt;.mp4   field-of-view video (H.264, {@link SceneVideo})
 * OUT/foa/&lt;id&gt;.wav     ground-truth FOA, 4 channels ambiX (W, Y, Z, X), 16-bit PCM at the config's rate
 * OUT/ambi.json          id → [elevation_idx, azimuth_idx] of the camera
 * OUT/scenes.json        every scene's camera, objects and paths ({@link SceneJson})
 * </pre>
 *
 * Ids are {@code s<seed>-<index, 5 digits>}. Clip i is drawn from its own generator seeded by
 * {@link #clipSeed}(seed, i), so the same seed gives the same bytes and clip i does not depend on
 * how many clips the set has.
 *
 * <p>Writing into an existing scene set (a folder with a {@code scenes.json}) resumes it: a clip
 * whose files exist and whose recorded scene equals the new one is kept; the others are rendered.
 * While the set is written, {@code ambi.json} and {@code scenes.json} list only clips whose files
 * are complete and match (they are rewritten every {@value #CHECKPOINT_CLIPS} clips and at the end),
 * so an interrupted run leaves a consistent, resumable folder. At the end, clip files named like a
 * scene id that are not in the new set are deleted; other files are left alone.
 */
public final class SceneSet {
    public static final String VIDEO_DIR = "video";
    public static final String FOA_DIR = "foa";
    public static final String AMBI_JSON = "ambi.json";
    public static final String SCENES_JSON = "scenes.json";
    /** Most clips in one set (the index has 5 digits). */
    public static final int MAX_COUNT = 100_000;
    /** The WAVs' sample encoding. */
    public static final SampleFormat WAV_FORMAT = SampleFormat.PCM_16;
    /** Clips between two rewrites of {@code ambi.json} and {@code scenes.json}. */
    public static final int CHECKPOINT_CLIPS = 32;

    private static final Pattern CLIP_ID = Pattern.compile("s-?\\d+-\\d{5}");

    private SceneSet() {}

    /** Called after each clip (rendered or kept). */
    @FunctionalInterface
    public interface Progress {
        void clipDone(int done, int total, String clipId);
    }

    /**
     * What {@link #write} did.
     *
     * @param out      the set's folder
     * @param ids      the clips of the set, in index order
     * @param rendered clips rendered by this run
     * @param kept     clips already there and unchanged
     * @param removed  clip files of an earlier set deleted because they are not in this one
     */
    public record Result(Path out, List<String> ids, int rendered, int kept, int removed) {}

    /** The id of clip {@code index}: {@code s<seed>-<index, 5 digits>}. */
    public static String clipId(long seed, int index) {
        checkIndex(index);
        return String.format(Locale.ROOT, "s%d-%05d", seed, index);
    }

    /** The seed of clip {@code index}'s generator: a SplitMix64 mix of the set seed and the index. */
    public static long clipSeed(long seed, int index) {
        checkIndex(index);
        return mix64(mix64(seed) + 0x9E3779B97F4A7C15L * (index + 1L));
    }

    /**
     * Clip {@code index} of the set drawn from {@code seed}.
     *
     * @param fixedCamera the camera of every clip, or null for a random camera per clip
     */
    public static Scene scene(long seed, int index, SceneConfig cfg, CameraDirection fixedCamera) {
        SplittableRandom rng = new SplittableRandom(clipSeed(seed, index));
        return fixedCamera == null ? SceneGenerator.random(rng, cfg) : SceneGenerator.random(rng, cfg, fixedCamera);
    }

    /** {@link #write(Path, int, long, SceneConfig, CameraDirection, Progress)} with a random camera per clip. */
    public static Result write(Path out, int count, long seed, SceneConfig cfg, Progress progress) {
        return write(out, count, seed, cfg, null, progress);
    }

    /**
     * Writes (or resumes) a set of {@code count} clips.
     *
     * @param out         a new or empty folder, or an existing scene set
     * @param fixedCamera the camera of every clip, or null for a random camera per clip
     * @param progress    told after each clip; may be null
     * @throws ConfigException when count is out of range or {@code out} is a file or a non-empty folder
     *                         without {@code scenes.json}
     */
    public static Result write(
            Path out, int count, long seed, SceneConfig cfg, CameraDirection fixedCamera, Progress progress) {
        if (count < 1 || count > MAX_COUNT) {
            throw new ConfigException("scene count must be in [1, " + MAX_COUNT + "] but was " + count);
        }
        if (cfg == null || out == null) {
            throw new IllegalArgumentException("a scene set needs an output folder and a config");
        }
        SceneJson.Catalog old = existingCatalog(out);
        Path videos = out.resolve(VIDEO_DIR);
        Path foa = out.resolve(FOA_DIR);
        try {
            Files.createDirectories(videos);
            Files.createDirectories(foa);
        } catch (IOException e) {
            throw new UncheckedIOException(out + ": cannot create the scene set folders: " + e.getMessage(), e);
        }
        Map<String, Scene> wanted = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            wanted.put(clipId(seed, i), scene(seed, i, cfg, fixedCamera));
        }
        Map<String, Scene> done = new TreeMap<>();
        if (old != null) {
            for (Map.Entry<String, Scene> e : wanted.entrySet()) {
                if (e.getValue().equals(old.scenes().get(e.getKey())) && filesExist(out, e.getKey())) {
                    done.put(e.getKey(), e.getValue());
                }
            }
        }
        checkpoint(out, seed, cfg, done);
        int rendered = 0;
        int at = 0;
        for (Map.Entry<String, Scene> e : wanted.entrySet()) {
            String id = e.getKey();
            if (!done.containsKey(id)) {
                render(e.getValue(), videos.resolve(id + ".mp4"), foa.resolve(id + ".wav"));
                done.put(id, e.getValue());
                rendered++;
                if (rendered % CHECKPOINT_CLIPS == 0) {
                    checkpoint(out, seed, cfg, done);
                }
            }
            at++;
            if (progress != null) {
                progress.clipDone(at, count, id);
            }
        }
        int removed = removeStale(videos, ".mp4", wanted.keySet()) + removeStale(foa, ".wav", wanted.keySet());
        checkpoint(out, seed, cfg, done);
        return new Result(out, List.copyOf(wanted.keySet()), rendered, count - rendered, removed);
    }

    /** Renders one scene: its video to {@code mp4} and its FOA to {@code wav} (both replaced, atomically). */
    public static void render(Scene scene, Path mp4, Path wav) {
        SceneVideo.write(scene, mp4);
        float[][] foa = SceneRenderer.foa(scene);
        Wav.write(wav, new AudioBuffer(scene.config().sampleRateHz(), foa), WAV_FORMAT);
    }

    /**
     * Draws one scene seen from {@code camera} (clip 0 of the set drawn from {@code seed} with that
     * fixed camera) and renders it to {@code mp4} and its ground-truth FOA to {@code wav}.
     *
     * @return the scene rendered
     */
    public static Scene renderOne(CameraDirection camera, long seed, SceneConfig cfg, Path mp4, Path wav) {
        if (camera == null) {
            throw new IllegalArgumentException("renderOne needs a camera direction");
        }
        Scene s = scene(seed, 0, cfg, camera);
        render(s, mp4, wav);
        return s;
    }

    /** True when {@code dir} holds a {@code scenes.json} (it is, or was meant to be, a scene set). */
    public static boolean isSceneSet(Path dir) {
        return Files.isRegularFile(dir.resolve(SCENES_JSON));
    }

    /**
     * Checks that {@link #write} can use {@code out}: it is missing, an empty folder, or a scene set
     * with a readable {@code scenes.json}.
     *
     * @throws ConfigException naming the folder and what is wrong with it
     */
    public static void checkFolder(Path out) {
        existingCatalog(out);
    }

    private static SceneJson.Catalog existingCatalog(Path out) {
        if (!Files.exists(out)) {
            return null;
        }
        if (!Files.isDirectory(out)) {
            throw new ConfigException(out + ": is a file, not a folder for a scene set");
        }
        if (isSceneSet(out)) {
            return SceneJson.read(out.resolve(SCENES_JSON));
        }
        try (Stream<Path> s = Files.list(out)) {
            if (s.findAny().isPresent()) {
                throw new ConfigException(out + ": the folder is not empty and is not a scene set (no " + SCENES_JSON
                        + "); choose a new or empty folder");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(out + ": " + e.getMessage(), e);
        }
        return null;
    }

    private static boolean filesExist(Path out, String id) {
        return Files.isRegularFile(out.resolve(VIDEO_DIR).resolve(id + ".mp4"))
                && Files.isRegularFile(out.resolve(FOA_DIR).resolve(id + ".wav"));
    }

    /** Writes ambi.json and scenes.json listing exactly {@code done}. */
    private static void checkpoint(Path out, long seed, SceneConfig cfg, Map<String, Scene> done) {
        Map<String, CameraDirection> cams = new TreeMap<>();
        done.forEach((id, s) -> cams.put(id, s.camera()));
        Path ambi = out.resolve(AMBI_JSON);
        Path temp = out.resolve("." + AMBI_JSON + ".part");
        try {
            Files.writeString(temp, AmbiIndex.toJson(cams));
            Files.move(temp, ambi, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(ambi + ": " + e.getMessage(), e);
        }
        SceneJson.write(out.resolve(SCENES_JSON), new SceneJson.Catalog(seed, cfg, done));
    }

    private static int removeStale(Path dir, String suffix, Set<String> keep) {
        List<Path> stale = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> {
                String name = p.getFileName().toString();
                if (name.endsWith(suffix)) {
                    String id = name.substring(0, name.length() - suffix.length());
                    if (CLIP_ID.matcher(id).matches() && !keep.contains(id) && Files.isRegularFile(p)) {
                        stale.add(p);
                    }
                }
            });
            for (Path p : stale) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot remove clips of the earlier set: " + e.getMessage(), e);
        }
        return stale.size();
    }

    private static void checkIndex(int index) {
        if (index < 0 || index >= MAX_COUNT) {
            throw new ConfigException("clip index must be in [0, " + (MAX_COUNT - 1) + "] but was " + index);
        }
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
