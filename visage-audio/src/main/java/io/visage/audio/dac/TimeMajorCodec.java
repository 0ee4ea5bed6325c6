package io.visage.audio.dac;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.layers.Conv1d;
import io.visage.nn.layers.ConvTranspose1d;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

/**
 * The DAC encoder and decoder for inference on time-major activations [T, C] (one batch item at a
 * time): every convolution is a {@link TapConv} (a few large GEMMs on shifted row blocks), every
 * Snake a fused {@link SnakeKernel} pass that writes straight into the zero-padded input buffer of
 * the convolution after it, and residual sums are accumulated by the 1×1 convolution's GEMM into
 * the skip activation itself. Intermediate buffers are closed as soon as they are consumed, so
 * native memory stays at a few activations. Numerically the same computation as
 * {@link Dac#decode}/{@link DacEncoder#forward} on the {@link Ops} path, up to float summation
 * order. Built from the weights at construction (a snapshot); immutable and safe for concurrent calls.
 */
final class TimeMajorCodec {
    private final Parallelism par;
    private final TapConv decFirst;
    private final List<UpBlock> decBlocks;
    private final SnakeKernel decSnake;
    private final TapConv decLast;
    private final TapConv encFirst;
    private final List<DownBlock> encBlocks;
    private final SnakeKernel encSnake;
    private final TapConv encLast;

    private record Unit(SnakeKernel snake1, TapConv conv1, SnakeKernel snake2, TapConv conv2) {}

    private record UpBlock(SnakeKernel snake, TapConv up, List<Unit> units) {}

    private record DownBlock(List<Unit> units, SnakeKernel snake, TapConv down) {}

    private TimeMajorCodec(Parallelism par, Dac dac) {
        this.par = par;
        Ops ops = Ops.inference();
        DacDecoder d = dac.decoder();
        decFirst = conv(ops, d.first());
        List<UpBlock> ups = new ArrayList<>();
        for (DacDecoder.Block b : d.blocks()) {
            ConvTranspose1d u = b.up();
            INDArray weight = u.effectiveWeight(ops).value();
            TapConv up = TapConv.transposed(
                    weight, bias(u.bias()), u.stride(), u.padding(), u.outputPadding(), u.dilation());
            release(u.parameters(), weight);
            ups.add(new UpBlock(SnakeKernel.of(b.snake()), up, units(ops, b.units())));
        }
        decBlocks = List.copyOf(ups);
        decSnake = SnakeKernel.of(d.snake());
        decLast = conv(ops, d.last());
        DacEncoder e = dac.encoder();
        encFirst = conv(ops, e.first());
        List<DownBlock> downs = new ArrayList<>();
        for (DacEncoder.Block b : e.blocks()) {
            downs.add(new DownBlock(units(ops, b.units()), SnakeKernel.of(b.snake()), conv(ops, b.down())));
        }
        encBlocks = List.copyOf(downs);
        encSnake = SnakeKernel.of(e.snake());
        encLast = conv(ops, e.last());
    }

    /**
     * Whether every convolution of {@code dac} has a geometry {@link TapConv} handles (always true for
     * DAC configs: stride-1 convolutions and kernel = 2·stride resampling).
     */
    static boolean supports(Dac dac) {
        List<Conv1d> convs = new ArrayList<>();
        List<ConvTranspose1d> ups = new ArrayList<>();
        DacDecoder d = dac.decoder();
        convs.add(d.first());
        convs.add(d.last());
        for (DacDecoder.Block b : d.blocks()) {
            ups.add(b.up());
            b.units().forEach(u -> {
                convs.add(u.conv1());
                convs.add(u.conv2());
            });
        }
        DacEncoder e = dac.encoder();
        convs.add(e.first());
        convs.add(e.last());
        for (DacEncoder.Block b : e.blocks()) {
            convs.add(b.down());
            b.units().forEach(u -> {
                convs.add(u.conv1());
                convs.add(u.conv2());
            });
        }
        return convs.stream()
                        .allMatch(
                                c -> TapConv.supportsConv(kernel(c.parameters()), c.stride(), c.dilation(), c.groups()))
                && ups.stream()
                        .allMatch(c -> TapConv.supportsTransposed(
                                kernel(c.parameters()), c.stride(), c.dilation(), c.groups()));
    }

    private static int kernel(Map<String, Tensor> params) {
        Tensor v = params.containsKey("weight_v") ? params.get("weight_v") : params.get("weight");
        return (int) v.value().size(2);
    }

    /**
     * Prepares the tap matrices of every convolution from the current weights (weight norm folded,
     * one convolution at a time, so that no full second copy of the weights is ever held).
     */
    static TimeMajorCodec of(Parallelism par, Dac dac) {
        return new TimeMajorCodec(par, dac);
    }

    private static TapConv conv(Ops ops, Conv1d c) {
        INDArray weight = c.effectiveWeight(ops).value();
        TapConv t = TapConv.conv(weight, bias(c.bias()), c.stride(), c.padding(), c.dilation());
        release(c.parameters(), weight);
        return t;
    }

    /** Frees a folded weight right after its taps were copied out (never a parameter itself). */
    private static void release(Map<String, Tensor> params, INDArray weight) {
        boolean isParameter = params.values().stream().anyMatch(p -> p.value() == weight);
        if (!isParameter) {
            weight.close();
        }
    }

    private static INDArray bias(Tensor b) {
        return b == null ? null : b.value();
    }

    private static List<Unit> units(Ops ops, List<ResidualUnit> units) {
        List<Unit> out = new ArrayList<>();
        for (ResidualUnit u : units) {
            out.add(new Unit(
                    SnakeKernel.of(u.snake1()),
                    conv(ops, u.conv1()),
                    SnakeKernel.of(u.snake2()),
                    conv(ops, u.conv2())));
        }
        return List.copyOf(out);
    }

    /** {@code DAC.decode}. @param z [B, D, T] @return [B, 1, N] */
    INDArray decode(INDArray z) {
        int t = (int) z.size(2);
        int b = (int) z.size(0);
        INDArray out = null;
        try (Workspace ws = new Workspace(decodeSizes(t))) {
            for (int i = 0; i < b; i++) {
                INDArray xp = ws.matrix(Workspace.PADDED, decFirst.paddedRows(t), decFirst.inChannels());
                decFirst.zeroPadding(xp, t);
                xp.get(interval(decFirst.leftPad(), decFirst.leftPad() + t), all())
                        .assign(z.get(point(i), all(), all())
                                .castTo(DataType.FLOAT)
                                .transpose());
                int cur = Workspace.ACT0;
                INDArray x =
                        decFirst.conv(xp, t, ws.matrix(cur, decFirst.outputLength(t), decFirst.outChannels()), false);
                for (UpBlock blk : decBlocks) {
                    int len = (int) x.size(0);
                    INDArray s = ws.matrix(Workspace.PADDED, len, x.size(1));
                    blk.snake().apply(par, x, s, 0);
                    cur = Workspace.other(cur);
                    x = blk.up()
                            .transposed(
                                    s,
                                    ws.matrix(
                                            cur,
                                            blk.up().fullRows(len),
                                            blk.up().outChannels()));
                    for (Unit u : blk.units()) {
                        residual(ws, u, x);
                    }
                }
                int len = (int) x.size(0);
                INDArray y = snakeConv(
                        ws,
                        decSnake,
                        decLast,
                        x,
                        ws.matrix(Workspace.HIDDEN, decLast.outputLength(len), decLast.outChannels()));
                Transforms.tanh(y, false);
                if (out == null) {
                    out = Nd4j.create(DataType.FLOAT, b, 1, y.size(0));
                }
                out.get(point(i), point(0), all()).assign(y.reshape(-1));
            }
        }
        return out;
    }

    /** The encoder. @param audio [B, 1, N] @return z [B, D, N / hop] */
    INDArray encode(INDArray audio) {
        int n = (int) audio.size(2);
        int b = (int) audio.size(0);
        INDArray out = null;
        try (Workspace ws = new Workspace(encodeSizes(n))) {
            for (int i = 0; i < b; i++) {
                INDArray xp = ws.matrix(Workspace.PADDED, encFirst.paddedRows(n), encFirst.inChannels());
                encFirst.zeroPadding(xp, n);
                xp.get(interval(encFirst.leftPad(), encFirst.leftPad() + n), all())
                        .assign(audio.get(point(i), point(0), all())
                                .castTo(DataType.FLOAT)
                                .reshape(n, 1));
                int cur = Workspace.ACT0;
                INDArray x =
                        encFirst.conv(xp, n, ws.matrix(cur, encFirst.outputLength(n), encFirst.outChannels()), false);
                for (DownBlock blk : encBlocks) {
                    for (Unit u : blk.units()) {
                        residual(ws, u, x);
                    }
                    int len = (int) x.size(0);
                    cur = Workspace.other(cur);
                    x = snakeConv(
                            ws,
                            blk.snake(),
                            blk.down(),
                            x,
                            ws.matrix(
                                    cur,
                                    blk.down().outputLength(len),
                                    blk.down().outChannels()));
                }
                int len = (int) x.size(0);
                INDArray zt = snakeConv(
                        ws,
                        encSnake,
                        encLast,
                        x,
                        ws.matrix(Workspace.HIDDEN, encLast.outputLength(len), encLast.outChannels()));
                if (out == null) {
                    out = Nd4j.create(DataType.FLOAT, b, zt.size(1), zt.size(0));
                }
                out.get(point(i), all(), all()).assign(zt.transpose());
            }
        }
        return out;
    }

    /** Elements each workspace slot needs to decode T frames (walks the layers as {@link #decode} does). */
    private long[] decodeSizes(int t) {
        long[] n = new long[4];
        need(n, Workspace.PADDED, (long) decFirst.paddedRows(t) * decFirst.inChannels());
        int len = decFirst.outputLength(t);
        long act = (long) len * decFirst.outChannels();
        for (UpBlock blk : decBlocks) {
            need(n, Workspace.PADDED, (long) len * blk.up().inChannels());
            act = Math.max(act, (long) blk.up().fullRows(len) * blk.up().outChannels());
            len = blk.up().outputLength(len);
            for (Unit u : blk.units()) {
                need(
                        n,
                        Workspace.PADDED,
                        (long) u.conv1().paddedRows(len) * u.conv1().inChannels());
                need(n, Workspace.HIDDEN, (long) len * u.conv1().outChannels());
            }
        }
        need(n, Workspace.PADDED, (long) decLast.paddedRows(len) * decLast.inChannels());
        need(n, Workspace.HIDDEN, (long) decLast.outputLength(len) * decLast.outChannels());
        n[Workspace.ACT0] = act;
        n[Workspace.ACT1] = act;
        return n;
    }

    /** Elements each workspace slot needs to encode N samples (walks the layers as {@link #encode} does). */
    private long[] encodeSizes(int samples) {
        long[] n = new long[4];
        need(n, Workspace.PADDED, (long) encFirst.paddedRows(samples) * encFirst.inChannels());
        int len = encFirst.outputLength(samples);
        long act = (long) len * encFirst.outChannels();
        for (DownBlock blk : encBlocks) {
            for (Unit u : blk.units()) {
                need(
                        n,
                        Workspace.PADDED,
                        (long) u.conv1().paddedRows(len) * u.conv1().inChannels());
                need(n, Workspace.HIDDEN, (long) len * u.conv1().outChannels());
            }
            need(
                    n,
                    Workspace.PADDED,
                    (long) blk.down().paddedRows(len) * blk.down().inChannels());
            len = blk.down().outputLength(len);
            act = Math.max(act, (long) len * blk.down().outChannels());
        }
        need(n, Workspace.PADDED, (long) encLast.paddedRows(len) * encLast.inChannels());
        need(n, Workspace.HIDDEN, (long) encLast.outputLength(len) * encLast.outChannels());
        n[Workspace.ACT0] = act;
        n[Workspace.ACT1] = act;
        return n;
    }

    private static void need(long[] sizes, int slot, long elements) {
        sizes[slot] = Math.max(sizes[slot], elements);
    }

    /**
     * dst = conv(snake(x)), the Snake written into the convolution's zero-padded input (workspace
     * slot {@link Workspace#PADDED}, which must not hold x). @param x [T, C] @return dst
     */
    private INDArray snakeConv(Workspace ws, SnakeKernel snake, TapConv conv, INDArray x, INDArray dst) {
        int t = (int) x.size(0);
        INDArray xp = ws.matrix(Workspace.PADDED, conv.paddedRows(t), conv.inChannels());
        conv.zeroPadding(xp, t);
        snake.apply(par, x, xp, conv.leftPad());
        return conv.conv(xp, t, dst, false);
    }

    /** x += conv2(snake2(conv1(snake1(x)))), in place. @param x [T, C] */
    private void residual(Workspace ws, Unit u, INDArray x) {
        int t = (int) x.size(0);
        if (u.conv1().outputLength(t) != t
                || u.conv2().outputLength(t) != t
                || u.conv2().paddedRows(t) != t
                || u.conv2().leftPad() != 0) {
            throw new IllegalStateException("TimeMajorCodec: a residual unit must keep the length (" + t
                    + " samples) and end with an unpadded 1x1 convolution");
        }
        INDArray h = snakeConv(
                ws,
                u.snake1(),
                u.conv1(),
                x,
                ws.matrix(Workspace.HIDDEN, t, u.conv1().outChannels()));
        u.snake2().apply(par, h, h, 0);
        u.conv2().conv(h, t, x, true);
    }

    /**
     * Flat float buffers reused across the layers and batch items of one call, one per role, sized
     * up front by a walk over the layers (grown on demand should a layer need more): two activation slots used in turn, the padded convolution input and
     * the residual hidden state. Owned by one call; closes everything at the end.
     */
    private static final class Workspace implements AutoCloseable {
        static final int ACT0 = 0;
        static final int ACT1 = 1;
        static final int PADDED = 2;
        static final int HIDDEN = 3;

        private final INDArray[] flat = new INDArray[4];

        /** Allocates every slot at its planned size up front (one allocation per slot and call). */
        Workspace(long[] sizes) {
            for (int i = 0; i < flat.length; i++) {
                flat[i] = Nd4j.createUninitialized(DataType.FLOAT, Math.max(1, sizes[i]));
            }
        }

        static int other(int act) {
            return act == ACT0 ? ACT1 : ACT0;
        }

        /** A [rows, cols] row-major view at the start of slot {@code slot}; previous content is undefined. */
        INDArray matrix(int slot, long rows, long cols) {
            long n = rows * cols;
            if (flat[slot] == null || flat[slot].length() < n) {
                if (flat[slot] != null) {
                    flat[slot].close();
                }
                flat[slot] = Nd4j.createUninitialized(DataType.FLOAT, Math.max(1, n));
            }
            return Nd4j.create(flat[slot].data(), new long[] {rows, cols}, new long[] {cols, 1}, 0, 'c');
        }

        @Override
        public void close() {
            for (INDArray a : flat) {
                if (a != null) {
                    a.close();
                }
            }
        }
    }
}
