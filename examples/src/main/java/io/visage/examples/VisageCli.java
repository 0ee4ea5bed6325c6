package io.visage.examples;

import io.visage.audio.io.WavFormatException;
import io.visage.core.media.Mp4FormatException;
import io.visage.core.video.VideoFormatException;
import io.visage.nn.CheckpointFormatException;
import io.visage.nn.ConfigException;
import io.visage.nn.StateDictMismatchException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code visage} command. Each subcommand is one thin class with a static {@code run(...)}
 * that returns a typed result (what the tests check); its {@code call()} only maps options to
 * that call and prints the result. To add a subcommand, write such a class and list it in
 * {@code subcommands} below. Heavy subcommands call {@link BlasCheck#printHint(PrintWriter)} first.
 *
 * <p>Exit status: 0 success, 1 failure (a bad input file prints one line {@code visage CMD: FILE:
 * PROBLEM}; an unexpected exception prints its stack trace), 2 usage error.
 */
@Command(
        name = "visage",
        mixinStandardHelpOptions = true,
        versionProvider = VisageCli.Version.class,
        description = "ViSAGe: silent video + camera direction -> first-order ambisonics (4-channel FOA).",
        subcommands = {
            DemoCommand.class,
            GenerateCommand.class,
            FeaturesCommand.class,
            FramesCommand.class,
            PrepareCommand.class,
            TrainCommand.class,
            EvaluateCommand.class,
            PrepareGtCommand.class,
            ScenesCommand.class,
            CodecCommand.class,
            FoaCommand.class,
            InspectCommand.class,
            RandomWeightsCommand.class,
            VersionCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:success", "1:failure (e.g. a bad input file)", "2:usage error"},
        footerHeading = "%nEnvironment (read by the ./visage launcher):%n",
        footer = {
            "  VISAGE_JAVA_OPTS   extra JVM options, e.g. -Xmx16g (appended, so they win)",
            "  VISAGE_MAVEN_ARGS  extra Maven arguments for the build, e.g. -Pcuda",
            "  OPENBLAS_CORETYPE  OpenBLAS kernels; default picked from /proc/cpuinfo"
        })
public final class VisageCli implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(execute(out, err, args));
    }

    /** Runs the command line with the given streams and returns the exit status (for tests). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new VisageCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(VisageCli::handle);
        int status = cl.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    /** Bad input (file, config) is one line on stderr and status 1; anything else is a bug: stack trace. */
    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) throws Exception {
        if (e instanceof CheckpointFormatException
                || e instanceof ConfigException
                || e instanceof WavFormatException
                || e instanceof VideoFormatException
                || e instanceof StateDictMismatchException
                || e instanceof Mp4FormatException
                || e instanceof UncheckedIOException
                || e instanceof IOException) {
            cl.getErr().println(cl.getCommandSpec().qualifiedName() + ": " + e.getMessage());
            cl.getErr().flush();
            return CommandLine.ExitCode.SOFTWARE;
        }
        throw e;
    }

    /** The project version, from the build (filtered resource); "unknown" outside a Maven build. */
    public static String projectVersion() {
        return VersionCommand.versionProperty(VisageCli.class.getResourceAsStream("version.properties"));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"visage " + projectVersion()};
        }
    }
}
