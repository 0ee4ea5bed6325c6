package io.visage.spark;

import io.visage.audio.io.AudioBuffer;
import io.visage.audio.io.SampleFormat;
import io.visage.audio.io.Wav;
import io.visage.core.data.PrepareNetworks;
import io.visage.core.data.TinyDatasets;
import io.visage.core.video.VideoDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Tiny raw sets and networks for the Spark jobs' tests. */
final class SparkTestInputs {
    private SparkTestInputs() {}

    /** Six clips of three videos, one with a stereo recording (fails) and one without a recording (skipped). */
    static TinyDatasets.Raw raw(Path dir) {
        List<String> ids = List.of(
                "vidAAAAAAAA_0", "vidAAAAAAAA_4", "vidAAAAAAAA_9", "vidBBBBBBBB_2", "vidCCCCCCCC_0", "orphan_1");
        TinyDatasets.Raw raw = TinyDatasets.write(dir, ids, 1, 44100);
        Wav.write(
                raw.foa().resolve("vidBBBBBBBB_2.wav"),
                new AudioBuffer(44100, new float[2][4410]),
                SampleFormat.PCM_16);
        try {
            Files.delete(raw.foa().resolve("orphan_1.wav"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return raw;
    }

    /** Random tiny CLIP and codec, from config files written to {@code dir}. */
    static PrepareNetworks networks(Path dir, long seed) {
        Path clip = TinyDatasets.writeClipConfig(dir.resolve("clip.json"));
        Path codec = TinyDatasets.writeCodecConfig(dir.resolve("codec.json"), 2, 16);
        return new PrepareNetworks(null, clip.toString(), codec.toString(), seed, VideoDecoder.AUTO, 4);
    }

    /** Every regular file under {@code root} (relative path → bytes). */
    static Map<String, byte[]> files(Path root) {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }
}
