package io.visage.audio.dac;

import io.visage.nn.layers.Conv1d;
import io.visage.nn.layers.ConvTranspose1d;
import io.visage.nn.layers.Snake;
import io.visage.nn.module.Module;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The DAC encoder or decoder as the flat sequence of stages an inference kernel runs, derived once
 * from the module tree ({@link #encoder}, {@link #decoder}): a convolution, optionally with the Snake
 * before it fused in; a Snake followed by a transposed convolution; a residual unit; the final tanh.
 * Each stage holds its modules, their geometry ({@link ConvGeometry}) and its module path. Every
 * size the fast path needs comes from here: the length after each stage ({@link #lengths}), the
 * output length, the receptive context of overlap-save decoding ({@link #contextSteps}) and the
 * exact length ratio ({@link #exactScale}). Immutable; it reads no weights.
 *
 * <p>Lengths are along the time axis of the network's input: samples for the encoder, frames for the
 * decoder ("steps").
 */
final class DacLayerPlan {
    /** One step of the plan. */
    sealed interface Stage permits Conv, SnakeTransposed, Residual, Tanh {
        /** Module path, e.g. {@code decoder.model.1.block.1}. */
        String path();

        /** The stage's convolutions in the order they run (none for tanh). */
        List<ConvGeometry> convs();

        /** @throws io.visage.nn.ShapeMismatchException naming {@link #path()} when the input is too short */
        default int outputLength(int length) {
            for (ConvGeometry g : convs()) {
                length = g.outputLength(path(), length);
            }
            return length;
        }
    }

    /** {@code conv(snake(x))}, or {@code conv(x)} when {@code snake} is null. */
    record Conv(String path, Snake snake, Conv1d conv, ConvGeometry geometry) implements Stage {
        @Override
        public List<ConvGeometry> convs() {
            return List.of(geometry);
        }
    }

    /** {@code up(snake(x))}: a decoder block's up-sampling. */
    record SnakeTransposed(String path, Snake snake, ConvTranspose1d up, ConvGeometry geometry) implements Stage {
        @Override
        public List<ConvGeometry> convs() {
            return List.of(geometry);
        }
    }

    /**
     * {@code x + conv2(snake2(conv1(snake1(x))))}; both convolutions keep the length and the channels
     * and conv2 is an unpadded 1×1 convolution (checked here), so the reference's centre crop never
     * applies and the sum can be accumulated in place.
     */
    record Residual(String path, ResidualUnit unit, ConvGeometry conv1, ConvGeometry conv2) implements Stage {
        Residual {
            if (conv1.exactScale() != 1
                    || conv2.exactScale() != 1
                    || conv2.kernel() != 1
                    || conv1.in() != conv2.out()
                    || conv1.out() != conv2.in()) {
                throw new IllegalArgumentException(path + ": a residual unit must keep the length and the channels"
                        + " and end with an unpadded 1x1 convolution, found " + conv1 + " then " + conv2);
            }
        }

        @Override
        public List<ConvGeometry> convs() {
            return List.of(conv1, conv2);
        }
    }

    /** Element-wise tanh (the decoder's last step). */
    record Tanh(String path) implements Stage {
        @Override
        public List<ConvGeometry> convs() {
            return List.of();
        }
    }

    private final String name;
    private final List<Stage> stages;

    private DacLayerPlan(String name, List<Stage> stages) {
        this.name = name;
        this.stages = List.copyOf(stages);
    }

    /**
     * The encoder: its first convolution; per block the three residual units, then Snake + strided
     * convolution; Snake + last convolution.
     */
    static DacLayerPlan encoder(Dac dac) {
        DacEncoder e = dac.encoder();
        Builder b = new Builder(dac, e);
        b.conv(null, e.first());
        for (DacEncoder.Block blk : e.blocks()) {
            blk.units().forEach(b::residual);
            b.conv(blk.snake(), blk.down());
        }
        b.conv(e.snake(), e.last());
        return b.build();
    }

    /**
     * The decoder: its first convolution; per block Snake + transposed convolution, then the three
     * residual units; Snake + last convolution; tanh.
     */
    static DacLayerPlan decoder(Dac dac) {
        DacDecoder d = dac.decoder();
        Builder b = new Builder(dac, d);
        b.conv(null, d.first());
        for (DacDecoder.Block blk : d.blocks()) {
            b.snakeTransposed(blk.snake(), blk.up());
            blk.units().forEach(b::residual);
        }
        b.conv(d.snake(), d.last());
        b.tanh();
        return b.build();
    }

    /** {@code encoder} or {@code decoder}: the module path of the network. */
    String name() {
        return name;
    }

    List<Stage> stages() {
        return stages;
    }

    /** Channels of the network input. */
    int inChannels() {
        return convs().get(0).in();
    }

    /** Channels of the network output. */
    int outChannels() {
        List<ConvGeometry> c = convs();
        return c.get(c.size() - 1).out();
    }

    private List<ConvGeometry> convs() {
        return stages.stream().flatMap(s -> s.convs().stream()).toList();
    }

    /**
     * The length entering each stage for a network input of {@code length} steps; the last entry
     * (index {@code stages().size()}) is the output length.
     *
     * @throws io.visage.nn.ShapeMismatchException naming the stage when the input is too short
     */
    int[] lengths(int length) {
        int[] out = new int[stages.size() + 1];
        out[0] = length;
        for (int i = 0; i < stages.size(); i++) {
            out[i + 1] = stages.get(i).outputLength(out[i]);
        }
        return out;
    }

    /** Output length for an input of {@code length} steps. */
    int outputLength(int length) {
        return lengths(length)[stages.size()];
    }

    /**
     * How many input steps on each side of a step can influence its output: an upper bound on the
     * network's receptive half-width (the sum over stages of each stage's half-width, measured in
     * input steps), plus one. Running a window with this many extra input steps on each side and
     * cropping them (overlap-save) reproduces the one-pass output.
     */
    int contextSteps() {
        double steps = 0;
        double unit = 1; // network input steps per sample at the current convolution's input
        for (ConvGeometry g : convs()) {
            steps += g.halfWidth() * unit;
            unit /= g.scale();
        }
        return (int) Math.ceil(steps) + 1;
    }

    /**
     * k when every input of T steps gives exactly k·T output samples (every stage keeps the length
     * or multiplies it exactly, as DAC's decoder does for even rates); empty otherwise.
     */
    OptionalInt exactScale() {
        long k = 1;
        for (ConvGeometry g : convs()) {
            k *= g.exactScale();
            if (k == 0 || k > Integer.MAX_VALUE) {
                return OptionalInt.empty();
            }
        }
        return OptionalInt.of((int) k);
    }

    /** The first stage without an exact length ratio, for messages; null when {@link #exactScale} is present. */
    Stage firstInexactStage() {
        return stages.stream()
                .filter(s -> s.convs().stream().anyMatch(g -> g.exactScale() == 0))
                .findFirst()
                .orElse(null);
    }

    @Override
    public String toString() {
        return "DacLayerPlan[" + name + ", " + stages.size() + " stages]";
    }

    /** Collects the stages in order, checking that the channels chain. */
    private static final class Builder {
        private final Map<Module, String> paths = new IdentityHashMap<>();
        private final String name;
        private final List<Stage> stages = new ArrayList<>();
        private ConvGeometry last;

        Builder(Dac root, Module network) {
            index(root, "");
            this.name = path(network);
        }

        private void index(Module m, String prefix) {
            paths.put(m, prefix);
            for (Map.Entry<String, Module> c : m.children().entrySet()) {
                index(c.getValue(), prefix.isEmpty() ? c.getKey() : prefix + "." + c.getKey());
            }
        }

        private String path(Module m) {
            String p = paths.get(m);
            if (p == null) {
                throw new IllegalArgumentException("module " + m + " is not part of the codec's module tree");
            }
            return p;
        }

        void conv(Snake snake, Conv1d conv) {
            ConvGeometry g = ConvGeometry.of(conv);
            checkSnake(snake, g.in(), conv);
            add(new Conv(path(conv), snake, conv, g));
        }

        void snakeTransposed(Snake snake, ConvTranspose1d up) {
            ConvGeometry g = ConvGeometry.of(up);
            checkSnake(snake, g.in(), up);
            add(new SnakeTransposed(path(up), snake, up, g));
        }

        void residual(ResidualUnit u) {
            checkSnake(u.snake1(), u.conv1().inChannels(), u.conv1());
            checkSnake(u.snake2(), u.conv2().inChannels(), u.conv2());
            add(new Residual(path(u), u, ConvGeometry.of(u.conv1()), ConvGeometry.of(u.conv2())));
        }

        void tanh() {
            add(new Tanh(name + " (tanh)"));
        }

        private void checkSnake(Snake snake, int channels, Module conv) {
            if (snake != null && snake.alpha().size(1) != channels) {
                throw new IllegalArgumentException(path(snake) + ": Snake of "
                        + snake.alpha().size(1) + " channels before " + path(conv) + " which takes " + channels);
            }
        }

        private void add(Stage s) {
            for (ConvGeometry g : s.convs()) {
                if (last != null && last.out() != g.in()) {
                    throw new IllegalArgumentException(
                            s.path() + " takes " + g.in() + " channels but the stage before gives " + last.out());
                }
                last = g;
            }
            stages.add(s);
        }

        DacLayerPlan build() {
            return new DacLayerPlan(name, stages);
        }
    }
}
