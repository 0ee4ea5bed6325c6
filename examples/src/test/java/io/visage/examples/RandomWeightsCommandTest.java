package io.visage.examples;

import io.visage.audio.dac.Dac;
import io.visage.core.clip.ClipVisionTransformer;
import io.visage.core.clip.ClipWeights;
import io.visage.core.data.TinyDatasets;
import io.visage.core.model.ModelKind;
import io.visage.core.model.Visage;
import io.visage.core.model.VisageConfig;
import io.visage.nn.module.Module;
import io.visage.nn.module.StateDicts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RandomWeightsCommandTest {
    @TempDir
    Path tmp;

    private static int cli(StringWriter out, StringWriter err, String... args) {
        return VisageCli.execute(new PrintWriter(out), new PrintWriter(err), args);
    }

    /** Runs {@code random-weights} into {@code tmp/<dir>}, expecting success; @return its standard output */
    private String write(String network, Path config, long seed, String dir) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(
                0,
                cli(
                        out,
                        err,
                        "random-weights",
                        "--network",
                        network,
                        "--config",
                        config.toString(),
                        "--seed",
                        Long.toString(seed),
                        "--out",
                        tmp.resolve(dir).toString()),
                err.toString());
        return out.toString();
    }

    private static void assertSameTensors(Module expected, Module loaded) {
        Map<String, INDArray> a = StateDicts.arrays(expected.stateDict());
        Map<String, INDArray> b = StateDicts.arrays(loaded.stateDict());
        assertEquals(a.keySet(), b.keySet());
        a.forEach((k, v) -> assertEquals(v, b.get(k), k));
    }

    @Test
    void clip_writesWhatTheClipLoaderReads_sameSeedSameBytes() throws Exception {
        Path cfg = TinyDatasets.writeClipConfig(tmp.resolve("clip.json"));
        String outA = write("clip", cfg, 5, "a");
        assertTrue(outA.contains("clip.safetensors"), outA);
        write("CLIP", cfg, 5, "b");
        write("clip", cfg, 6, "c");

        byte[] a = Files.readAllBytes(tmp.resolve("a/clip.safetensors"));
        assertArrayEquals(a, Files.readAllBytes(tmp.resolve("b/clip.safetensors")));
        assertNotEquals(
                java.util.Arrays.hashCode(a),
                java.util.Arrays.hashCode(Files.readAllBytes(tmp.resolve("c/clip.safetensors"))));

        ClipVisionTransformer loaded = ClipWeights.load(tmp.resolve("a"));
        assertEquals(TinyDatasets.CLIP, loaded.config());
        ClipVisionTransformer expected;
        try (io.visage.nn.module.RandomParams p = new io.visage.nn.module.RandomParams(5)) {
            expected = ClipVisionTransformer.create(p, "", TinyDatasets.CLIP);
        }
        assertSameTensors(expected, loaded);
    }

    @Test
    void codecAndVisage_loadBackWithTheirOwnLoaders() throws Exception {
        Path codecCfg = TinyDatasets.writeCodecConfig(tmp.resolve("codec.json"), 2, 16);
        write("codec", codecCfg, 3, "dac");
        Dac dac = Dac.load(tmp.resolve("dac/weights.safetensors"));
        assertEquals(TinyDatasets.codecConfig(2, 16), dac.config());
        assertSameTensors(Dac.random(TinyDatasets.codecConfig(2, 16), 3), dac);

        VisageConfig vc = VisageConfig.builder()
                .dModel(16)
                .encoderLayers(1)
                .decoderLayers(1)
                .encoderAttentionHeads(2)
                .decoderAttentionHeads(2)
                .encoderFfnDim(32)
                .decoderFfnDim(32)
                .dClip(8)
                .numRvq(2)
                .dacVocabSize(16)
                .dacPadTokenId(16)
                .maxSourceLength(20)
                .build();
        Path visageCfg = tmp.resolve("visage.json");
        Files.writeString(visageCfg, vc.toJson().toPrettyString());
        write("visage", visageCfg, 4, "m");
        Visage m = Visage.loadPretrained(tmp.resolve("m"), ModelKind.AMBISONICS);
        assertEquals(vc, m.config());
        assertSameTensors(Visage.random(vc, ModelKind.AMBISONICS, 4, org.nd4j.linalg.api.buffer.DataType.FLOAT), m);
    }

    @Test
    void badArguments_oneLineEach() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(
                2, cli(out, err, "random-weights", "--network", "bert", "--config", "x.json", "--out", tmp.toString()));
        assertTrue(err.toString().contains("'bert' is not a network"), err.toString());
        StringWriter err2 = new StringWriter();
        assertEquals(
                1,
                cli(
                        out,
                        err2,
                        "random-weights",
                        "--network",
                        "clip",
                        "--config",
                        tmp.resolve("missing.json").toString(),
                        "--out",
                        tmp.resolve("o").toString()));
        assertTrue(err2.toString().contains("missing.json: config file not found"), err2.toString());
    }
}
