package io.visage.core.data;

import io.visage.audio.dac.DacCodec;
import io.visage.audio.dac.FoaCodes;
import io.visage.audio.io.AudioBuffer;
import io.visage.audio.io.Wav;
import io.visage.audio.resample.Resampler;
import io.visage.core.direction.CameraDirection;
import io.visage.core.frontend.FrontEnd;
import io.visage.core.frontend.VideoFeatures;
import io.visage.nn.ShapeMismatchException;
import io.visage.nn.io.Npy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Computes the reference's training layout ({@code data/infer_dac.py}, {@code infer_clip.py},
 * {@code infer_clip_energy.py}, CSV splits) from FoV videos and FOA recordings, all in Java.
 *
 * <p>A clip id is prepared when {@code <videos>/<id>.mp4}, {@code <foa>/<id>.wav} and an
 * {@code ambi.json} entry all exist; other ids are reported as skipped with the reason. FOA WAVs
 * must have 4 channels in ambiX order (W, Y, Z, X; ACN/SN3D); they are resampled with julius to the
 * codec's rate when needed (as DAC tokenisation does for 48 kHz recordings).
 *
 * <p>The work comes in three steps so that one machine ({@link #prepare}) and a cluster (the Spark
 * module) run the same code and write the same bytes: {@link #plan} lists the clips, {@link
 * #prepareClip} computes and stores one clip, {@link #finish} writes the CSV splits and {@code
 * ambi.json}. Every file goes through a {@link DatasetStore}, which writes it atomically, so an
 * interrupted run leaves no partial {@code .npy}. A clip whose four files all exist is finished and
 * is not computed again; a clip that fails (an unreadable video, a recording with the wrong channel
 * count) is reported with its reason and does not stop the others.
 */
public final class DatasetPreparer {
    private final FrontEnd frontEnd;
    private final DacCodec codec;
    private final SplitRule splitRule;

    /** Called after each clip (prepared, already prepared or failed). */
    @FunctionalInterface
    public interface Progress {
        void clipDone(int done, int total, String clipId);
    }

    /** One clip to prepare: its id, its two input files and its camera direction. */
    public record ClipInput(String id, Path video, Path foa, CameraDirection direction) {}

    /**
     * What a run prepares.
     *
     * @param clips   the clips found in all three inputs, sorted by id
     * @param skipped clip id → why it is not in {@code clips}
     */
    public record Plan(List<ClipInput> clips, Map<String, String> skipped) {}

    /** The four {@code .npy} files of one clip ({@link DatasetLayout#relative} path → bytes) and its sizes. */
    public record PreparedClip(String id, Map<String, byte[]> files, int clipFrames, int codeFrames) {}

    /** How one clip went. */
    public enum Status {
        /** computed and written by this run */
        PREPARED,
        /** all its files were already there; nothing was computed or written */
        ALREADY_PREPARED,
        /** its inputs could not be prepared ({@link ClipOutcome#reason()} says why); nothing was written */
        FAILED
    }

    /**
     * The outcome of one clip.
     *
     * @param reason     why it failed (null unless {@link Status#FAILED})
     * @param clipFrames CLIP frames of a clip prepared by this run, else -1
     * @param codeFrames codec frames of a clip prepared by this run, else -1
     */
    public record ClipOutcome(String id, Status status, String reason, int clipFrames, int codeFrames)
            implements java.io.Serializable {
        public static ClipOutcome failed(String id, String reason) {
            return new ClipOutcome(id, Status.FAILED, reason, -1, -1);
        }
    }

    /**
     * What was written.
     *
     * @param splits          split name → clip ids (every finished clip of the plan)
     * @param skipped         clip id → reason it was not in the plan
     * @param failed          clip id → reason it failed
     * @param newlyPrepared   clips computed by this run
     * @param alreadyPrepared clips found finished
     * @param clipFrames      CLIP frames per clip (from a clip of this run; -1 when none was computed)
     * @param codeFrames      codec frames per clip (likewise)
     */
    public record Result(
            Map<String, List<String>> splits,
            Map<String, String> skipped,
            Map<String, String> failed,
            int newlyPrepared,
            int alreadyPrepared,
            int clipFrames,
            int codeFrames) {
        /** Clips listed in the splits. */
        public int prepared() {
            return splits.values().stream().mapToInt(List::size).sum();
        }
    }

    /**
     * @param frontEnd  CLIP features and energy maps (its CLIP output width becomes d_clip)
     * @param codec     DAC codec; all its quantizer levels are used (borrowed: the caller closes it)
     * @param splitRule train/valid/test assignment
     */
    public DatasetPreparer(FrontEnd frontEnd, DacCodec codec, SplitRule splitRule) {
        this.frontEnd = frontEnd;
        this.codec = codec;
        this.splitRule = splitRule;
    }

    /** The split rule {@link #finish} uses. */
    public SplitRule splitRule() {
        return splitRule;
    }

    /**
     * Prepares every clip on this machine: {@link #plan}, {@link #prepareClip} for each clip in id
     * order, {@link #finish}.
     *
     * @param videos   folder of {@code <id>.mp4} FoV videos
     * @param foa      folder of {@code <id>.wav} 4-channel ambiX recordings
     * @param ambiJson the directions file (copied to the output as {@code ambi.json}, prepared ids only)
     * @param out      dataset folder (created)
     * @throws IllegalArgumentException when an input folder is missing or no clip can be prepared
     */
    public Result prepare(Path videos, Path foa, Path ambiJson, DatasetLayout out, Progress progress) {
        return prepare(videos, foa, ambiJson, new LocalDatasetStore(out.root()), progress);
    }

    /** As {@link #prepare(Path, Path, Path, DatasetLayout, Progress)}, into any store. */
    public Result prepare(Path videos, Path foa, Path ambiJson, DatasetStore out, Progress progress) {
        Plan plan = plan(videos, foa, ambiJson);
        List<ClipOutcome> outcomes = new ArrayList<>();
        for (ClipInput c : plan.clips()) {
            outcomes.add(prepareClip(c, out));
            progress.clipDone(outcomes.size(), plan.clips().size(), c.id());
        }
        return finish(out, plan, outcomes, splitRule);
    }

    /**
     * Lists the clips to prepare.
     *
     * @throws IllegalArgumentException when an input folder is missing or no clip can be prepared
     */
    public static Plan plan(Path videos, Path foa, Path ambiJson) {
        for (Path d : List.of(videos, foa)) {
            if (!Files.isDirectory(d)) {
                throw new IllegalArgumentException("input folder " + d + " does not exist");
            }
        }
        if (!Files.isRegularFile(ambiJson)) {
            throw new IllegalArgumentException("ambi.json " + ambiJson + " does not exist");
        }
        Map<String, CameraDirection> ambi = AmbiIndex.read(ambiJson);
        Map<String, String> skipped = new TreeMap<>();
        List<ClipInput> clips = new ArrayList<>();
        for (String id : listIds(videos, ".mp4")) {
            Path wav = foa.resolve(id + ".wav");
            if (!Files.isRegularFile(wav)) {
                skipped.put(id, "no FOA recording " + wav);
            } else if (!ambi.containsKey(id)) {
                skipped.put(id, "no entry in " + ambiJson);
            } else {
                clips.add(new ClipInput(id, videos.resolve(id + ".mp4"), wav, ambi.get(id)));
            }
        }
        if (clips.isEmpty()) {
            throw new IllegalArgumentException("no clip to prepare: need <id>.mp4 in " + videos + ", <id>.wav in " + foa
                    + " and an entry in " + ambiJson + "; skipped " + skipped);
        }
        return new Plan(List.copyOf(clips), Collections.unmodifiableMap(skipped));
    }

    /** The files of a clip that the store does not hold yet ({@link DatasetLayout#relative} paths). */
    public static List<String> missingFiles(DatasetStore store, String clipId) {
        return DatasetLayout.FEATURES.stream()
                .map(f -> DatasetLayout.relative(f, clipId))
                .filter(path -> !store.exists(path))
                .toList();
    }

    /**
     * Prepares one clip unless it is finished: computes its four files and writes those that do not
     * exist yet. A failure of this clip's inputs or computation is returned as {@link Status#FAILED}
     * (the store's own write failures are thrown: they would fail every clip).
     */
    public ClipOutcome prepareClip(ClipInput c, DatasetStore store) {
        List<String> missing = missingFiles(store, c.id());
        if (missing.isEmpty()) {
            return new ClipOutcome(c.id(), Status.ALREADY_PREPARED, null, -1, -1);
        }
        PreparedClip p;
        try {
            p = encode(c);
        } catch (RuntimeException e) {
            return ClipOutcome.failed(c.id(), reason(e));
        }
        for (String path : missing) {
            store.write(path, p.files().get(path));
        }
        return new ClipOutcome(c.id(), Status.PREPARED, null, p.clipFrames(), p.codeFrames());
    }

    /** One line for a clip's failure: the exception's message (which names the file), or its type. */
    public static String reason(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getName() : m;
    }

    /** Computes one clip's four files (nothing is written). */
    public PreparedClip encode(ClipInput c) {
        VideoFeatures f = frontEnd.features(c.video(), c.direction());
        float[][] wyzx = readFoa(c.foa());
        int rate = codec.config().sampleRateHz();
        int levels = codec.config().nCodebooks();
        INDArray codes = FoaCodes.encodeFoa(codec, wyzx, rate, levels);
        INDArray rotated = FoaCodes.encodeFoa(codec, rotate(wyzx), rate, levels);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(
                DatasetLayout.relative(DatasetLayout.CLIP, c.id()),
                Npy.bytes(f.clip().castTo(DataType.FLOAT)));
        files.put(
                DatasetLayout.relative(DatasetLayout.ENERGY_MAP, c.id()),
                Npy.bytes(f.energyMap().castTo(DataType.FLOAT)));
        files.put(DatasetLayout.relative(DatasetLayout.DAC, c.id()), Npy.bytes(codes.castTo(DataType.LONG)));
        files.put(DatasetLayout.relative(DatasetLayout.DAC_ROTATED, c.id()), Npy.bytes(rotated.castTo(DataType.LONG)));
        return new PreparedClip(c.id(), Collections.unmodifiableMap(files), (int) f.frames(), (int) codes.size(1));
    }

    /**
     * Writes the CSV splits and {@code ambi.json} of every clip of the plan that did not fail, each
     * only when its content changed (a rerun over finished clips rewrites nothing).
     *
     * @param outcomes one per clip of the plan, in any order
     * @throws IllegalArgumentException when an outcome is missing for a clip of the plan
     */
    public static Result finish(DatasetStore store, Plan plan, List<ClipOutcome> outcomes, SplitRule rule) {
        Map<String, ClipOutcome> byId = new TreeMap<>();
        outcomes.forEach(o -> byId.put(o.id(), o));
        Map<String, List<String>> splits = new LinkedHashMap<>();
        DatasetLayout.SPLITS.forEach(s -> splits.put(s, new ArrayList<>()));
        Map<String, CameraDirection> written = new TreeMap<>();
        Map<String, String> failed = new TreeMap<>();
        int newly = 0;
        int already = 0;
        int clipFrames = -1;
        int codeFrames = -1;
        for (ClipInput c : plan.clips()) {
            ClipOutcome o = byId.get(c.id());
            if (o == null) {
                throw new IllegalArgumentException("no outcome for clip '" + c.id() + "' of the plan");
            }
            switch (o.status()) {
                case FAILED -> failed.put(c.id(), o.reason());
                case PREPARED -> {
                    newly++;
                    clipFrames = o.clipFrames();
                    codeFrames = o.codeFrames();
                }
                case ALREADY_PREPARED -> already++;
            }
            if (o.status() != Status.FAILED) {
                splits.get(rule.assign(c.id())).add(c.id());
                written.put(c.id(), c.direction());
            }
        }
        for (Map.Entry<String, List<String>> s : splits.entrySet()) {
            StringBuilder sb = new StringBuilder(DatasetLayout.FILE_PATH_COLUMN).append('\n');
            s.getValue().forEach(id -> sb.append(id).append(".npy\n"));
            store.writeIfChanged(DatasetLayout.relativeSplit(s.getKey()), utf8(sb.toString()));
        }
        store.writeIfChanged(DatasetLayout.AMBI_JSON, utf8(AmbiIndex.toJson(written)));
        return new Result(
                Collections.unmodifiableMap(splits),
                plan.skipped(),
                Collections.unmodifiableMap(failed),
                newly,
                already,
                clipFrames,
                codeFrames);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The reference's rotation augmentation on the audio side (SPEC §4.4): Y′ = −X, X′ = Y, W and Z
     * unchanged (a source at azimuth φ moves to φ − 90°).
     *
     * @param wyzx [4][N] in ACN order @return a new [4][N]
     */
    public static float[][] rotate(float[][] wyzx) {
        if (wyzx.length != FoaCodes.FOA_CHANNELS) {
            throw new ShapeMismatchException("FOA audio must have 4 channels (W, Y, Z, X), found " + wyzx.length);
        }
        float[] negX = new float[wyzx[3].length];
        for (int i = 0; i < negX.length; i++) {
            negX[i] = -wyzx[3][i];
        }
        return new float[][] {wyzx[0].clone(), negX, wyzx[2].clone(), wyzx[1].clone()};
    }

    private float[][] readFoa(Path wav) {
        AudioBuffer a = Wav.read(wav);
        if (a.channelCount() != FoaCodes.FOA_CHANNELS) {
            throw new ShapeMismatchException(
                    wav + ": FOA recording must have 4 channels (ambiX W, Y, Z, X), found " + a.channelCount());
        }
        int rate = codec.config().sampleRateHz();
        if (a.sampleRate() != rate) {
            a = Resampler.julius(a.sampleRate(), rate).resample(a);
        }
        return a.channels();
    }

    private static List<String> listIds(Path dir, String suffix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(suffix) && !n.startsWith("."))
                    .map(n -> n.substring(0, n.length() - suffix.length()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        }
    }
}
