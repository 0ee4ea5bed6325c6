package io.visage.audio.dac.train;

import io.visage.nn.ConfigException;
import io.visage.nn.ShapeMismatchException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Multi-scale log-mel L1 distance under autodiff, in the manner of DAC's {@code MelSpectrogramLoss}
 * (its final configs: magnitude spectra, {@code pow} 1, {@code log10(clamp(mel, 1e-5))}, L1, the
 * scales summed, mag_weight 0): Σ_s mean |log10 max(mel_s(x), 1e-5) − log10 max(mel_s(y), 1e-5)|.
 * The weight (DAC: 15) is applied by the caller.
 *
 * <p>Per {@link MelScale} (window W, hop h, r = W / h hops per window):
 * <ol>
 *   <li><b>Framing.</b> The signal of N samples is zero-padded on the right to a multiple of h, then
 *       with W/2 zeros on both sides (zero padding, not torch's default reflect padding: both
 *       signals are padded alike, and zeros need no extra op). Frame t covers samples
 *       [t·h − W/2, t·h + W/2), t = 0 .. ⌈N/h⌉ (centred frames, {@code center=True} framing).</li>
 *   <li><b>STFT as a convolution.</b> The samples are regrouped as [B, h, N/h] (channel p holds the
 *       samples at phase p of each hop) and convolved, stride 1, padding r/2, with a constant kernel
 *       [2F, h, r] whose row k is the periodic Hann window times cos(2πkn/W) (k &lt; F = W/2 + 1)
 *       or −sin(2π(k−F)n/W), n = j·h + p: exactly a stride-h, length-W convolution of the mono
 *       signal with the windowed DFT basis, but with r taps instead of W, so the convolution's
 *       im2col copies r slices, not W.</li>
 *   <li><b>Magnitude</b> sqrt(re² + im² + 1e-12) (the ε keeps the gradient finite at silence; it
 *       is 1e-6 in magnitude, ten times below the clamp).</li>
 *   <li><b>Mel</b>: a constant {@link MelFilterbank#slaney} matrix (fmin 0, fmax sr/2) applied to
 *       the magnitudes, then clamp at 1e-5 (no gradient below it) and log10.</li>
 * </ol>
 * Constant kernels are built once per dtype (float32 for training, float64 for gradient checks).
 * Immutable apart from that cache; safe for concurrent use.
 */
public final class MelSpectrogramLoss {
    /** The floor of mel magnitudes before the log (DAC's {@code clamp_eps}). */
    public static final double CLAMP_EPS = 1e-5;
    /** Added to re² + im² before the square root. */
    public static final double MAGNITUDE_EPS = 1e-12;

    private static final double INV_LN10 = 1.0 / Math.log(10.0);

    private final int sampleRateHz;
    private final List<MelScale> scales;
    private final Map<DataType, List<INDArray[]>> constants = new ConcurrentHashMap<>();

    /**
     * @throws ConfigException when a scale's mel filters do not fit its FFT size at this rate
     */
    public MelSpectrogramLoss(int sampleRateHz, List<MelScale> scales) {
        if (scales == null || scales.isEmpty()) {
            throw new ConfigException("mel loss: at least one scale is needed, got " + scales);
        }
        this.sampleRateHz = sampleRateHz;
        this.scales = List.copyOf(scales);
        for (MelScale s : this.scales) {
            MelFilterbank.slaney(sampleRateHz, s.window(), s.nMels(), 0.0, sampleRateHz / 2.0); // validates
        }
    }

    public int sampleRateHz() {
        return sampleRateHz;
    }

    public List<MelScale> scales() {
        return scales;
    }

    /**
     * The loss between an estimate (gradients flow into it) and a reference (normally a constant).
     *
     * @param estimate  [B, 1, N]
     * @param reference [B, 1, N], the same shape
     * @return scalar, summed over the scales
     */
    public Tensor loss(Ops ops, Tensor estimate, Tensor reference) {
        if (!Arrays.equals(estimate.shape(), reference.shape())) {
            throw new ShapeMismatchException("mel loss: estimate " + Arrays.toString(estimate.shape())
                    + " and reference " + Arrays.toString(reference.shape()) + " must have the same shape");
        }
        Tensor total = null;
        for (int s = 0; s < scales.size(); s++) {
            Tensor d = ops.mean(ops.abs(ops.sub(logMel(ops, estimate, s), logMel(ops, reference, s))));
            total = total == null ? d : ops.add(total, d);
        }
        return total;
    }

    /**
     * log10 of the clamped mel magnitudes at one scale.
     *
     * @param audio [B, 1, N], N ≥ 1
     * @param scale index into {@link #scales()}
     * @return [B, T, nMels], T = ⌈N / hop⌉ + 1
     */
    public Tensor logMel(Ops ops, Tensor audio, int scale) {
        long[] shape = audio.shape();
        if (shape.length != 3 || shape[1] != 1 || shape[2] < 1) {
            throw new ShapeMismatchException(
                    "mel loss: audio must be [B, 1, N] with N >= 1, found " + Arrays.toString(shape));
        }
        MelScale s = scales.get(scale);
        INDArray[] k = constants(audio.dataType()).get(scale);
        long b = shape[0];
        long n = shape[2];
        int hop = s.hop();
        long blocks = (n + hop - 1) / hop;
        Tensor x = audio;
        if (blocks * hop > n) {
            x = ops.concat(2, x, ops.constant(Nd4j.zeros(audio.dataType(), b, 1, blocks * hop - n)));
        }
        Tensor phases = ops.permute(ops.reshape(x, b, blocks, hop), 0, 2, 1); // [B, h, N/h]
        int r = s.hopsPerWindow();
        Tensor spec = ops.conv1d(phases, ops.constant(k[0]), null, 1, r / 2, 1, 1); // [B, 2F, T]
        int f = s.bins();
        Tensor re = ops.narrow(spec, 1, 0, f);
        Tensor im = ops.narrow(spec, 1, f, f);
        Tensor mag = ops.sqrt(ops.addScalar(ops.add(ops.square(re), ops.square(im)), MAGNITUDE_EPS));
        Tensor mel = ops.linear(ops.permute(mag, 0, 2, 1), ops.constant(k[1]), null); // [B, T, M]
        return ops.scale(ops.log(ops.clampMin(mel, CLAMP_EPS)), INV_LN10);
    }

    /** Frames of one scale for N samples: ⌈N / hop⌉ + 1. */
    public long frames(int scale, long samples) {
        int hop = scales.get(scale).hop();
        return (samples + hop - 1) / hop + 1;
    }

    /** Per scale: the DFT kernel [2F, h, r] and the filterbank [M, F], in {@code type}. */
    private List<INDArray[]> constants(DataType type) {
        return constants.computeIfAbsent(type, t -> {
            List<INDArray[]> out = new ArrayList<>();
            for (MelScale s : scales) {
                double[][] fb = MelFilterbank.slaney(sampleRateHz, s.window(), s.nMels(), 0.0, sampleRateHz / 2.0);
                out.add(new INDArray[] {dftKernel(s).castTo(t), Nd4j.create(fb).castTo(t)});
            }
            return out;
        });
    }

    /** The windowed DFT basis regrouped by hop phase: [2F, h, r], entry (k, p, j) for sample n = j·h + p. */
    static INDArray dftKernel(MelScale s) {
        int w = s.window();
        int h = s.hop();
        int r = s.hopsPerWindow();
        int f = s.bins();
        double[] v = new double[2 * f * h * r];
        for (int k = 0; k < f; k++) {
            for (int p = 0; p < h; p++) {
                for (int j = 0; j < r; j++) {
                    int n = j * h + p;
                    double win = hann(n, w);
                    // k·n mod w keeps the angle small, so long windows lose no precision
                    double angle = 2 * Math.PI * (((long) k * n) % w) / w;
                    v[(k * h + p) * r + j] = win * Math.cos(angle);
                    v[((f + k) * h + p) * r + j] = -win * Math.sin(angle);
                }
            }
        }
        return Nd4j.create(v, new long[] {2L * f, h, r}, 'c');
    }

    /** The periodic Hann window ({@code torch.hann_window(w)}, {@code scipy.signal.get_window("hann", w)}). */
    static double hann(int n, int w) {
        return 0.5 - 0.5 * Math.cos(2 * Math.PI * n / w);
    }
}
