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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
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
 * codec's rate when needed (as DAC tokenisation does for 48 kHz recordings). Every output file is
 * written under a temporary name and moved into place, so an interrupted run leaves no partial
 * {@code .npy}.
 */
public final class DatasetPreparer {
    private final FrontEnd frontEnd;
    private final DacCodec codec;
    private final SplitRule splitRule;

    /** Called after each prepared clip. */
    @FunctionalInterface
    public interface Progress {
        void clipDone(int done, int total, String clipId);
    }

    /** What was written. @param splits split name → clip ids; @param skipped clip id → reason */
    public record Result(
            Map<String, List<String>> splits, Map<String, String> skipped, int clipFrames, int codeFrames) {
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

    /**
     * Prepares every clip.
     *
     * @param videos   folder of {@code <id>.mp4} FoV videos
     * @param foa      folder of {@code <id>.wav} 4-channel ambiX recordings
     * @param ambiJson the directions file (copied to the output as {@code ambi.json}, prepared ids only)
     * @param out      dataset folder (created)
     * @throws IllegalArgumentException when an input folder is missing or no clip can be prepared
     */
    public Result prepare(Path videos, Path foa, Path ambiJson, DatasetLayout out, Progress progress) {
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
        List<String> ids = new ArrayList<>();
        for (String id : listIds(videos, ".mp4")) {
            if (!Files.isRegularFile(foa.resolve(id + ".wav"))) {
                skipped.put(id, "no FOA recording " + foa.resolve(id + ".wav"));
            } else if (!ambi.containsKey(id)) {
                skipped.put(id, "no entry in " + ambiJson);
            } else {
                ids.add(id);
            }
        }
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("no clip to prepare: need <id>.mp4 in " + videos + ", <id>.wav in " + foa
                    + " and an entry in " + ambiJson + "; skipped " + skipped);
        }
        out.createFolders();
        Map<String, List<String>> splits = new LinkedHashMap<>();
        DatasetLayout.SPLITS.forEach(s -> splits.put(s, new ArrayList<>()));
        Map<String, CameraDirection> written = new TreeMap<>();
        int clipFrames = -1;
        int codeFrames = -1;
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            CameraDirection dir = ambi.get(id);
            VideoFeatures f = frontEnd.features(videos.resolve(id + ".mp4"), dir);
            float[][] wyzx = readFoa(foa.resolve(id + ".wav"));
            INDArray codes = FoaCodes.encodeFoa(
                    codec, wyzx, codec.config().sampleRateHz(), codec.config().nCodebooks());
            INDArray rotated = FoaCodes.encodeFoa(
                    codec,
                    rotate(wyzx),
                    codec.config().sampleRateHz(),
                    codec.config().nCodebooks());
            writeNpy(out.clip(id), f.clip().castTo(DataType.FLOAT));
            writeNpy(out.energyMap(id), f.energyMap().castTo(DataType.FLOAT));
            writeNpy(out.dac(id), codes.castTo(DataType.LONG));
            writeNpy(out.dacRotated(id), rotated.castTo(DataType.LONG));
            splits.get(splitRule.assign(id)).add(id);
            written.put(id, dir);
            clipFrames = (int) f.frames();
            codeFrames = (int) codes.size(1);
            progress.clipDone(i + 1, ids.size(), id);
        }
        for (Map.Entry<String, List<String>> s : splits.entrySet()) {
            writeCsv(out.split(s.getKey()), s.getValue());
        }
        Path ambiTmp = out.root().resolve("." + DatasetLayout.AMBI_JSON + ".tmp");
        AmbiIndex.write(ambiTmp, written);
        move(ambiTmp, out.ambiJson());
        return new Result(splits, skipped, clipFrames, codeFrames);
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

    private static void writeNpy(Path file, INDArray a) {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Npy.write(tmp, a);
        move(tmp, file);
    }

    private static void writeCsv(Path file, List<String> ids) {
        StringBuilder sb = new StringBuilder(DatasetLayout.FILE_PATH_COLUMN).append('\n');
        ids.forEach(id -> sb.append(id).append(".npy\n"));
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, sb);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        move(tmp, file);
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(to + ": " + e.getMessage(), e);
        }
    }
}
