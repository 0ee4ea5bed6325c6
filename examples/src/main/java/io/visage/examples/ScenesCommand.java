package io.visage.examples;

import io.visage.core.direction.CameraDirection;
import io.visage.core.scene.SceneConfig;
import io.visage.core.scene.SceneSet;
import io.visage.nn.ConfigException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code visage scenes --out DIR --count N --seed S [--seconds 5] [--fov 90] [--camera-index E,A]}:
 * a synthetic training set ({@link SceneSet}): coloured shapes that each make a distinct periodic
 * sound move around a field-of-view camera; {@code DIR/video/<id>.mp4}, {@code DIR/foa/<id>.wav}
 * (ambiX), {@code DIR/ambi.json} and {@code DIR/scenes.json}, ready for {@code visage prepare}.
 * Rerunning into the same folder keeps the clips that are already there and unchanged.
 */
@Command(
        name = "scenes",
        mixinStandardHelpOptions = true,
        description = {
            "Synthetic 360° scenes -> FoV videos + ground-truth FOA (ambiX) in YT-Ambigen's raw layout.",
            "Writes DIR/video/<id>.mp4, DIR/foa/<id>.wav, DIR/ambi.json, DIR/scenes.json; ids s<seed>-<index>.",
            "Then: visage prepare --videos DIR/video --foa DIR/foa --ambi-json DIR/ambi.json --out DATA"
        })
public final class ScenesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "a new or empty folder, or an earlier scene set (resumed)")
    Path out;

    @Option(names = "--count", required = true, paramLabel = "N", description = "number of clips (1..100000)")
    int count;

    @Option(
            names = "--seed",
            required = true,
            paramLabel = "S",
            description = "seed of the set (same seed, same bytes)")
    long seed;

    @Option(
            names = "--seconds",
            defaultValue = "5",
            paramLabel = "SEC",
            description = "clip length, a multiple of 0.02 s and of 1/8 s (default ${DEFAULT-VALUE})")
    double seconds;

    @Option(
            names = "--fov",
            defaultValue = "90",
            paramLabel = "DEG",
            description = "horizontal field of view in degrees (default ${DEFAULT-VALUE})")
    double fov;

    @Option(
            names = "--camera-index",
            paramLabel = "E,A",
            description = "one ambi.json camera index for every clip (default: random, e in 35..55, a in 0..179)")
    String cameraIndex;

    /** What a run wrote and how long it took. */
    public record Result(SceneSet.Result set, SceneConfig config, double seconds) {}

    /**
     * Writes (or resumes) the set.
     *
     * @param camera the camera of every clip, or null for a random camera per clip
     * @throws ConfigException for a bad count or config, or an output folder that is not a scene set
     */
    public static Result run(
            Path out, int count, long seed, SceneConfig cfg, CameraDirection camera, SceneSet.Progress progress) {
        long t0 = System.nanoTime();
        SceneSet.Result r = SceneSet.write(out, count, seed, cfg, camera, progress);
        return new Result(r, cfg, (System.nanoTime() - t0) / 1e9);
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        SceneConfig cfg;
        CameraDirection camera = null;
        try {
            if (count < 1 || count > SceneSet.MAX_COUNT) {
                throw new ConfigException("--count must be in [1, " + SceneSet.MAX_COUNT + "] but was " + count);
            }
            cfg = withOption("--seconds", () -> SceneConfig.DEFAULT.withSeconds(seconds));
            SceneConfig timed = cfg;
            cfg = withOption("--fov", () -> timed.withFovDegrees(fov));
            if (cameraIndex != null) {
                camera = withOption("--camera-index", () -> CameraDirection.parse(cameraIndex));
            }
        } catch (ConfigException e) {
            err.println("visage scenes: " + e.getMessage());
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }
        try {
            SceneSet.checkFolder(out);
        } catch (ConfigException e) {
            err.println("visage scenes: " + e.getMessage());
            err.flush();
            return CommandLine.ExitCode.SOFTWARE;
        }
        Result r;
        try (ProgressBar bar = ProgressBars.ascii("scenes", count, err)) {
            r = run(out, count, seed, cfg, camera, (done, total, id) -> bar.stepTo(done));
        } catch (ConfigException e) {
            err.println();
            err.println("visage scenes: " + e.getMessage());
            err.flush();
            return CommandLine.ExitCode.SOFTWARE;
        }
        err.println();
        err.flush();
        PrintWriter o = spec.commandLine().getOut();
        o.println(summary(r, out, camera));
        o.println("scenes: next: visage prepare --videos " + out.resolve(SceneSet.VIDEO_DIR) + " --foa "
                + out.resolve(SceneSet.FOA_DIR) + " --ambi-json " + out.resolve(SceneSet.AMBI_JSON) + " --out DATA");
        o.flush();
        return 0;
    }

    static String summary(Result r, Path out, CameraDirection camera) {
        SceneConfig c = r.config();
        SceneSet.Result s = r.set();
        return String.format(
                Locale.ROOT,
                "scenes: %d clips in %s (%d rendered, %d kept, %d old clip files removed) in %.1f s;"
                        + " %s s each, %dx%d at %d fps, %s° FoV, camera %s, FOA ambiX %d Hz",
                s.ids().size(),
                out,
                s.rendered(),
                s.kept(),
                s.removed(),
                r.seconds(),
                trim(c.seconds()),
                c.width(),
                c.height(),
                c.videoFps(),
                trim(c.fovDegrees()),
                camera == null ? "random" : camera.elevationIndex() + "," + camera.azimuthIndex(),
                c.sampleRateHz());
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static <T> T withOption(String option, Supplier<T> make) {
        try {
            return make.get();
        } catch (ConfigException e) {
            throw new ConfigException(option + ": " + e.getMessage(), e);
        }
    }
}
