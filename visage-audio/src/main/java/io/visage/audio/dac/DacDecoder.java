package io.visage.audio.dac;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.layers.Conv1d;
import io.visage.nn.layers.ConvTranspose1d;
import io.visage.nn.layers.Snake;
import io.visage.nn.module.Module;
import io.visage.nn.module.ModuleList;
import io.visage.nn.module.Params;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * DAC's {@code Decoder}: {@code model} = Sequential(WNConv1d(latent → decoder_dim, k7, p3), one
 * {@link Block} per decoder rate (channels halve, time multiplies by the rate), Snake,
 * WNConv1d(→ 1, k7, p3), Tanh). Maps z [B, latent_dim, T] to audio [B, 1, T · Π rates] in (-1, 1).
 */
public final class DacDecoder implements Module {
    private final ModuleList<Module> model;
    private final Conv1d first;
    private final List<Block> blocks;
    private final Snake snake;
    private final Conv1d last;

    private DacDecoder(Conv1d first, List<Block> blocks, Snake snake, Conv1d last) {
        this.first = first;
        this.blocks = List.copyOf(blocks);
        this.snake = snake;
        this.last = last;
        List<Module> all = new ArrayList<>();
        all.add(first);
        all.addAll(blocks);
        all.add(snake);
        all.add(last);
        this.model = new ModuleList<>(all); // the Tanh that follows has no parameters
    }

    static DacDecoder create(Params p, String path, DacConfig c) {
        String m = Params.join(path, "model");
        int ch = c.decoderDim();
        Conv1d first =
                Conv1d.builder(c.latentDim(), ch, 7).padding(3).weightNorm().build(p, m + ".0");
        List<Block> blocks = new ArrayList<>();
        int out = ch;
        for (int i = 0; i < c.decoderRates().size(); i++) {
            int in = ch >> i;
            out = ch >> (i + 1);
            blocks.add(
                    Block.create(p, m + "." + (i + 1), in, out, c.decoderRates().get(i)));
        }
        int n = c.decoderRates().size();
        Snake snake = Snake.create(p, m + "." + (n + 1), out);
        Conv1d last = Conv1d.builder(out, 1, 7).padding(3).weightNorm().build(p, m + "." + (n + 2));
        return new DacDecoder(first, blocks, snake, last);
    }

    /** @param z [B, latent_dim, T] @return audio [B, 1, T · Π decoder_rates] */
    public Tensor forward(Ops ops, Tensor z) {
        Tensor x = first.forward(ops, z);
        for (Block blk : blocks) {
            x = blk.forward(ops, x);
        }
        return ops.tanh(last.forward(ops, snake.forward(ops, x)));
    }

    List<Block> blocks() {
        return blocks;
    }

    Conv1d first() {
        return first;
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
        return Map.of("model", model);
    }

    /**
     * DAC's {@code DecoderBlock(in, out, stride)}: Snake, WNConvTranspose1d(in → out, kernel 2·stride,
     * stride, padding ceil(stride/2)), residual units at {@code out} channels (dilations 1, 3, 9).
     */
    public static final class Block implements Module {
        private final ModuleList<Module> block;
        private final Snake snake;
        private final ConvTranspose1d up;
        private final List<ResidualUnit> units;

        private Block(Snake snake, ConvTranspose1d up, List<ResidualUnit> units) {
            this.snake = snake;
            this.up = up;
            this.units = List.copyOf(units);
            List<Module> all = new ArrayList<>();
            all.add(snake);
            all.add(up);
            all.addAll(units);
            this.block = new ModuleList<>(all);
        }

        static Block create(Params p, String path, int in, int out, int stride) {
            String b = Params.join(path, "block");
            Snake snake = Snake.create(p, b + ".0", in);
            ConvTranspose1d up = ConvTranspose1d.builder(in, out, 2 * stride)
                    .stride(stride)
                    .padding(padding(stride))
                    .weightNorm()
                    .build(p, b + ".1");
            List<ResidualUnit> units = List.of(
                    ResidualUnit.create(p, b + ".2", out, 1),
                    ResidualUnit.create(p, b + ".3", out, 3),
                    ResidualUnit.create(p, b + ".4", out, 9));
            return new Block(snake, up, units);
        }

        static int padding(int stride) {
            return (stride + 1) / 2;
        }

        /** @param x [B, in, T] @return [B, out, T · stride] (even strides; odd strides give T·stride − 1) */
        public Tensor forward(Ops ops, Tensor x) {
            Tensor y = up.forward(ops, snake.forward(ops, x));
            for (ResidualUnit u : units) {
                y = u.forward(ops, y);
            }
            return y;
        }

        Snake snake() {
            return snake;
        }

        ConvTranspose1d up() {
            return up;
        }

        List<ResidualUnit> units() {
            return units;
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
