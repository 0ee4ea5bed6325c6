package io.visage.audio.dac;

import io.visage.nn.ShapeMismatchException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.kernel.Parallelism;
import java.nio.file.Path;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

/**
 * Inference front end of a {@link Dac}: every call
 * under {@link Ops#inference()}, float32 ND4J arrays in and out. The folded weights are a snapshot of
 * the module's g and v at construction. The encoder and decoder run on the time-major GEMM path
 * ({@code TimeMajorCodec}: convolutions as large GEMMs over shifted row blocks, fused Snake); the
 * general {@link Dac#decode}/{@link Dac#encode} on {@link Ops} stays the reference that tests compare
 * it with. The quantizer runs on the Ops path. Thread-safe for concurrent calls (no mutable state;
 * the worker pool it owns is shared safely). Axes: B batch, N samples, D latent_dim, n levels, T frames.
 */
public final class DacCodec {
    /**
     * Frames decoded per window by {@link #decodeChunked} unless told otherwise: a 5 s ViSAGe clip
     * (431 frames) in one window; at full size the fast path's working buffers for 512 frames are
     * about 0.4 GB.
     */
    public static final int DEFAULT_CHUNK_FRAMES = 512;

    /** How the encoder and decoder execute. */
    public enum ExecutionPath {
        /** Time-major GEMM path (the default); falls back to {@link #GENERAL} for unsupported geometries. */
        TIME_MAJOR,
        /** The general layer code on {@link Ops} (the reference forward, for comparison). */
        GENERAL
    }

    private final Dac dac;
    private final TimeMajorCodec fast; // null: Ops path

    private DacCodec(Dac dac, Parallelism par, ExecutionPath path) {
        this.dac = dac;
        if (path == ExecutionPath.TIME_MAJOR && TimeMajorCodec.supports(dac)) {
            this.fast = TimeMajorCodec.of(par, dac);
        } else {
            this.fast = null;
        }
    }

    /**
     * Folds the weights of {@code dac} (a snapshot) and prepares the fast path, whose Snake passes use
     * a worker pool of one thread per available processor (daemon threads, idle-parked).
     */
    public static DacCodec of(Dac dac) {
        return new DacCodec(dac, new Parallelism(), ExecutionPath.TIME_MAJOR);
    }

    /** {@link #of(Dac)} with the worker pool for the Snake passes given (the caller closes it after use). */
    public static DacCodec of(Dac dac, Parallelism par) {
        return new DacCodec(dac, par, ExecutionPath.TIME_MAJOR);
    }

    /** {@link #of(Dac, Parallelism)} on a chosen execution path. */
    public static DacCodec of(Dac dac, Parallelism par, ExecutionPath path) {
        return new DacCodec(dac, par, path);
    }

    /** The path this codec runs: {@link ExecutionPath#GENERAL} when asked for or when the fast path does not apply. */
    public ExecutionPath path() {
        return fast == null ? ExecutionPath.GENERAL : ExecutionPath.TIME_MAJOR;
    }

    /** {@link Dac#load(Path)} then {@link #of}. */
    public static DacCodec load(Path weights) {
        return of(Dac.load(weights));
    }

    public DacConfig config() {
        return dac.config();
    }

    public Dac model() {
        return dac;
    }

    /**
     * {@code DAC.preprocess}: checks the sample rate and right-pads with zeros to a multiple of the hop
     * length (no resampling: the caller converts to {@link DacConfig#sampleRateHz()} first).
     *
     * @param audio [B, 1, N] @return [B, 1, ceil(N / hop) · hop]
     */
    public INDArray preprocess(INDArray audio, int sampleRateHz) {
        if (sampleRateHz != config().sampleRateHz()) {
            throw new IllegalArgumentException("DAC.preprocess: audio at " + sampleRateHz + " Hz, but this codec takes "
                    + config().sampleRateHz() + " Hz; resample first");
        }
        if (audio.rank() != 3 || audio.size(1) != 1) {
            throw new ShapeMismatchException(
                    "DAC.preprocess: audio must be [B, 1, N], found " + Arrays.toString(audio.shape()));
        }
        long n = audio.size(2);
        int hop = config().hopLength();
        long padded = (n + hop - 1) / hop * hop;
        if (padded == n) {
            return audio.dup('c');
        }
        INDArray out = Nd4j.create(audio.dataType(), audio.size(0), 1, padded);
        out.get(all(), all(), interval(0, n)).assign(audio);
        return out;
    }

    /** The encoder alone (continuous latent before quantisation). @param audio [B, 1, N] @return [B, D, N / hop] */
    public INDArray encoderOutput(INDArray audio) {
        dac.checkAudio(audio.shape());
        return fast != null
                ? fast.encode(audio)
                : dac.encoder().forward(Ops.inference(), Tensor.constant(audio)).value();
    }

    /**
     * {@code DAC.encode(audio, n_quantizers)}.
     *
     * @param audio [B, 1, N], N a positive multiple of the hop length
     */
    public DacEncoding encode(INDArray audio, int nQuantizers) {
        if (fast == null) {
            return dac.encode(Ops.inference(), Tensor.constant(audio), nQuantizers);
        }
        return dac.quantizer().encode(Ops.inference(), Tensor.constant(encoderOutput(audio)), nQuantizers);
    }

    /** {@code DAC.encode} with every quantizer level. */
    public DacEncoding encode(INDArray audio) {
        return encode(audio, config().nCodebooks());
    }

    /** {@code quantizer.from_codes}. @param codes [B, n, T] integer */
    public FromCodes fromCodes(INDArray codes) {
        return dac.quantizer().fromCodes(Ops.inference(), codes);
    }

    /** {@code DAC.decode} in one pass. @param z [B, D, T] @return [B, 1, T · Π decoder_rates] */
    public INDArray decode(INDArray z) {
        dac.checkLatent(z.shape());
        if (fast != null) {
            return fast.decode(z);
        }
        if (z.size(0) == 1) {
            return dac.decode(Ops.inference(), Tensor.constant(z)).value();
        }
        // one batch item at a time: the general path's working memory grows with the batch
        INDArray out = null;
        for (long b = 0; b < z.size(0); b++) {
            INDArray y = dac.decode(
                            Ops.inference(),
                            Tensor.constant(
                                    z.get(interval(b, b + 1), all(), all()).dup('c')))
                    .value();
            if (out == null) {
                out = Nd4j.create(y.dataType(), z.size(0), 1, y.size(2));
            }
            out.get(interval(b, b + 1), all(), all()).assign(y);
            y.close();
        }
        return out;
    }

    /** What {@link #forward} returns. @param audio decoded audio cut to the input length [B, 1, N] */
    public record Forward(INDArray audio, DacEncoding encoding) {}

    /**
     * {@code DAC.forward}: preprocess, encode, decode, then cut the audio back to the input length.
     *
     * @param audio [B, 1, N]
     */
    public Forward forward(INDArray audio, int sampleRateHz, int nQuantizers) {
        long n = audio.size(2);
        DacEncoding e = encode(preprocess(audio, sampleRateHz), nQuantizers);
        INDArray decoded = decode(e.z().value());
        return new Forward(decoded.get(all(), all(), interval(0, n)).dup('c'), e);
    }

    /**
     * {@link #decode} over windows of {@code chunkFrames} frames, each widened by
     * {@link DacDecoder#contextFrames()} frames of real context on both sides and cropped back
     * (overlap-save). The output equals the one-pass decode (up to float summation order in the
     * matrix products) while the working memory is bounded by the window, not the stream length.
     *
     * @param z [B, D, T] @return [B, 1, T · Π decoder_rates]
     * @throws IllegalArgumentException when a decoder rate is odd (the output is then not T · Π rates)
     */
    public INDArray decodeChunked(INDArray z, int chunkFrames) {
        if (chunkFrames < 1) {
            throw new IllegalArgumentException("chunkFrames must be positive, got " + chunkFrames);
        }
        for (int r : config().decoderRates()) {
            if (r % 2 != 0) {
                throw new IllegalArgumentException(
                        "chunked decoding needs even decoder rates, got " + config().decoderRates());
            }
        }
        dac.checkLatent(z.shape());
        long t = z.size(2);
        if (t <= chunkFrames) {
            return decode(z);
        }
        int ctx = dac.decoder().contextFrames();
        int up = config().decoderUpsampling();
        INDArray out = Nd4j.create(z.dataType(), z.size(0), 1, t * up);
        for (long s = 0; s < t; s += chunkFrames) {
            long e = Math.min(t, s + chunkFrames);
            long a = Math.max(0, s - ctx);
            long b = Math.min(t, e + ctx);
            INDArray y = decode(z.get(all(), all(), interval(a, b)).dup('c'));
            out.get(all(), all(), interval(s * up, e * up))
                    .assign(y.get(all(), all(), interval((s - a) * up, (e - a) * up)));
        }
        return out;
    }

    /** {@link #fromCodes} then {@link #decodeChunked}: generated codes to audio. @param codes [B, n, T] @return [B, 1, T · hop] */
    public INDArray decodeCodes(INDArray codes, int chunkFrames) {
        return decodeChunked(fromCodes(codes).z().value(), chunkFrames);
    }
}
