package io.visage.core.pipeline;

import io.visage.core.model.VisageConfig;
import io.visage.nn.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Window starts, prompts, audio offsets, lengths and joins of long videos. */
class WindowPlanTest {
    private static final VisageConfig RELEASED = VisageConfig.released();

    /** The released config's numbers worked by hand: 20 s (80 frames), overlap 1 s (4 frames). */
    @Test
    void twentySeconds_overlapOneSecond_byHand() {
        WindowPlan p = WindowPlan.of(RELEASED, 80, 1.0);
        List<WindowPlan.Window> w = p.windows();
        assertEquals(5, w.size());
        int[] starts = {0, 16, 32, 48, 64};
        for (int i = 0; i < 5; i++) {
            assertEquals(starts[i], w.get(i).startFrame());
            assertEquals(Math.min(80, starts[i] + 20), w.get(i).endFrame());
        }
        // 11,025 samples per CLIP frame, 512 per codec frame; window 1 would start at 16·11025 =
        // 176,400 = 344.53 frames of window 0 -> frame 345 (176,640), prompt [345, 430) = 85 frames
        assertEquals(176_640, w.get(1).audioOffset());
        assertEquals(345, w.get(1).promptFrom());
        assertEquals(85, w.get(1).promptFrames());
        // window 2: (352,800 - 176,640) / 512 = 344.06 -> 345 (353,280); window 3: 343.59 -> 344 (529,408)
        assertEquals(353_280, w.get(2).audioOffset());
        assertEquals(344, w.get(3).promptFrom());
        assertEquals(86, w.get(3).promptFrames());
        assertEquals(529_408, w.get(3).audioOffset());
        // the last window: 16 frames, int(4 s · 86) = 344 generated, ceil(176,400 / 512) = 345 decoded
        assertEquals(344, w.get(4).generatedFrames());
        assertEquals(345, w.get(4).outputFrames());
        // 20 s up to the last window's start (705,600) + its 345-frame decode
        assertEquals(64 * 11_025 + 345 * 512, p.totalSamples());
        assertEquals(4L * 861 + 689, p.decoderSteps());
    }

    @Test
    void withoutOverlap_windowsAreTheOldIndependentOnes() {
        WindowPlan p = WindowPlan.of(RELEASED, 80, 0.0);
        assertEquals(4, p.windows().size());
        long expected = 0;
        for (WindowPlan.Window w : p.windows()) {
            assertEquals(20 * w.index(), w.startFrame());
            assertEquals(0, w.promptFrames());
            assertEquals(expected, w.audioOffset());
            expected += 20 * 11_025; // each window cut to its exact 5 s
        }
        assertEquals(60 * 11_025 + 431 * 512, p.totalSamples());
        assertEquals(0, p.joinRegion(1)[1] - p.joinRegion(1)[0]);
    }

    /** Invariants for every length up to 100 frames and every overlap, released and a 16-kHz config. */
    @Test
    void startsLengthsPromptsAndOffsets_holdForManyLengthsAndOverlaps() {
        VisageConfig small = VisageConfig.builder()
                .maxSourceLength(6)
                .dacSampleRate(16000)
                .maxTargetLength(400)
                .build();
        for (VisageConfig cfg : List.of(RELEASED, small)) {
            int window = cfg.maxSourceLength();
            int fps = cfg.clipFrameRate();
            long rate = cfg.dacSampleRate();
            int h = cfg.dacDownsampleRate();
            for (int o = 0; o < window; o++) {
                for (int f = 1; f <= 100; f++) {
                    String at = "W=" + window + " O=" + o + " F=" + f;
                    WindowPlan p = WindowPlan.ofFrames(cfg, f, o);
                    List<WindowPlan.Window> w = p.windows();
                    int hopFrames = window - o;
                    int count = f <= window ? 1 : 1 + (f - window + hopFrames - 1) / hopFrames;
                    assertEquals(count, w.size(), at);
                    for (int i = 0; i < w.size(); i++) {
                        WindowPlan.Window x = w.get(i);
                        assertEquals(i * hopFrames, x.startFrame(), at + " start " + i);
                        assertEquals(i == w.size() - 1 ? f : x.startFrame() + window, x.endFrame(), at);
                        assertEquals(cfg.targetFrames(x.frames()), x.generatedFrames(), at);
                        assertEquals(cfg.outputFrames(x.frames()), x.outputFrames(), at);
                        long video = x.startFrame() * rate / fps;
                        if (i == 0 || o == 0) {
                            assertEquals(0, x.promptFrames(), at);
                            assertEquals(video, x.audioOffset(), at);
                        } else {
                            WindowPlan.Window prev = w.get(i - 1);
                            assertTrue(x.frames() > o, at + ": the last window is longer than the overlap");
                            // on the previous window's codec grid, less than one frame after the video
                            assertEquals(prev.audioOffset() + (long) x.promptFrom() * h, x.audioOffset(), at);
                            assertTrue(x.audioOffset() >= video && x.audioOffset() - video < h, at + " lag");
                            assertEquals(prev.generatedFrames(), x.promptFrom() + x.promptFrames(), at);
                            // the prompt covers the overlap to within one codec frame at each end
                            double nominal = (double) o * rate / fps / h;
                            assertTrue(Math.abs(x.promptFrames() - nominal) < 2, at + " prompt " + x.promptFrames());
                            assertTrue(x.promptFrames() >= 1 && x.promptFrames() < x.generatedFrames(), at);
                        }
                    }
                    WindowPlan.Window last = w.get(w.size() - 1);
                    assertEquals(last.startFrame() * rate / fps + (long) last.outputFrames() * h, p.totalSamples(), at);
                    assertEquals(last.audioOffset() + last.audioLength(), p.totalSamples(), at);
                }
            }
        }
    }

    @Test
    void badOverlaps_areRejectedWithTheFix() {
        ConfigException frac = assertThrows(ConfigException.class, () -> WindowPlan.of(RELEASED, 80, 0.3));
        assertTrue(frac.getMessage().contains("multiple of 1/4 s"), frac.getMessage());
        assertTrue(frac.getMessage().contains("0.25 or 0.5"), frac.getMessage());
        ConfigException hop = assertThrows(ConfigException.class, () -> WindowPlan.of(RELEASED, 80, 5.0));
        assertTrue(hop.getMessage().contains("leaves no hop"), hop.getMessage());
        assertTrue(hop.getMessage().contains("less than 5.0 s"), hop.getMessage());
        assertThrows(ConfigException.class, () -> WindowPlan.of(RELEASED, 80, 7.5));
        ConfigException neg = assertThrows(ConfigException.class, () -> WindowPlan.of(RELEASED, 80, -1));
        assertTrue(neg.getMessage().contains("non-negative"), neg.getMessage());
        assertThrows(ConfigException.class, () -> WindowPlan.of(RELEASED, 80, Double.NaN));
        assertThrows(ConfigException.class, () -> WindowPlan.ofFrames(RELEASED, 80, 20));
        assertThrows(IllegalArgumentException.class, () -> WindowPlan.of(RELEASED, 0, 1.0));
        assertEquals(19, WindowPlan.overlapFrames(RELEASED, 4.75));
        assertEquals(0, WindowPlan.overlapFrames(RELEASED, 0));
    }

    /** Decodes that are slices of one signal at the plan's offsets join back into that signal. */
    @Test
    void join_ofAlignedSlicesOfOneSignal_isThatSignal_forBothJoins() {
        Random rng = new Random(3);
        for (int o : new int[] {0, 1, 4, 13}) {
            WindowPlan p = WindowPlan.ofFrames(RELEASED, 53, o);
            int n = Math.toIntExact(p.totalSamples());
            float[][] signal = new float[2][n + 1024];
            for (float[] ch : signal) {
                for (int i = 0; i < ch.length; i++) {
                    ch[i] = (float) rng.nextGaussian();
                }
            }
            List<float[][]> decoded = new ArrayList<>();
            for (WindowPlan.Window w : p.windows()) {
                int len = w.outputFrames() * p.hop();
                float[][] d = new float[2][len];
                for (int c = 0; c < 2; c++) {
                    System.arraycopy(signal[c], (int) w.audioOffset(), d[c], 0, len);
                }
                decoded.add(d);
            }
            for (WindowPlan.Join j : WindowPlan.Join.values()) {
                float[][] out = p.join(decoded, j);
                for (int c = 0; c < 2; c++) {
                    assertEquals(n, out[c].length, "O=" + o + " " + j);
                    for (int i = 0; i < n; i++) {
                        assertEquals(signal[c][i], out[c][i], 1e-6f, "O=" + o + " " + j + " sample " + i);
                    }
                }
            }
        }
    }

    /** Two different signals: where each join takes which, and the linear fade's gains. */
    @Test
    void join_crossfadesLinearlyOrCutsMidPrompt_betweenDifferentSignals() {
        WindowPlan p = WindowPlan.ofFrames(RELEASED, 30, 4); // two windows: [0, 20), [16, 30)
        assertEquals(2, p.windows().size());
        WindowPlan.Window w1 = p.windows().get(1);
        List<float[][]> decoded = List.of(
                constant(p.windows().get(0).outputFrames() * p.hop(), 1f), constant(w1.outputFrames() * p.hop(), 3f));
        long[] region = p.joinRegion(1);
        int from = (int) region[0];
        int to = (int) region[1];
        assertEquals(w1.promptFrames() * p.hop(), to - from);

        float[] fade = p.join(decoded, WindowPlan.Join.CROSSFADE)[0];
        assertEquals(1f, fade[from - 1]);
        assertEquals(3f, fade[to]);
        for (int i = from; i < to; i++) {
            float g = (i - from + 0.5f) / (to - from);
            assertEquals(1f + 2f * g, fade[i], 1e-5f, "sample " + i);
        }
        float[] cut = p.join(decoded, WindowPlan.Join.CUT)[0];
        int at = from + (w1.promptFrames() / 2) * p.hop();
        assertEquals(1f, cut[at - 1]);
        assertEquals(3f, cut[at]);
        assertEquals(1f, cut[from]);
        assertEquals(3f, cut[cut.length - 1]);
    }

    @Test
    void join_ofOneWindow_isItsDecode() {
        WindowPlan p = WindowPlan.of(RELEASED, 20, 1.0);
        assertEquals(1, p.windows().size());
        float[][] d = constant(431 * 512, 2f);
        float[][] out = p.join(List.<float[][]>of(d), WindowPlan.Join.CROSSFADE);
        assertSame(d[0], out[0]);
        assertArrayEquals(
                new long[] {0, 431 * 512}, new long[] {p.windows().get(0).audioOffset(), p.totalSamples()});
    }

    private static float[][] constant(int n, float v) {
        float[][] a = new float[1][n];
        java.util.Arrays.fill(a[0], v);
        return a;
    }
}
