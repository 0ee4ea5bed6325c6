package io.visage.audio.dac;

import io.visage.nn.Checks;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.kernel.Parallelism;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

/**
 * Inference front end of a {@link Dac}. The encoder and decoder run on the time-major fast path
 * ({@link TimeMajorNetwork}: convolutions as large GEMMs over shifted row blocks, fused Snake), each
 * built from its {@link DacLayerPlan}, derived once here; the quantizer runs the reference layer
 * code under {@link Ops#inference()}. The reference forward ({@link Dac#encode}/{@link Dac#decode}
 * on {@link Ops}) is what the tests compare the fast path with. Float32 ND4J arrays in and out.
 *
 * <p>The fast path's weights are copies taken at construction (a snapshot of the module's g and v).
 * Its Snake passes run on a {@link Parallelism} that is either borrowed ({@link #of(Dac, Parallelism)}:
 * the caller closes it, after this codec) or owned ({@link #of(Dac)}, {@link #load}: closed by
 * {@link #close}). Close the codec when done: that frees the weight copies and an owned pool. Safe
 * for concurrent calls until then. Axes: B batch, N samples, D latent_dim, n levels, T frames.
 */
public final class DacCodec implements AutoCloseable {
    /**
     * Frames decoded per window by {@link #decodeChunked} unless told otherwise: a 5 s ViSAGe clip
     * (431 frames) in one window; at full size the fast path's working buffers for 512 frames are
     * about 0.4 GB.
     */
    public static final int DEFAULT_CHUNK_FRAMES = 512;

    private final Dac dac;
    private final Parallelism par;
    private final boolean ownsPool;
    private final TimeMajorNetwork encoder;
    private final TimeMajorNetwork decoder;

    private DacCodec(Dac dac, Parallelism par, boolean ownsPool) {
        this.dac = dac;
        this.par = par;
        this.ownsPool = ownsPool;
        TimeMajorNetwork enc = null;
        try {
            enc = TimeMajorNetwork.of(DacLayerPlan.encoder(dac));
            this.decoder = TimeMajorNetwork.of(DacLayerPlan.decoder(dac));
        } catch (RuntimeException | Error e) {
            if (enc != null) {
                enc.close();
            }
            if (ownsPool) {
                par.close();
            }
            throw e;
        }
        this.encoder = enc;
    }

    /**
     * Copies the weights of {@code dac} into the fast path (a snapshot) and starts a worker pool for
     * its Snake passes, one thread per available processor, owned by the codec (see {@link #close}).
     */
    public static DacCodec of(Dac dac) {
        return new DacCodec(dac, new Parallelism(), true);
    }

    /** {@link #of(Dac)} on the caller's worker pool, borrowed: {@link #close} leaves it open. */
    public static DacCodec of(Dac dac, Parallelism par) {
        if (par == null) {
            throw new IllegalArgumentException("DacCodec.of: the worker pool must be given");
        }
        return new DacCodec(dac, par, false);
    }

    /** {@link Dac#load(Path)} then {@link #of(Dac)} (the codec owns its pool). */
    public static DacCodec load(Path weights) {
        return of(Dac.load(weights));
    }

    /** Frees the fast path's weight copies and closes the worker pool if this codec owns it. Idempotent. */
    @Override
    public void close() {
        encoder.close();
        decoder.close();
        if (ownsPool) {
            par.close();
        }
    }

    public DacConfig config() {
        return dac.config();
    }

    public Dac model() {
        return dac;
    }

    /**
     * The decoder's receptive context in frames, from its plan: {@link #decodeChunked} widens each
     * window by this many frames on both sides.
     */
    public int contextFrames() {
        return decoder.plan().contextSteps();
    }

    DacLayerPlan decoderPlan() {
        return decoder.plan();
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
        Checks.shape("DAC.preprocess", "audio [B, 1, N]", audio, Checks.ANY, 1, Checks.ANY);
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
        return encoder.forward(audio, par);
    }

    /**
     * {@code DAC.encode(audio, n_quantizers)}.
     *
     * @param audio [B, 1, N], N a positive multiple of the hop length
     */
    public DacEncoding encode(INDArray audio, int nQuantizers) {
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

    /** {@code DAC.decode} in one pass. @param z [B, D, T] @return [B, 1, N], N the decoder plan's output length for T */
    public INDArray decode(INDArray z) {
        dac.checkLatent(z.shape());
        return decoder.forward(z, par);
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
     * {@link #contextFrames()} frames of real context on both sides and cropped back (overlap-save).
     * The output equals the one-pass decode (up to float summation order in the matrix products)
     * while the working memory is bounded by the window, not the stream length.
     *
     * @param z [B, D, T] @return [B, 1, T · k], k samples per frame (Π decoder_rates)
     * @throws IllegalArgumentException when the decoder does not give exactly k samples per frame
     *     (odd decoder rates give T · Π rates − 1)
     */
    public INDArray decodeChunked(INDArray z, int chunkFrames) {
        if (chunkFrames < 1) {
            throw new IllegalArgumentException("chunkFrames must be positive, got " + chunkFrames);
        }
        DacLayerPlan plan = decoder.plan();
        OptionalInt perFrame = plan.exactScale();
        if (perFrame.isEmpty()) {
            throw new IllegalArgumentException("chunked decoding needs even decoder rates (exactly k samples per"
                    + " frame), got " + config().decoderRates() + ": "
                    + plan.firstInexactStage().path()
                    + " does not keep the ratio");
        }
        dac.checkLatent(z.shape());
        long t = z.size(2);
        if (t <= chunkFrames) {
            return decode(z);
        }
        int ctx = plan.contextSteps();
        int up = perFrame.getAsInt();
        INDArray out = Nd4j.create(z.dataType(), z.size(0), plan.outChannels(), t * up);
        for (long s = 0; s < t; s += chunkFrames) {
            long e = Math.min(t, s + chunkFrames);
            long a = Math.max(0, s - ctx);
            long b = Math.min(t, e + ctx);
            INDArray y = decode(z.get(all(), all(), interval(a, b)).dup('c'));
            out.get(all(), all(), interval(s * up, e * up))
                    .assign(y.get(all(), all(), interval((s - a) * up, (e - a) * up)));
            y.close();
        }
        return out;
    }

    /**
     * {@link #fromCodes} then the decoder: generated codes to audio. With even decoder rates the
     * decoder runs in windows ({@link #decodeChunked}); with an odd rate, whose stage gives
     * rate · T − 1 samples so that windows do not tile, in one pass ({@link #decode}), its working
     * memory then growing with T.
     *
     * @param codes [B, n, T]
     * @return [B, 1, T · hop] for even decoder rates; [B, 1, L] with L the decoder's output length
     *     (e.g. 320·T − 8 for rates [8, 5, 4, 2]) otherwise
     */
    public INDArray decodeCodes(INDArray codes, int chunkFrames) {
        INDArray z = fromCodes(codes).z().value();
        return decoder.plan().exactScale().isPresent() ? decodeChunked(z, chunkFrames) : decode(z);
    }
}
