package io.visage.audio.dac;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.layers.Conv1d;
import io.visage.nn.layers.Snake;
import io.visage.nn.module.Module;
import io.visage.nn.module.ModuleList;
import io.visage.nn.module.Params;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * DAC's {@code Encoder}: {@code block} = Sequential(WNConv1d(1 → d, k7, p3), one {@link Block} per
 * encoder rate (channels double, time divides by the rate), Snake, WNConv1d(→ latent, k3, p1)).
 * Maps audio [B, 1, N] (N a multiple of the hop length) to z [B, latent_dim, N / hop].
 */
public final class DacEncoder implements Module {
    private final ModuleList<Module> block;
    private final Conv1d first;
    private final List<Block> blocks;
    private final Snake snake;
    private final Conv1d last;

    private DacEncoder(Conv1d first, List<Block> blocks, Snake snake, Conv1d last) {
        this.first = first;
        this.blocks = List.copyOf(blocks);
        this.snake = snake;
        this.last = last;
        List<Module> all = new ArrayList<>();
        all.add(first);
        all.addAll(blocks);
        all.add(snake);
        all.add(last);
        this.block = new ModuleList<>(all);
    }

    static DacEncoder create(Params p, String path, DacConfig c) {
        String b = Params.join(path, "block");
        int d = c.encoderDim();
        Conv1d first = Conv1d.builder(1, d, 7).padding(3).weightNorm().build(p, b + ".0");
        List<Block> blocks = new ArrayList<>();
        int i = 1;
        for (int stride : c.encoderRates()) {
            d *= 2;
            blocks.add(Block.create(p, b + "." + i++, d, stride));
        }
        Snake snake = Snake.create(p, b + "." + i++, d);
        Conv1d last =
                Conv1d.builder(d, c.latentDim(), 3).padding(1).weightNorm().build(p, b + "." + i);
        return new DacEncoder(first, blocks, snake, last);
    }

    /** @param audio [B, 1, N] @return z [B, latent_dim, N / hop] */
    public Tensor forward(Ops ops, Tensor audio) {
        Tensor x = first.forward(ops, audio);
        for (Block blk : blocks) {
            x = blk.forward(ops, x);
        }
        return last.forward(ops, snake.forward(ops, x));
    }

    Conv1d first() {
        return first;
    }

    List<Block> blocks() {
        return blocks;
    }

    Snake snake() {
        return snake;
    }

    Conv1d last() {
        return last;
    }

    @Override
    public Map<String, Tensor> parameters() {
        return Map.of();
    }

    @Override
    public Map<String, Module> children() {
        return Map.of("block", block);
    }

    /**
     * DAC's {@code EncoderBlock(dim, stride)}: residual units at dim/2 channels (dilations 1, 3, 9),
     * Snake, then WNConv1d(dim/2 → dim, kernel 2·stride, stride, padding ceil(stride/2)).
     */
    public static final class Block implements Module {
        private final ModuleList<Module> block;
        private final List<ResidualUnit> units;
        private final Snake snake;
        private final Conv1d down;

        private Block(List<ResidualUnit> units, Snake snake, Conv1d down) {
            this.units = List.copyOf(units);
            this.snake = snake;
            this.down = down;
            List<Module> all = new ArrayList<>(units);
            all.add(snake);
            all.add(down);
            this.block = new ModuleList<>(all);
        }

        static Block create(Params p, String path, int dim, int stride) {
            String b = Params.join(path, "block");
            int half = dim / 2;
            List<ResidualUnit> units = List.of(
                    ResidualUnit.create(p, b + ".0", half, 1),
                    ResidualUnit.create(p, b + ".1", half, 3),
                    ResidualUnit.create(p, b + ".2", half, 9));
            Snake snake = Snake.create(p, b + ".3", half);
            Conv1d down = Conv1d.builder(half, dim, 2 * stride)
                    .stride(stride)
                    .padding((stride + 1) / 2)
                    .weightNorm()
                    .build(p, b + ".4");
            return new Block(units, snake, down);
        }

        /** @param x [B, dim/2, T] @return [B, dim, T / stride] */
        public Tensor forward(Ops ops, Tensor x) {
            Tensor h = x;
            for (ResidualUnit u : units) {
                h = u.forward(ops, h);
            }
            return down.forward(ops, snake.forward(ops, h));
        }

        List<ResidualUnit> units() {
            return units;
        }

        Snake snake() {
            return snake;
        }

        Conv1d down() {
            return down;
        }

        @Override
        public Map<String, Tensor> parameters() {
            return Map.of();
        }

        @Override
        public Map<String, Module> children() {
            return Map.of("block", block);
        }
    }
}
