package io.visage.core.pattern;

import io.visage.core.model.ModelKind;
import io.visage.nn.ShapeMismatchException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The reference's interleaving of DAC code streams into decoder rows (SPEC §2.2–§2.5), as data.
 * Every codebook {@code c} of frame {@code f} lives in exactly one row, {@link #rowOf}; all other
 * cells hold the pad id. With L = {@code num_rvq} levels per channel:
 * <ul>
 *   <li>ambisonics (K = 4L, 2T + 1 rows): codebook 0 (W primary) at row 2f; W residuals 1..L−1
 *       and the primaries L, 2L, 3L of Y, Z, X at row 2f + 1; all other codebooks at row 2f + 2;</li>
 *   <li>mono (K = L, 2T rows): codebook 0 at row 2f, residuals at row 2f + 1.</li>
 * </ul>
 * The generation schedule follows from the layout: at step r the live heads are the codebooks
 * that have a cell in row r, in ascending order. Decoder position r (0 = bos) predicts row r.
 *
 * @param kind   the layout family
 * @param numRvq residual levels per channel, L ≥ 1
 * @param padId  the pad id written into cells without a code
 */
public record CodePattern(ModelKind kind, int numRvq, long padId) {
    public CodePattern {
        if (kind == null || numRvq < 1) {
            throw new IllegalArgumentException(
                    "CodePattern needs a kind and num_rvq >= 1, got " + kind + ", " + numRvq);
        }
    }

    /** The ambisonics layout with the label value −100 for pads in {@link #labels}. */
    public static CodePattern ambisonics(int numRvq, long padId) {
        return new CodePattern(ModelKind.AMBISONICS, numRvq, padId);
    }

    public static CodePattern mono(int numRvq, long padId) {
        return new CodePattern(ModelKind.MONO, numRvq, padId);
    }

    /** Codebooks K. */
    public int codebooks() {
        return kind.channels() * numRvq;
    }

    /** Interleaved rows for T frames: 2T + 1 (ambisonics) or 2T (mono); also the generation step count. */
    public int rows(int frames) {
        return kind == ModelKind.AMBISONICS ? 2 * frames + 1 : 2 * frames;
    }

    /** Frames T of an interleaved grid of {@code rows} rows (inverse of {@link #rows}). */
    public int frames(int rows) {
        int t = kind == ModelKind.AMBISONICS ? (rows - 1) / 2 : rows / 2;
        if (t < 0 || rows(t) != rows) {
            throw new ShapeMismatchException(rows + " rows is not a valid " + kind + " interleaved length (2T"
                    + (kind == ModelKind.AMBISONICS ? " + 1" : "") + ")");
        }
        return t;
    }

    /** The row holding codebook {@code c} of frame {@code f}. */
    public int rowOf(int codebook, int frame) {
        if (codebook < 0 || codebook >= codebooks()) {
            throw new IndexOutOfBoundsException("codebook " + codebook + " outside [0, " + codebooks() + ")");
        }
        if (codebook == 0) {
            return 2 * frame;
        }
        if (codebook < numRvq || codebook % numRvq == 0) {
            return 2 * frame + 1;
        }
        return 2 * frame + 2;
    }

    /**
     * Inverse of {@link #rowOf}: the frame whose codebook {@code c} lives in row {@code row}, or −1
     * when that cell of the row holds no code of {@code c} (a pad cell). Frames are not bounded
     * above: the caller compares with its clip's frame count.
     */
    public int frameOf(int codebook, int row) {
        int f = row - phase(codebook);
        return f >= 0 && f % 2 == 0 ? f / 2 : -1;
    }

    /** The offset of {@code c}'s row within a frame's pair of rows: 0, 1 or 2. */
    private int phase(int codebook) {
        return rowOf(codebook, 0);
    }

    /**
     * Codebooks predicted at generation step {@code step} of a clip of {@code frames} frames, in
     * ascending order (the reference's head lists: [0] at step 0, {@code odd_heads} at odd steps,
     * {@code even_heads} at even steps, {@code last_heads} at the final ambisonics step).
     */
    public int[] liveHeads(int step, int frames) {
        if (step < 0 || step >= rows(frames)) {
            throw new IndexOutOfBoundsException(
                    "step " + step + " outside [0, " + rows(frames) + ") for " + frames + " frames");
        }
        List<Integer> live = new ArrayList<>();
        for (int c = 0; c < codebooks(); c++) {
            int f = frameOf(c, step);
            if (f >= 0 && f < frames) {
                live.add(c);
            }
        }
        return live.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * {@code prepare_dac}: interleaves one clip's codes.
     *
     * @param codes [K, T] codebook-major (as stored on disk), values are codes or the pad id
     * @return [1, rows(T), K]
     */
    public TokenGrid interleave(long[] codes, int frames) {
        int k = codebooks();
        if (frames < 0 || codes.length != (long) k * frames) {
            throw new ShapeMismatchException(
                    "codes must be [" + k + ", T] codebook-major; got " + codes.length + " values for T = " + frames);
        }
        int rows = rows(frames);
        long[] out = new long[rows * k];
        Arrays.fill(out, padId);
        for (int c = 0; c < k; c++) {
            for (int f = 0; f < frames; f++) {
                out[rowOf(c, f) * k + c] = codes[c * frames + f];
            }
        }
        return new TokenGrid(1, rows, k, out);
    }

    /** Decoder inputs = interleaved rows without the last one: [B, R − 1, K]. */
    public TokenGrid decoderInputs(TokenGrid interleaved) {
        checkWidth(interleaved);
        return interleaved.rowRange(0, interleaved.rows() - 1);
    }

    /** Labels = interleaved rows with every pad replaced by {@code ignoreIndex} (−100 in the reference). */
    public TokenGrid labels(TokenGrid interleaved, long ignoreIndex) {
        checkWidth(interleaved);
        long[] v = interleaved.values();
        for (int i = 0; i < v.length; i++) {
            if (v[i] == padId) {
                v[i] = ignoreIndex;
            }
        }
        return new TokenGrid(interleaved.batch(), interleaved.rows(), interleaved.codebooks(), v);
    }

    /**
     * Inverse of {@link #interleave}: de-interleaves generated rows [B, rows(T), K] into time-major
     * codes [B, max(T, targetFrames), K], filling frames T..targetFrames−1 by repeating frame T−1
     * (SPEC §2.5). Cells of the rows that hold no code are not read.
     */
    public TokenGrid revert(TokenGrid rows, int targetFrames) {
        checkWidth(rows);
        int t = frames(rows.rows());
        int k = codebooks();
        int out = Math.max(t, targetFrames);
        if (t == 0 && out > 0) {
            throw new IllegalArgumentException("cannot pad an empty code sequence to " + targetFrames + " frames");
        }
        long[] v = new long[rows.batch() * out * k];
        for (int b = 0; b < rows.batch(); b++) {
            for (int f = 0; f < out; f++) {
                int src = Math.min(f, t - 1);
                for (int c = 0; c < k; c++) {
                    v[(b * out + f) * k + c] = rows.get(b, rowOf(c, src), c);
                }
            }
        }
        return new TokenGrid(rows.batch(), out, k, v);
    }

    private void checkWidth(TokenGrid g) {
        if (g.codebooks() != codebooks()) {
            throw new ShapeMismatchException("grid has " + g.codebooks() + " codebooks, the " + kind
                    + " pattern with num_rvq " + numRvq + " has " + codebooks());
        }
    }
}
