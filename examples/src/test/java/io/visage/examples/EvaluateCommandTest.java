package io.visage.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.audio.io.AudioBuffer;
import io.visage.audio.io.SampleFormat;
import io.visage.audio.io.Wav;
import io.visage.eval.report.SpatialReport;
import io.visage.eval.spatial.SphericalHarmonicDecoder;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorSource;
import io.visage.nn.testing.Fixtures;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvaluateCommandTest {
    private static float[][] channelsFirst(TensorSource s, String name) {
        long[] shape = s.shape(name);
        float[] flat = s.floats(name);
        float[][] out = new float[(int) shape[0]][(int) shape[1]];
        for (int c = 0; c < out.length; c++) {
            System.arraycopy(flat, c * out[c].length, out[c], 0, out[c].length);
        }
        return out;
    }

    @Test
    void run_fixtureClip_writesReportWithFixtureScoresAndPanel(@TempDir Path tmp) throws IOException {
        JsonNode fx = new ObjectMapper()
                .readTree(Fixtures.file("foa-metrics", "fixture.json").toFile());
        int sr = fx.get("gt_sample_rate").asInt();
        Path gt = Files.createDirectories(tmp.resolve("gt"));
        Path gen = Files.createDirectories(tmp.resolve("gen"));
        double[] expected;
        try (TensorSource s = TensorFiles.open(Fixtures.file("foa-metrics", "io.safetensors"))) {
            Wav.write(gt.resolve("c.wav"), new AudioBuffer(sr, channelsFirst(s, "gt.audio")), SampleFormat.FLOAT_32);
            Wav.write(gen.resolve("c.wav"), new AudioBuffer(sr, channelsFirst(s, "eval.audio")), SampleFormat.FLOAT_32);
            expected = s.doubles("eval.scores");
        }
        Path dirs = tmp.resolve("dirs.json");
        Files.writeString(dirs, "{\"c\": [40, 60]}");
        StringWriter progress = new StringWriter();
        SpatialReport r = EvaluateCommand.run(
                new EvaluateCommand.Options(
                        gen,
                        gt,
                        tmp.resolve("out/report.json"),
                        tmp.resolve("img"),
                        dirs,
                        0,
                        SphericalHarmonicDecoder.REFERENCE_SQRT2,
                        sr),
                new PrintWriter(progress));
        double[] v = r.clips().get(0).values();
        for (int k = 0; k < v.length; k++) {
            assertEquals(expected[k], v[k], 1e-4, SpatialReport.KEYS.get(k));
        }
        JsonNode j = new ObjectMapper().readTree(tmp.resolve("out/report.json").toFile());
        assertEquals(SpatialReport.KEYS.size(), j.get("result").size());
        assertTrue(progress.toString().contains("1/1"), progress.toString());
        assertTrue(ImageIO.read(tmp.resolve("img/c.png").toFile()).getHeight() > 0);
    }

    @Test
    void cli_wrongSampleRate_exitsOneNamingFile(@TempDir Path tmp) throws IOException {
        Path gen = Files.createDirectories(tmp.resolve("gen"));
        Wav.write(gen.resolve("x.wav"), new AudioBuffer(48_000, new float[4][480]), SampleFormat.PCM_16);
        StringWriter err = new StringWriter();
        int status = VisageCli.execute(
                new PrintWriter(new StringWriter()),
                new PrintWriter(err),
                "evaluate",
                "--generated",
                gen.toString(),
                "--ground-truth",
                gen.toString(),
                "--out",
                tmp.resolve("r.json").toString());
        assertEquals(1, status);
        assertTrue(err.toString().contains("x.wav") && err.toString().contains("48000 Hz"), err.toString());
    }

    /** The folders and networks of the {@code semantic-eval} fixture as {@code evaluate} options. */
    static String[] semanticFixtureArgs() {
        Path set = Fixtures.set("semantic-eval");
        Path v = Fixtures.set("vggish-tiny");
        Path p = Fixtures.set("passt-tiny");
        return new String[] {
            "--generated",
            set.resolve("generated").toString(),
            "--ground-truth",
            set.resolve("groundtruth").toString(),
            "--directions",
            set.resolve("ambi.json").toString(),
            "--vggish",
            v.resolve("weights.legacy.pt").toString(), // the pre-1.6 layout of older releases
            "--vggish-config",
            v.resolve("config.json").toString(),
            "--passt",
            p.resolve("weights.pt").toString(),
            "--passt-config",
            p.resolve("config.json").toString()
        };
    }

    @Test
    void cli_semanticOnFixtureFolders_writesReferenceValues(@TempDir Path tmp) throws IOException {
        Path set = Fixtures.set("semantic-eval");
        Path v = Fixtures.set("vggish-tiny");
        Path p = Fixtures.set("passt-tiny");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path report = tmp.resolve("report.json");
        List<String> args = new ArrayList<>(List.of("evaluate", "--semantic-only"));
        args.addAll(List.of(semanticFixtureArgs()));
        args.addAll(List.of("--out", report.toString()));
        int status = VisageCli.execute(new PrintWriter(out), new PrintWriter(err), args.toArray(new String[0]));
        assertEquals(0, status, err.toString());
        JsonNode expected =
                new ObjectMapper().readTree(set.resolve("result.json").toFile());
        JsonNode sem = new ObjectMapper().readTree(report.toFile()).get("semantic");
        double fadDec = expected.get("monodecode").get("fad").asDouble();
        assertEquals(fadDec, sem.get("paper").get("FAD_dec").asDouble(), 1e-3 * fadDec + 1e-3);
        assertEquals(
                expected.get("monodecode").get("kld").asDouble(),
                sem.get("paper").get("KLD_dec").asDouble(),
                2e-4);
        double fadAvg = expected.get("fad_mean").asDouble();
        assertEquals(fadAvg, sem.get("paper").get("FAD_avg").asDouble(), 1e-3 * fadAvg + 1e-3);
        assertTrue(out.toString().contains("FAD_dec"), out.toString());
        assertTrue(err.toString().contains("semantic"), "progress bar: " + err);
    }

    @Test
    void cli_semanticWithoutWeights_namesTheMissingFileAndItsSource(@TempDir Path tmp) throws IOException {
        Path gen = Files.createDirectories(tmp.resolve("gen"));
        Wav.write(gen.resolve("x.wav"), new AudioBuffer(16_000, new float[4][16_000]), SampleFormat.PCM_16);
        for (String[] args :
                new String[][] {{}, {"--vggish", tmp.resolve("nope.pth").toString()}}) {
            StringWriter err = new StringWriter();
            String[] base = {
                "evaluate",
                "--semantic",
                "--generated",
                gen.toString(),
                "--ground-truth",
                gen.toString(),
                "--out",
                tmp.resolve("r.json").toString()
            };
            String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(args))
                    .toArray(String[]::new);
            int status = VisageCli.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), all);
            assertEquals(1, status);
            String e = err.toString();
            assertTrue(e.contains("vggish-10086976.pth") && e.contains("github.com/harritaylor/torchvggish"), e);
            assertTrue(args.length == 0 ? e.contains("needs --vggish") : e.contains("nope.pth: no such file"), e);
            assertTrue(!Files.exists(tmp.resolve("r.json")), "nothing written");
        }
    }
}
