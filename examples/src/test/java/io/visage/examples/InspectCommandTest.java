package io.visage.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.core.model.VisageConfig;
import io.visage.examples.InspectCommand.Failed;
import io.visage.examples.InspectCommand.Inspected;
import io.visage.examples.InspectCommand.Result;
import io.visage.nn.io.DType;
import io.visage.nn.io.TensorInfo;
import io.visage.nn.testing.Fixtures;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InspectCommandTest {
    @TempDir
    Path tmp;

    /** Output of one CLI run. */
    record Run(int status, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = VisageCli.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void listsTensorsInFileOrderWithTotals() throws IOException {
        Path f = TinySafetensors.write(tmp.resolve("tiny.safetensors"));

        Result result = InspectCommand.run(List.of(f));

        assertTrue(result.ok());
        Inspected r = assertInstanceOf(Inspected.class, result.files().get(0));
        assertEquals("safetensors", r.format());
        assertEquals(
                List.of(
                        new TensorInfo("encoder.weight", DType.F32, new long[] {2, 3}),
                        new TensorInfo("encoder.positions", DType.I64, new long[] {4}),
                        new TensorInfo("scale", DType.F32, new long[0])),
                r.tensors());
        assertEquals(11, r.parameterCount());
        assertEquals(60, r.dataBytes());
    }

    @Test
    void textColumnsAreAligned() throws IOException {
        Path f = TinySafetensors.write(tmp.resolve("tiny.safetensors"));

        Run run = cli("inspect", f.toString());

        assertEquals(0, run.status(), run.err());
        assertEquals("", run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals(f + "  (safetensors)", lines.get(0));
        assertEquals("  encoder.weight     F32  [2, 3]", lines.get(1));
        assertEquals("  encoder.positions  I64  [4]", lines.get(2));
        assertEquals("  scale              F32  []", lines.get(3));
        assertEquals("  total: 3 tensors, 11 parameters, 60 bytes", lines.get(4));
        assertEquals(5, lines.size());
    }

    @Test
    void jsonOutputIsMachineReadable() throws IOException {
        Path f = TinySafetensors.write(tmp.resolve("tiny.safetensors"));

        Run run = cli("inspect", "--json", f.toString());

        assertEquals(0, run.status(), run.err());
        JsonNode file = new ObjectMapper().readTree(run.out()).get("files").get(0);
        assertEquals(f.toString(), file.get("file").asText());
        assertEquals("safetensors", file.get("format").asText());
        assertEquals(3, file.get("tensorCount").asInt());
        assertEquals(11, file.get("parameterCount").asLong());
        JsonNode t0 = file.get("tensors").get(0);
        assertEquals("encoder.weight", t0.get("name").asText());
        assertEquals("F32", t0.get("dtype").asText());
        assertEquals("[2,3]", t0.get("shape").toString());
    }

    @Test
    void truncatedFileIsOneLineNamingTheFileAndStatus1() throws IOException {
        Path f = TinySafetensors.write(tmp.resolve("cut.safetensors"));
        byte[] all = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(all, all.length - 10));

        Run run = cli("inspect", f.toString());

        assertEquals(1, run.status());
        assertEquals("", run.out());
        assertEquals(1, run.errLines().size(), run.err());
        assertTrue(run.err().startsWith("visage inspect: " + f + ": "), run.err());
        assertTrue(run.errLines().get(0).length() > ("visage inspect: " + f + ": ").length(), "says what is wrong");
    }

    @Test
    void headerCutShortIsReportedToo() throws IOException {
        Path f = TinySafetensors.write(tmp.resolve("cut.safetensors"));
        Files.write(f, Arrays.copyOf(Files.readAllBytes(f), 40));

        Run run = cli("inspect", f.toString());

        assertEquals(1, run.status());
        assertEquals(List.of(run.errLines().get(0)), run.errLines());
        assertTrue(run.err().startsWith("visage inspect: " + f + ": "), run.err());
    }

    @Test
    void missingFileAndDirectory() {
        Path missing = tmp.resolve("nope.safetensors");

        Result result = InspectCommand.run(List.of(missing, tmp));

        assertEquals(new Failed(missing, "no such file"), result.files().get(0));
        assertEquals(new Failed(tmp, "is a directory"), result.files().get(1));
        assertEquals(
                "visage inspect: " + missing + ": no such file",
                ((Failed) result.files().get(0)).message());
    }

    @Test
    void goodFilesAreStillListedNextToABadOne() throws IOException {
        Path good = TinySafetensors.write(tmp.resolve("good.safetensors"));
        Path bad = Files.writeString(tmp.resolve("bad.safetensors"), "not a tensor file at all");

        Run run = cli("inspect", bad.toString(), good.toString());

        assertEquals(1, run.status());
        assertTrue(run.out().startsWith(good + "  (safetensors)"), run.out());
        assertEquals(1, run.errLines().size(), run.err());
        assertTrue(run.err().startsWith("visage inspect: " + bad + ": "), run.err());
    }

    @Test
    void usageErrorsExit2() {
        assertEquals(2, cli("inspect").status());
        assertEquals(2, cli("inspect", "--no-such-option", "x").status());
        assertEquals(2, cli("no-such-command").status());
        assertEquals(2, cli().status());
    }

    @Test
    void helpAndVersionExit0() {
        Run help = cli("--help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("inspect"), help.out());
        assertTrue(help.out().contains("version"), help.out());
        Run version = cli("--version");
        assertEquals(0, version.status());
        assertEquals("visage " + VisageCli.projectVersion(), version.out().strip());
        assertTrue(VisageCli.projectVersion().matches("\\d+\\.\\d+\\.\\d+.*"), VisageCli.projectVersion());
    }

    @Test
    void fixtureCheckpoint() {
        Path f = Fixtures.file("visage-tiny", "weights.safetensors");

        Inspected r = assertInstanceOf(
                Inspected.class, InspectCommand.run(List.of(f)).files().get(0));

        TensorInfo pos = r.tensors().stream()
                .filter(t -> t.name().equals("model.encoder.embed_positions.weight"))
                .findFirst()
                .orElseThrow();
        // the encoder position table is [max_source_length, d_model] of the fixture's own config
        VisageConfig cfg = VisageConfig.read(Fixtures.file("visage-tiny", "config.json"));
        assertEquals(DType.F32, pos.dtype());
        assertArrayEquals(new long[] {cfg.maxSourceLength(), cfg.dModel()}, pos.shape());
        assertEquals(r.tensors().stream().mapToLong(TensorInfo::numel).sum(), r.parameterCount());
    }
}
