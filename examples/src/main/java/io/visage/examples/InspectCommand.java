package io.visage.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visage.nn.CheckpointFormatException;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorInfo;
import io.visage.nn.io.TensorSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code visage inspect FILE...}: the tensors of safetensors, PyTorch zip (.pt/.pth/.bin), .npy and
 * .npz files (name, dtype, shape, in file order) with tensor and parameter totals. A file that
 * cannot be read gives one line {@code visage inspect: FILE: PROBLEM} on stderr; the others are
 * still listed, and the exit status is 1.
 */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = {
            "List the tensors (name, dtype, shape) of checkpoint files.",
            "Formats: safetensors, PyTorch zip (.pt/.pth/.bin), .npy, .npz (detected by content).",
            "A file that cannot be read prints one line on stderr; the exit status is then 1."
        })
public final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "tensor files to list")
    List<Path> files;

    @Option(names = "--json", description = "print JSON instead of aligned text")
    boolean json;

    /** The outcome for one file. */
    public sealed interface FileReport permits Inspected, Failed {
        Path file();
    }

    /** A file that opened: its detected format and its tensors in file order. */
    public record Inspected(Path file, String format, List<TensorInfo> tensors) implements FileReport {
        public Inspected {
            tensors = List.copyOf(tensors);
        }

        /** Total number of elements over all tensors. */
        public long parameterCount() {
            return tensors.stream().mapToLong(TensorInfo::numel).sum();
        }

        /** Total size of the tensor data in bytes. */
        public long dataBytes() {
            return tensors.stream()
                    .mapToLong(t -> t.numel() * t.dtype().bytes())
                    .sum();
        }
    }

    /** A file that could not be read; {@code problem} does not repeat the file name. */
    public record Failed(Path file, String problem) implements FileReport {
        /** The stderr line: {@code visage inspect: FILE: PROBLEM}. */
        public String message() {
            return "visage inspect: " + file + ": " + problem;
        }
    }

    /** One report per requested file, in the order given. */
    public record Result(List<FileReport> files) {
        public Result {
            files = List.copyOf(files);
        }

        public boolean ok() {
            return files.stream().noneMatch(f -> f instanceof Failed);
        }
    }

    /** Opens each file and lists its tensors; bad files become {@link Failed} entries. */
    public static Result run(List<Path> files) {
        List<FileReport> reports = new ArrayList<>();
        for (Path f : files) {
            reports.add(inspect(f));
        }
        return new Result(reports);
    }

    static FileReport inspect(Path file) {
        if (Files.isDirectory(file)) {
            return new Failed(file, "is a directory");
        }
        if (!Files.exists(file)) {
            return new Failed(file, "no such file");
        }
        try (TensorSource src = TensorFiles.open(file)) {
            return new Inspected(file, TensorFiles.formatName(src), src.tensors());
        } catch (CheckpointFormatException e) {
            return new Failed(file, withoutFilePrefix(e.getMessage(), file, e.file()));
        } catch (UncheckedIOException e) {
            return new Failed(file, ioProblem(file, e.getCause()));
        }
    }

    private static String ioProblem(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return withoutFilePrefix(String.valueOf(e.getMessage()), file, null);
    }

    private static String withoutFilePrefix(String message, Path file, Path reported) {
        for (Path p : new Path[] {reported, file}) {
            if (p != null && message.startsWith(p + ": ")) {
                return message.substring(p.toString().length() + 2);
            }
        }
        return message;
    }

    @Override
    public Integer call() {
        Result result = run(files);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (json) {
            out.println(toJson(result));
        } else {
            boolean first = true;
            for (FileReport r : result.files()) {
                if (r instanceof Inspected i) {
                    if (!first) {
                        out.println();
                    }
                    out.print(toText(i));
                    first = false;
                }
            }
        }
        out.flush();
        for (FileReport r : result.files()) {
            if (r instanceof Failed f) {
                err.println(f.message());
            }
        }
        err.flush();
        return result.ok() ? 0 : 1;
    }

    /**
     * The text listing of one file: a header line, one aligned {@code name  dtype  [shape]} line per
     * tensor, and a total line.
     */
    public static String toText(Inspected r) {
        int nameWidth = 4;
        int dtypeWidth = 1;
        for (TensorInfo t : r.tensors()) {
            nameWidth = Math.max(nameWidth, t.name().length());
            dtypeWidth = Math.max(dtypeWidth, t.dtype().name().length());
        }
        StringBuilder sb = new StringBuilder();
        sb.append(r.file()).append("  (").append(r.format()).append(")\n");
        String row = "  %-" + nameWidth + "s  %-" + dtypeWidth + "s  %s%n";
        for (TensorInfo t : r.tensors()) {
            sb.append(String.format(Locale.ROOT, row, t.name(), t.dtype().name(), Arrays.toString(t.shape())));
        }
        sb.append(String.format(
                Locale.ROOT,
                "  total: %d tensors, %,d parameters, %,d bytes%n",
                r.tensors().size(),
                r.parameterCount(),
                r.dataBytes()));
        return sb.toString();
    }

    /** {@code {"files": [{file, format, tensors: [{name, dtype, shape}], tensorCount, parameterCount, bytes} | {file, error}]}}. */
    public static String toJson(Result result) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        ArrayNode files = root.putArray("files");
        for (FileReport r : result.files()) {
            ObjectNode f = files.addObject();
            f.put("file", r.file().toString());
            if (r instanceof Inspected i) {
                f.put("format", i.format());
                ArrayNode ts = f.putArray("tensors");
                for (TensorInfo t : i.tensors()) {
                    ObjectNode o = ts.addObject();
                    o.put("name", t.name());
                    o.put("dtype", t.dtype().name());
                    ArrayNode shape = o.putArray("shape");
                    for (long d : t.shape()) {
                        shape.add(d);
                    }
                }
                f.put("tensorCount", i.tensors().size());
                f.put("parameterCount", i.parameterCount());
                f.put("bytes", i.dataBytes());
            } else if (r instanceof Failed x) {
                f.put("error", x.problem());
            }
        }
        try {
            return mapper.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
