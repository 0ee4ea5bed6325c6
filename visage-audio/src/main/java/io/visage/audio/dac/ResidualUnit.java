package io.visage.audio.dac;

import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.layers.Conv1d;
import io.visage.nn.layers.Snake;
import io.visage.nn.module.Module;
import io.visage.nn.module.ModuleList;
import io.visage.nn.module.Params;
import java.util.List;
import java.util.Map;

/**
 * DAC's {@code ResidualUnit(dim, dilation)}: {@code block} = Sequential(Snake, WNConv1d(k7, dilation,
 * padding 3·dilation), Snake, WNConv1d(k1)); the output is x + block(x) (lengths are equal, so the
 * reference's centre crop never applies, but it is kept).
 */
public final class ResidualUnit implements Module {
    static final int KERNEL = 7;

    private final ModuleList<Module> block;
    private final Snake snake1;
    private final Conv1d conv1;
    private final Snake snake2;
    private final Conv1d conv2;

    private ResidualUnit(Snake snake1, Conv1d conv1, Snake snake2, Conv1d conv2) {
        this.snake1 = snake1;
        this.conv1 = conv1;
        this.snake2 = snake2;
        this.conv2 = conv2;
        this.block = new ModuleList<>(List.of(snake1, conv1, snake2, conv2));
    }

    static ResidualUnit create(Params p, String path, int dim, int dilation) {
        String b = Params.join(path, "block");
        int pad = (KERNEL - 1) * dilation / 2;
        return new ResidualUnit(
                Snake.create(p, b + ".0", dim),
                Conv1d.builder(dim, dim, KERNEL)
                        .padding(pad)
                        .dilation(dilation)
                        .weightNorm()
                        .build(p, b + ".1"),
                Snake.create(p, b + ".2", dim),
                Conv1d.builder(dim, dim, 1).weightNorm().build(p, b + ".3"));
    }

    /** @param x [B, C, T] @return [B, C, T] */
    public Tensor forward(Ops ops, Tensor x) {
        Tensor y = conv2.forward(ops, snake2.forward(ops, conv1.forward(ops, snake1.forward(ops, x))));
        long pad = (x.size(2) - y.size(2)) / 2;
        return ops.add(pad > 0 ? ops.narrow(x, 2, pad, y.size(2)) : x, y);
    }

    Snake snake1() {
        return snake1;
    }

    Conv1d conv1() {
        return conv1;
    }

    Snake snake2() {
        return snake2;
    }

    Conv1d conv2() {
        return conv2;
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
