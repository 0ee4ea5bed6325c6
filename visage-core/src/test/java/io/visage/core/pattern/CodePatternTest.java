package io.visage.core.pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.core.model.ModelKind;
import io.visage.core.model.VisageConfig;
import io.visage.nn.ShapeMismatchException;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorSource;
import io.visage.nn.testing.Fixtures;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The code pattern against the reference's own bookkeeping ({@code codes-pattern}): training
 * layout, labels, the generation schedule and de-interleaving with last-frame padding; plus
 * round-trip properties for random lengths and codebook counts.
 */
class CodePatternTest {
    private static final String SET = "codes-pattern";
    private static TensorSource io;
    private static JsonNode config;
    private static JsonNode fixture;

    @BeforeAll
    static void load() throws IOException {
        io = TensorFiles.open(Fixtures.file(SET, "io.safetensors"));
        ObjectMapper json = new ObjectMapper();
        config = json.readTree(Fixtures.file(SET, "config.json").toFile());
        fixture = json.readTree(Fixtures.file(SET, "fixture.json").toFile());
    }

    @AfterAll
    static void close() {
        io.close();
    }

    private static CodePattern pattern() {
        CodePattern p = CodePattern.ambisonics(
                config.get("num_rvq").asInt(), config.get("dac_pad_token_id").asLong());
        assertEquals(config.get("n_codebooks").asInt(), p.codebooks());
        return p;
    }

    @Test
    void trainingLayout_matchesReferenceInterleavingInputsAndLabels() {
        CodePattern p = pattern();
        long[] shape = io.shape("train.codes");
        TokenGrid inter = p.interleave(io.longs("train.codes"), (int) shape[1]);
        assertEquals(TokenGrid.of(io.load("train.interleaved_ids")), inter);
        assertEquals(TokenGrid.of(io.load("train.decoder_input_ids")), p.decoderInputs(inter));
        assertEquals(
                TokenGrid.of(io.load("train.labels")),
                p.labels(inter, config.get("label_pad_token_id").asLong()));
    }

    /**
     * Replays the reference's generation loop with stand-in heads whose n-th evaluation emits the
     * n-th frame's code: exercises the live-head schedule, pad insertion and the inverse.
     */
    private static Object[] replayGeneration(CodePattern p, long[] codesIn, int batch, int frames, int outFrames) {
        int k = p.codebooks();
        int steps = p.rows(frames);
        long[] rows = new long[batch * steps * k];
        Arrays.fill(rows, p.padId());
        int[] emitted = new int[k];
        for (int s = 0; s < steps; s++) {
            for (int head : p.liveHeads(s, frames)) {
                int f = emitted[head]++;
                for (int b = 0; b < batch; b++) {
                    rows[(b * steps + s) * k + head] = codesIn[(b * k + head) * frames + f];
                }
            }
        }
        for (int c = 0; c < k; c++) {
            assertEquals(frames, emitted[c], "codebook " + c + " must be predicted once per frame");
        }
        TokenGrid generated = new TokenGrid(batch, steps, k, rows);
        return new Object[] {generated, p.revert(generated, outFrames)};
    }

    @Test
    void generationBookkeeping_matchesReferenceCodesAndFedBackIds() {
        CodePattern p = pattern();
        long[] shape = io.shape("gen.codes_in");
        int batch = (int) shape[0];
        int frames = (int) shape[2];
        JsonNode gen = fixture.get("generation");
        assertEquals(gen.get("target_len").asInt(), frames);
        for (String prefix : new String[] {"gen_cfg", "gen_dual"}) {
            Object[] r = replayGeneration(
                    p,
                    io.longs("gen.codes_in"),
                    batch,
                    frames,
                    gen.get("output_frames").asInt());
            TokenGrid rows = (TokenGrid) r[0];
            TokenGrid fed = TokenGrid.of(io.load(prefix + ".fed_back_ids"));
            assertEquals(fed, rows.rowRange(0, fed.rows()), prefix + ".fed_back_ids");
            assertEquals(TokenGrid.of(io.load(prefix + ".codes")), r[1], prefix + ".codes");
        }
    }

    @Test
    void liveHeads_areTheReferenceLists() throws IOException {
        // the lists belong to visage-tiny's model: its own config gives the pattern and its frame count
        JsonNode tiny = new ObjectMapper()
                .readTree(Fixtures.file("visage-tiny", "fixture.json").toFile());
        VisageConfig cfg = VisageConfig.read(Fixtures.file("visage-tiny", "config.json"));
        CodePattern p = new CodePattern(ModelKind.AMBISONICS, cfg.numRvq(), cfg.dacPadTokenId());
        int frames = tiny.get("generation_target_len").asInt();
        assertArrayEquals(new int[] {0}, p.liveHeads(0, frames));
        assertArrayEquals(ints(tiny.get("odd_heads")), p.liveHeads(1, frames));
        assertArrayEquals(ints(tiny.get("even_heads")), p.liveHeads(2, frames));
        assertArrayEquals(ints(tiny.get("last_heads")), p.liveHeads(2 * frames, frames));
    }

    private static int[] ints(JsonNode a) {
        int[] v = new int[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).asInt();
        }
        return v;
    }

    @Test
    void buildThenRevert_isIdentityOnLivePositions_forRandomLengthsAndCodebookCounts() {
        Random rng = new Random(5);
        for (int trial = 0; trial < 40; trial++) {
            int numRvq = rng.nextBoolean() ? 9 : 1 + rng.nextInt(12);
            ModelKind kind = rng.nextBoolean() ? ModelKind.AMBISONICS : ModelKind.MONO;
            CodePattern p = new CodePattern(kind, numRvq, 4096);
            int t = 1 + rng.nextInt(30);
            int k = p.codebooks();
            long[] codes = new long[k * t];
            for (int i = 0; i < codes.length; i++) {
                codes[i] = rng.nextInt(4096);
            }
            TokenGrid inter = p.interleave(codes, t);
            assertEquals(p.rows(t), inter.rows());
            TokenGrid back = p.revert(inter, t);
            for (int f = 0; f < t; f++) {
                for (int c = 0; c < k; c++) {
                    assertEquals(
                            codes[c * t + f],
                            back.get(0, f, c),
                            kind + " L=" + numRvq + " T=" + t + " [" + f + "," + c + "]");
                }
            }
            // every cell is either exactly one code or pad, and the schedule lists exactly the code cells
            int live = 0;
            for (int r = 0; r < inter.rows(); r++) {
                TreeSet<Integer> cells = new TreeSet<>();
                for (int c = 0; c < k; c++) {
                    if (inter.get(0, r, c) != p.padId()) {
                        cells.add(c);
                    }
                }
                assertArrayEquals(cells.stream().mapToInt(Integer::intValue).toArray(), p.liveHeads(r, t), "row " + r);
                live += cells.size();
            }
            assertEquals(k * t, live);
            // padding repeats the last frame
            int extra = 1 + rng.nextInt(3);
            TokenGrid padded = p.revert(inter, t + extra);
            for (int c = 0; c < k; c++) {
                assertEquals(codes[c * t + t - 1], padded.get(0, t + extra - 1, c));
            }
        }
    }

    @Test
    void frameOf_invertsRowOf_andIsMinusOneOnPadCells() {
        for (CodePattern p : new CodePattern[] {CodePattern.ambisonics(3, 99), CodePattern.mono(4, 99)}) {
            int t = 7;
            int k = p.codebooks();
            long[] codes = new long[k * t];
            TokenGrid inter = p.interleave(codes, t); // all codes 0, pad 99 elsewhere
            for (int r = 0; r < inter.rows(); r++) {
                for (int c = 0; c < k; c++) {
                    int f = p.frameOf(c, r);
                    if (inter.get(0, r, c) == p.padId()) { // no code of c in row r, or one of a frame >= T
                        assertTrue(f == -1 || f >= t, p.kind() + " pad cell row " + r + " codebook " + c + ": " + f);
                    } else {
                        assertEquals(r, p.rowOf(c, f), p.kind() + " row " + r + " codebook " + c);
                    }
                }
            }
            assertEquals(-1, p.frameOf(0, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> p.frameOf(k, 0));
        }
    }

    @Test
    void revert_wrongRowCount_throwsWithLengths() {
        CodePattern p = CodePattern.ambisonics(9, 1024);
        ShapeMismatchException e =
                assertThrows(ShapeMismatchException.class, () -> p.revert(TokenGrid.filled(1, 10, 36, 1024), 5));
        assertTrue(e.getMessage().contains("10 rows"), e.getMessage());
        ShapeMismatchException w =
                assertThrows(ShapeMismatchException.class, () -> p.revert(TokenGrid.filled(1, 11, 9, 1024), 5));
        assertTrue(w.getMessage().contains("9 codebooks") && w.getMessage().contains("36"), w.getMessage());
    }

    @Test
    void interleave_wrongValueCount_throwsWithShape() {
        CodePattern p = CodePattern.mono(9, 1024);
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> p.interleave(new long[10], 2));
        assertTrue(e.getMessage().contains("[9, T]"), e.getMessage());
    }
}
