package io.visage.examples;

import io.visage.eval.report.EvaluationProgress;
import io.visage.eval.report.SpatialEvalConfig;
import io.visage.eval.report.SpatialEvaluation;
import io.visage.eval.spatial.SphericalHarmonicDecoder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code visage prepare-gt --wavs DIR --out DIR}: ground-truth energy maps ({@code <id>.npz}: map, map_1fps, map_5fps). */
@Command(
        name = "prepare-gt",
        mixinStandardHelpOptions = true,
        description =
                "Ground-truth energy maps as prepare_gt_energy_map.py: one <id>.npz (map, map_1fps, map_5fps) per WAV.")
public final class PrepareGtCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--wavs",
            required = true,
            paramLabel = "DIR",
            description = "folder of 4-channel ground-truth <id>.wav")
    Path wavs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder for <id>.npz")
    Path out;

    @Option(
            names = "--decoder",
            defaultValue = "REFERENCE_SQRT2",
            description = "REFERENCE_SQRT2 or SN3D; default ${DEFAULT-VALUE}")
    SphericalHarmonicDecoder decoder;

    @Option(
            names = "--sample-rate",
            defaultValue = "16000",
            description = "required WAV sample rate (default ${DEFAULT-VALUE})")
    int sampleRate;

    /** Writes the maps and returns the written files. */
    public static List<Path> run(
            Path wavs, Path out, SphericalHarmonicDecoder decoder, int sampleRateHz, EvaluationProgress progress) {
        return SpatialEvaluation.prepareGroundTruth(
                wavs,
                out,
                new SpatialEvaluation.Options(sampleRateHz, SpatialEvalConfig.REFERENCE.withDecoder(decoder), 0),
                progress);
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        List<Path> files;
        try (ProgressBar bar =
                ProgressBars.ascii("clips", SpatialEvaluation.wavs(wavs).size(), err)) {
            files = run(wavs, out, decoder, sampleRate, (done, n, id) -> bar.stepTo(done));
        } catch (IllegalArgumentException e) {
            err.println();
            err.println("visage prepare-gt: " + e.getMessage());
            return 1;
        }
        err.println();
        spec.commandLine().getOut().println(files.size() + " ground-truth map files in " + out);
        return 0;
    }
}
