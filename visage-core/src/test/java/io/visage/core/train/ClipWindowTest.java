package io.visage.core.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.core.pattern.CodePattern;
import io.visage.core.pattern.TokenGrid;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorSource;
import io.visage.nn.testing.Fixtures;
import java.io.IOException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The evaluation item (cut/pad, interleave, labels) against the reference's {@code preprocess_eval}. */
class ClipWindowTest {

    @Test
    void evalItems_shortAndLong_matchReference() throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode cfg =
                json.readTree(Fixtures.file("codes-pattern", "config.json").toFile());
        JsonNode ds = json.readTree(
                        Fixtures.file("codes-pattern", "fixture.json").toFile())
                .get("dataset");
        ClipWindow w = new ClipWindow(
                ds.get("seconds_to_use").asInt(),
                ds.get("dac_frame_rate").asInt(),
                ds.get("clip_frame_rate").asInt());
        CodePattern p = CodePattern.ambisonics(
                cfg.get("num_rvq").asInt(), cfg.get("dac_pad_token_id").asLong());
        try (TensorSource io = TensorFiles.open(Fixtures.file("codes-pattern", "io.safetensors"))) {
            for (String item : new String[] {"dataset_short", "dataset_long"}) {
                long[] s = io.shape(item + ".dac");
                ClipWindow.Targets t = w.targets(
                        p,
                        io.longs(item + ".dac"),
                        (int) s[1],
                        cfg.get("label_pad_token_id").asLong());
                assertEquals(TokenGrid.of(io.load(item + ".out.decoder_input_ids")), t.decoderInputs(), item);
                assertEquals(TokenGrid.of(io.load(item + ".out.labels")), t.labels(), item);
                for (String feat : new String[] {"clip", "energy"}) {
                    long[] fs = io.shape(item + "." + feat);
                    String out = item + ".out." + (feat.equals("clip") ? "inputs_embeds" : "energy_map");
                    assertArrayEquals(
                            io.floats(out), w.frames(io.floats(item + "." + feat), (int) fs[0], (int) fs[1]), out);
                }
            }
        }
    }
}
