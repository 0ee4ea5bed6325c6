package io.visage.eval.semantic.vggish;

import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorSource;
import io.visage.nn.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The vggish-tiny fixture set: its files, and the clips and per-layer tensors its io file holds. */
final class VggishFixture {
    static final String SET = "vggish-tiny";
    private static final Pattern CLIP = Pattern.compile("^clip\\.(\\d+)\\.audio$");

    private VggishFixture() {}

    static Path file(String name) {
        return Fixtures.file(SET, name);
    }

    static VggishConfig config() {
        return VggishConfig.fromJson(file("config.json"));
    }

    static TensorSource io() {
        return TensorFiles.open(file("io.safetensors"));
    }

    /** The network with the fixture's weights (including pproc) from weights.safetensors. */
    static Vggish model() {
        return VggishWeights.load(file("weights.safetensors"), null, config());
    }

    /** Indices K of every {@code clip.K.audio}, ascending; fails when there are none. */
    static List<Integer> clips(TensorSource io) {
        TreeSet<Integer> out = new TreeSet<>();
        io.tensors().forEach(t -> {
            Matcher m = CLIP.matcher(t.name());
            if (m.matches()) {
                out.add(Integer.parseInt(m.group(1)));
            }
        });
        if (out.isEmpty()) {
            throw new AssertionError(SET + "/io.safetensors holds no clip.K.audio tensor");
        }
        return new ArrayList<>(out);
    }

    /** Module names M of every {@code clip.K.M} with M = features.N or embeddings.N, in file order. */
    static List<String> layers(TensorSource io, int clip) {
        Pattern p = Pattern.compile("^clip\\." + clip + "\\.((features|embeddings)\\.\\d+)$");
        List<String> out = new ArrayList<>();
        io.tensors().forEach(t -> {
            Matcher m = p.matcher(t.name());
            if (m.matches()) {
                out.add(m.group(1));
            }
        });
        return out;
    }

    static String key(int clip, String what) {
        return "clip." + clip + "." + what;
    }

    /** The audio of every clip, in clip order. */
    static List<float[]> audio(TensorSource io) {
        return clips(io).stream().map(c -> io.floats(key(c, "audio"))).toList();
    }
}
