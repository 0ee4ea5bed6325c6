package io.visage.audio.dac;

import io.visage.nn.Checks;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.layers.Conv1d;
import io.visage.nn.layers.ConvTranspose1d;
import io.visage.nn.layers.Snake;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

/**
 * The inference fast path of one {@link DacLayerPlan} (the DAC encoder or decoder) on time-major
 * activations [T, C], one batch item at a time: one generic loop over the plan's stages. Every
 * convolution is a {@link TapConv} (a few large GEMMs on shifted row blocks), every Snake a fused
 * {@link SnakeKernel} pass that writes straight into the zero-padded input buffer of the convolution
 * after it, and residual sums are accumulated by the 1×1 convolution's GEMM into the skip activation
 * itself. Buffers come from a per-call workspace sized up front from the plan's lengths.
 * Numerically the same computation as the reference forward on {@code Ops}, up to float summation
 * order.
 *
 * <p>The weights are extracted once per stage, at construction, into weight views of its own
 * ({@link TapConv} tap matrices, {@link SnakeKernel} alphas) straight from the modules the plan
 * holds; nothing reads a parameter map. A snapshot: later changes to the module's weights are not
 * seen. Safe for concurrent calls; {@link #close} frees the weight copies (no call may run then or
 * after).
 */
final class TimeMajorNetwork implements AutoCloseable {
    private final DacLayerPlan plan;
    private final List<Step> steps; // steps.get(i) runs plan.stages().get(i)
    private volatile boolean closed;

    /** A stage's weight views and how it runs on the workspace. */
    private sealed interface Step extends AutoCloseable permits ConvStep, UpStep, ResidualStep, TanhStep {
        /** Grows {@code sizes} (elements per workspace slot) to what this step needs for an input of {@code t} rows. */
        void reserve(long[] sizes, int t);

        /**
         * Runs the step on {@code x} [t, C] (a view of workspace slot {@code slot}).
         *
         * @return the output [t', C']: in slot {@link Workspace#other(int) other(slot)} when
         *     {@link #moves()}, otherwise {@code x} itself, updated in place
         */
        INDArray run(Workspace ws, Parallelism par, INDArray x, int slot);

        /** Whether the output lands in the other activation slot. */
        boolean moves();

        @Override
        void close();
    }

    private TimeMajorNetwork(DacLayerPlan plan, List<Step> steps) {
        this.plan = plan;
        this.steps = List.copyOf(steps);
    }

    /**
     * Extracts the weight views of every stage of {@code plan} from its modules: weight norm folded
     * one convolution at a time and the folded copy freed as soon as its taps are copied out, so no
     * full second copy of the weights is ever held beyond the taps.
     */
    static TimeMajorNetwork of(DacLayerPlan plan) {
        List<Step> steps = new ArrayList<>();
        try {
            for (DacLayerPlan.Stage stage : plan.stages()) {
                steps.add(compile(stage));
            }
        } catch (RuntimeException | Error e) {
            steps.forEach(Step::close);
            throw e;
        }
        return new TimeMajorNetwork(plan, steps);
    }

    private static Step compile(DacLayerPlan.Stage stage) {
        if (stage instanceof DacLayerPlan.Conv c) {
            return new ConvStep(snake(c.path(), c.snake()), taps(c.path(), c.geometry(), c.conv()));
        }
        if (stage instanceof DacLayerPlan.SnakeTransposed u) {
            return new UpStep(snake(u.path(), u.snake()), taps(u.path(), u.geometry(), u.up()));
        }
        if (stage instanceof DacLayerPlan.Residual r) {
            return residual(r);
        }
        if (stage instanceof DacLayerPlan.Tanh) {
            return new TanhStep();
        }
        throw new IllegalArgumentException("no time-major kernel for stage " + stage); // unreachable: Stage is sealed
    }

    private static ResidualStep residual(DacLayerPlan.Residual r) {
        ResidualUnit u = r.unit();
        TapConv conv1 = taps(r.path() + " (conv1)", r.conv1(), u.conv1());
        try {
            return new ResidualStep(
                    snake(r.path(), u.snake1()),
                    conv1,
                    snake(r.path(), u.snake2()),
                    taps(r.path() + " (conv2)", r.conv2(), u.conv2()));
        } catch (RuntimeException | Error e) {
            conv1.close();
            throw e;
        }
    }

    private static SnakeKernel snake(String where, Snake snake) {
        return snake == null ? null : SnakeKernel.of(where, snake);
    }

    private static TapConv taps(String where, ConvGeometry g, Conv1d c) {
        INDArray w = c.foldWeight();
        try {
            return TapConv.of(where, g, w, c.bias() == null ? null : c.bias().value());
        } finally {
            w.close();
        }
    }

    private static TapConv taps(String where, ConvGeometry g, ConvTranspose1d c) {
        INDArray w = c.foldWeight();
        try {
            return TapConv.of(where, g, w, c.bias() == null ? null : c.bias().value());
        } finally {
            w.close();
        }
    }

    DacLayerPlan plan() {
        return plan;
    }

    /**
     * The network on a batch, items one after the other through one workspace.
     *
     * @param x   [B, C_in, T] (any float type; cast to float32)
     * @param par worker pool of the Snake passes (borrowed)
     * @return [B, C_out, plan.outputLength(T)] float32
     */
    INDArray forward(INDArray x, Parallelism par) {
        if (closed) {
            throw new IllegalStateException(plan.name() + ": the fast path was closed (its codec was closed)");
        }
        Checks.shape(plan.name(), "input", x, Checks.ANY, plan.inChannels(), Checks.ANY);
        int b = (int) x.size(0);
        int t = Math.toIntExact(x.size(2));
        int[] lengths = plan.lengths(t);
        INDArray out = Nd4j.create(DataType.FLOAT, b, plan.outChannels(), lengths[steps.size()]);
        try (Workspace ws = new Workspace(sizes(lengths))) {
            for (int i = 0; i < b; i++) {
                int slot = Workspace.ACT0;
                INDArray h = ws.matrix(slot, t, plan.inChannels());
                h.assign(x.get(point(i), all(), all()).castTo(DataType.FLOAT).transpose());
                for (Step step : steps) {
                    h = step.run(ws, par, h, slot);
                    if (step.moves()) {
                        slot = Workspace.other(slot);
                    }
                }
                out.get(point(i), all(), all()).assign(h.transpose());
            }
        }
        return out;
    }

    /** Elements each workspace slot needs, from the plan's length entering each stage. */
    private long[] sizes(int[] lengths) {
        long[] n = new long[Workspace.SLOTS];
        n[Workspace.ACT0] = (long) lengths[0] * plan.inChannels();
        for (int i = 0; i < steps.size(); i++) {
            steps.get(i).reserve(n, lengths[i]);
        }
        n[Workspace.ACT0] = Math.max(n[Workspace.ACT0], n[Workspace.ACT1]);
        n[Workspace.ACT1] = n[Workspace.ACT0];
        return n;
    }

    private static void need(long[] sizes, int slot, long elements) {
        sizes[slot] = Math.max(sizes[slot], elements);
    }

    /** Frees every weight view. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            steps.forEach(Step::close);
        }
    }

    /** {@code conv(snake(x))}; without a Snake, x is copied into the padded input. */
    private record ConvStep(SnakeKernel snake, TapConv conv) implements Step {
        @Override
        public void reserve(long[] sizes, int t) {
            need(sizes, Workspace.PADDED, (long) conv.paddedRows(t) * conv.inChannels());
            need(sizes, Workspace.ACT1, (long) conv.outputLength(t) * conv.outChannels());
        }

        @Override
        public INDArray run(Workspace ws, Parallelism par, INDArray x, int slot) {
            int t = (int) x.size(0);
            INDArray xp = ws.matrix(Workspace.PADDED, conv.paddedRows(t), conv.inChannels());
            conv.zeroPadding(xp, t);
            if (snake == null) {
                xp.get(interval(conv.leftPad(), conv.leftPad() + t), all()).assign(x);
            } else {
                snake.apply(par, x, xp, conv.leftPad());
            }
            INDArray dst = ws.matrix(Workspace.other(slot), conv.outputLength(t), conv.outChannels());
            return conv.conv(xp, t, dst, false);
        }

        @Override
        public boolean moves() {
            return true;
        }

        @Override
        public void close() {
            conv.close();
        }
    }

    /** {@code up(snake(x))}: the Snake into the padded slot, the transposed convolution into the other activation. */
    private record UpStep(SnakeKernel snake, TapConv up) implements Step {
        @Override
        public void reserve(long[] sizes, int t) {
            need(sizes, Workspace.PADDED, (long) t * up.inChannels());
            need(sizes, Workspace.ACT1, (long) up.fullRows(t) * up.outChannels());
        }

        @Override
        public INDArray run(Workspace ws, Parallelism par, INDArray x, int slot) {
            int t = (int) x.size(0);
            INDArray s = ws.matrix(Workspace.PADDED, t, up.inChannels());
            snake.apply(par, x, s, 0);
            return up.transposed(s, ws.matrix(Workspace.other(slot), up.fullRows(t), up.outChannels()));
        }

        @Override
        public boolean moves() {
            return true;
        }

        @Override
        public void close() {
            up.close();
        }
    }

    /** x += conv2(snake2(conv1(snake1(x)))), in place: conv2's GEMM accumulates into x. */
    private record ResidualStep(SnakeKernel snake1, TapConv conv1, SnakeKernel snake2, TapConv conv2) implements Step {
        @Override
        public void reserve(long[] sizes, int t) {
            need(sizes, Workspace.PADDED, (long) conv1.paddedRows(t) * conv1.inChannels());
            need(sizes, Workspace.HIDDEN, (long) t * conv1.outChannels());
        }

        @Override
        public INDArray run(Workspace ws, Parallelism par, INDArray x, int slot) {
            int t = (int) x.size(0);
            INDArray xp = ws.matrix(Workspace.PADDED, conv1.paddedRows(t), conv1.inChannels());
            conv1.zeroPadding(xp, t);
            snake1.apply(par, x, xp, conv1.leftPad());
            INDArray h = conv1.conv(xp, t, ws.matrix(Workspace.HIDDEN, t, conv1.outChannels()), false);
            snake2.apply(par, h, h, 0);
            return conv2.conv(h, t, x, true);
        }

        @Override
        public boolean moves() {
            return false;
        }

        @Override
        public void close() {
            conv1.close();
            conv2.close();
        }
    }

    /** tanh, in place. */
    private record TanhStep() implements Step {
        @Override
        public void reserve(long[] sizes, int t) {}

        @Override
        public INDArray run(Workspace ws, Parallelism par, INDArray x, int slot) {
            return Transforms.tanh(x, false);
        }

        @Override
        public boolean moves() {
            return false;
        }

        @Override
        public void close() {}
    }

    /**
     * Flat float buffers reused across the stages and batch items of one call, one per role: two
     * activation slots used in turn, the padded convolution input and the residual hidden state.
     * Allocated once per call at the sizes the plan gives; owned by one call; closes everything at
     * the end.
     */
    private static final class Workspace implements AutoCloseable {
        static final int ACT0 = 0;
        static final int ACT1 = 1;
        static final int PADDED = 2;
        static final int HIDDEN = 3;
        static final int SLOTS = 4;

        private final INDArray[] flat = new INDArray[SLOTS];

        Workspace(long[] sizes) {
            for (int i = 0; i < SLOTS; i++) {
                flat[i] = Nd4j.createUninitialized(DataType.FLOAT, Math.max(1, sizes[i]));
            }
        }

        static int other(int act) {
            return act == ACT0 ? ACT1 : ACT0;
        }

        /** A [rows, cols] row-major view at the start of slot {@code slot}; previous content is undefined. */
        INDArray matrix(int slot, long rows, long cols) {
            long n = rows * cols;
            if (flat[slot].length() < n) {
                throw new IllegalStateException("workspace slot " + slot + " holds " + flat[slot].length()
                        + " floats, a stage needs " + n + " (the plan's sizes are wrong)");
            }
            return Nd4j.create(flat[slot].data(), new long[] {rows, cols}, new long[] {cols, 1}, 0, 'c');
        }

        @Override
        public void close() {
            for (INDArray a : flat) {
                a.close();
            }
        }
    }
}
