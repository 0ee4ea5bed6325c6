package io.visage.core.scene;

import java.util.List;

/**
 * The four kinds of object in a synthetic scene: each has a look (a colour and a {@link Shape}) and a
 * sound.
 *
 * <p>Every sound is built from 20 ms blocks: its tones are sums of sines at multiples of 50 Hz that
 * start at phase 0 at t = 0, and it switches (on/off, or between tones) only at multiples of 20 ms.
 * The reason is the codec the project trains on these scenes: it runs at 16 kHz with a hop of 320
 * samples (50 frames per second), so every codec frame of a steady sound sees exactly the same
 * waveform. That keeps the small codec and the small ViSAGe model learnable, and keeps the four FOA
 * channels (the same waveform times four gains) coherent after each channel is coded on its own.
 * Sounds are peak-normalised to amplitude 1; gates are hard (a tone starts and ends on a block
 * boundary, where every partial is at phase 0).
 */
public enum SoundClass {
    /** A red disc that beeps: 500 Hz sine, 0.2 s on / 0.2 s off. */
    RED_BALL(
            new int[] {220, 40, 40},
            Shape.DISC,
            "beeps: 500 Hz sine, 0.2 s on / 0.2 s off",
            new Phase(Tone.sine(500), 10),
            new Phase(null, 10)),
    /** A blue square that hums: 150 + 300 + 450 Hz (amplitudes 1, 0.5, 0.25), continuous. */
    BLUE_BOX(
            new int[] {40, 70, 220},
            Shape.SQUARE,
            "hums: 150 + 300 + 450 Hz (1, 0.5, 0.25), continuous",
            new Phase(new Tone(new int[] {150, 300, 450}, new double[] {1, 0.5, 0.25}), 1)),
    /** A green triangle that buzzes: band-limited 250 Hz square wave (odd harmonics below 4 kHz), 0.3 s on / 0.1 s off. */
    GREEN_TRIANGLE(
            new int[] {40, 190, 60},
            Shape.TRIANGLE,
            "buzzes: 250 Hz square wave (odd harmonics below 4 kHz), 0.3 s on / 0.1 s off",
            new Phase(Tone.square(250, 4000), 15),
            new Phase(null, 5)),
    /** A yellow diamond that wails: a two-tone siren, 800 Hz and 1000 Hz sines alternating every 0.24 s. */
    YELLOW_STAR(
            new int[] {240, 210, 30},
            Shape.DIAMOND,
            "siren: 800 Hz / 1000 Hz sines alternating every 0.24 s",
            new Phase(Tone.sine(800), 12),
            new Phase(Tone.sine(1000), 12));

    /** One segment of a sound's cycle: a tone (null = silence) held for a number of 20 ms blocks. */
    private record Phase(Tone tone, int blocks) {}

    private final int[] rgb;
    private final Shape shape;
    private final String description;
    private final List<Phase> cycle;
    private final int cycleBlocks;

    SoundClass(int[] rgb, Shape shape, String description, Phase... cycle) {
        this.rgb = rgb;
        this.shape = shape;
        this.description = description;
        this.cycle = List.of(cycle);
        int n = 0;
        for (Phase p : cycle) {
            n += p.blocks();
        }
        this.cycleBlocks = n;
    }

    /** The object's colour, {R, G, B} in 0..255 (a copy). */
    public int[] rgb() {
        return rgb.clone();
    }

    /** The object's outline. */
    public Shape shape() {
        return shape;
    }

    /** What the sound is, for people (e.g. {@code "beeps: 500 Hz sine, 0.2 s on / 0.2 s off"}). */
    public String description() {
        return description;
    }

    /** Length of the sound's repeating cycle in 20 ms blocks (1 for a continuous sound). */
    public int cycleBlocks() {
        return cycleBlocks;
    }

    /**
     * The mono sound from t = 0, peak amplitude 1 (every tone reaches ±1 within each of its blocks).
     *
     * @param sampleRateHz a multiple of 50 Hz, above twice the highest partial (8000 Hz suffices)
     * @param samples      length N ≥ 0
     * @return [N]; sample n belongs to block n / (rate / 50)
     */
    public float[] sound(int sampleRateHz, int samples) {
        if (sampleRateHz <= 0 || sampleRateHz % SceneConfig.CODEC_FRAMES_PER_SECOND != 0) {
            throw new IllegalArgumentException(
                    "sound sample rate must be a positive multiple of 50 Hz but was " + sampleRateHz);
        }
        if (samples < 0) {
            throw new IllegalArgumentException("sound length must be >= 0 samples but was " + samples);
        }
        int block = sampleRateHz / SceneConfig.CODEC_FRAMES_PER_SECOND;
        float[][] periods = new float[cycle.size()][];
        int[] phaseOfBlock = new int[cycleBlocks];
        int at = 0;
        for (int i = 0; i < cycle.size(); i++) {
            Phase p = cycle.get(i);
            periods[i] = new float[block];
            if (p.tone() != null) {
                double[] x = p.tone().period(sampleRateHz);
                for (int m = 0; m < block; m++) {
                    periods[i][m] = (float) x[m];
                }
            }
            for (int b = 0; b < p.blocks(); b++) {
                phaseOfBlock[at++] = i;
            }
        }
        float[] out = new float[samples];
        for (int start = 0, b = 0; start < samples; start += block, b++) {
            float[] src = periods[phaseOfBlock[b % cycleBlocks]];
            System.arraycopy(src, 0, out, start, Math.min(block, samples - start));
        }
        return out;
    }
}
