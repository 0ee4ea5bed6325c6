package io.visage.core.pipeline;

import io.visage.core.generate.GenerationProgress;
import io.visage.core.generate.Sampler;
import io.visage.core.model.ModelKind;
import io.visage.core.model.Visage;
import io.visage.core.model.VisageConfig;
import io.visage.core.pattern.TokenGrid;
import io.visage.nn.ShapeMismatchException;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorSource;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one-clip API reproduces the reference's greedy generate_cfg codes and hands them to the audio decoder. */
class VisagePipelineTest {

    @Test
    void codes_ofOneClip_equalReferenceGreedyCfg_andReachTheDecoder() {
        VisageConfig cfg = VisageConfig.read(Fixtures.file("visage-tiny", "config.json"));
        Visage m = Visage.load(
                Fixtures.file("visage-tiny", "weights.safetensors"), cfg, ModelKind.AMBISONICS, DataType.FLOAT);
        try (TensorSource io = TensorFiles.open(Fixtures.file("visage-tiny", "io.safetensors"));
                Parallelism par = new Parallelism(2)) {
            VisagePipeline p = new VisagePipeline(m, par);
            INDArray clip = io.load("gen.clip_features").slice(0);
            INDArray energy = io.load("gen.energy_map").slice(0);
            INDArray dir = io.load("gen.direction").slice(0);
            double g = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(Fixtures.file("visage-tiny", "fixture.json").toFile())
                    .get("guidance_scale")
                    .asDouble();
            TokenGrid[] seen = new TokenGrid[1];
            float[][] audio = p.audio(
                    clip,
                    energy,
                    dir,
                    new io.visage.core.generate.Guidance.Single(g),
                    new Sampler.Greedy(),
                    GenerationProgress.NONE,
                    codes -> {
                        seen[0] = codes;
                        return new float[4][codes.rows()];
                    });
            assertEquals(TokenGrid.of(io.load("gen_cfg.codes")), seen[0]);
            assertEquals(4, audio.length);
            INDArray kt = VisagePipeline.codebookMajor(seen[0]);
            assertArrayEquals(new long[] {m.codebooks(), seen[0].rows()}, kt.shape());
            assertEquals(seen[0].get(0, 1, 5), kt.getLong(5, 1));
            ShapeMismatchException e = assertThrows(
                    ShapeMismatchException.class,
                    () -> p.codes(
                            clip,
                            energy.reshape(energy.length()),
                            dir,
                            p.defaultGuidance(),
                            new Sampler.Greedy(),
                            GenerationProgress.NONE));
            assertTrue(e.getMessage().contains("energy maps"), e.getMessage());
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
