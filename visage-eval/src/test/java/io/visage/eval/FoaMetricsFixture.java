package io.visage.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.eval.spatial.SphereGrid;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorSource;
import io.visage.nn.testing.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Read access to the {@code foa-metrics} fixture set (sizes always from the files). */
public final class FoaMetricsFixture implements AutoCloseable {
    public static final String SET = "foa-metrics";
    public final TensorSource io;
    public final JsonNode config;
    public final JsonNode fixture;

    public FoaMetricsFixture() {
        io = TensorFiles.open(Fixtures.file(SET, "io.safetensors"));
        config = json("config.json");
        fixture = json("fixture.json");
    }

    private static JsonNode json(String name) {
        try {
            return new ObjectMapper().readTree(Fixtures.file(SET, name).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The grid the fixture was made with (config.json angular_res_deg). */
    public SphereGrid grid() {
        return new SphereGrid(config.get("angular_res_deg").asDouble());
    }

    /** Case names that have an energy map ("random", "plane1", ...), in file order. */
    public List<String> mapCases() {
        List<String> out = new ArrayList<>();
        io.tensors().forEach(t -> {
            if (t.name().endsWith(".energy_map")) {
                out.add(t.name().substring(0, t.name().length() - ".energy_map".length()));
            }
        });
        return out;
    }

    /**
     * A time-major audio tensor [1, T, C] or channels-first [C, T] as channels-first [C][T].
     */
    public float[][] audio(String name, boolean timeMajor) {
        long[] shape = io.shape(name);
        float[] flat = io.floats(name);
        if (timeMajor) {
            int t = (int) shape[shape.length - 2];
            int c = (int) shape[shape.length - 1];
            float[][] out = new float[c][t];
            for (int n = 0; n < t; n++) {
                for (int ch = 0; ch < c; ch++) {
                    out[ch][n] = flat[n * c + ch];
                }
            }
            return out;
        }
        int c = (int) shape[0];
        int t = (int) shape[1];
        float[][] out = new float[c][t];
        for (int ch = 0; ch < c; ch++) {
            System.arraycopy(flat, ch * t, out[ch], 0, t);
        }
        return out;
    }

    /** Row {@code r} of a 2-D float64 tensor. */
    public double[] row(String name, int r) {
        long[] shape = io.shape(name);
        int w = (int) shape[1];
        double[] all = io.doubles(name);
        double[] out = new double[w];
        System.arraycopy(all, r * w, out, 0, w);
        return out;
    }

    @Override
    public void close() {
        io.close();
    }
}
