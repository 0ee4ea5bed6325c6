package io.visage.eval.semantic.passt;

import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorInfo;
import io.visage.nn.io.TensorSource;
import io.visage.nn.testing.FixtureTolerances;
import io.visage.nn.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The passt-tiny fixture set: its config, weights, clips and tolerances, all read from its files. */
final class PasstFixture {
    static final String SET = "passt-tiny";

    private static final Pattern CLIP = Pattern.compile("^clip\\.(\\d+)\\.audio$");
    private static final Pattern BLOCK = Pattern.compile("^clip\\.(\\d+)\\.blocks\\.(\\d+)$");

    private PasstFixture() {}

    static PasstConfig config() {
        return PasstConfig.fromJson(Fixtures.file(SET, "config.json"));
    }

    static Path file(String name) {
        return Fixtures.file(SET, name);
    }

    static TensorSource io() {
        return TensorFiles.open(file("io.safetensors"));
    }

    static FixtureTolerances tolerances() {
        return FixtureTolerances.forSet(SET);
    }

    static Passt model() {
        return Passt.load(file("weights.safetensors"), config());
    }

    /** Indices K of every {@code clip.K.audio}, ascending. */
    static List<Integer> clips(TensorSource io) {
        TreeSet<Integer> out = new TreeSet<>();
        for (TensorInfo t : io.tensors()) {
            Matcher m = CLIP.matcher(t.name());
            if (m.matches()) {
                out.add(Integer.parseInt(m.group(1)));
            }
        }
        return new ArrayList<>(out);
    }

    /** Indices N of every {@code clip.K.blocks.N}, ascending. */
    static List<Integer> blocks(TensorSource io, int clip) {
        TreeSet<Integer> out = new TreeSet<>();
        for (TensorInfo t : io.tensors()) {
            Matcher m = BLOCK.matcher(t.name());
            if (m.matches() && Integer.parseInt(m.group(1)) == clip) {
                out.add(Integer.parseInt(m.group(2)));
            }
        }
        return new ArrayList<>(out);
    }

    /** The mono samples of {@code clip.K.audio} ([1, N] in the file). */
    static float[] audio(TensorSource io, int clip) {
        return io.floats("clip." + clip + ".audio");
    }
}
