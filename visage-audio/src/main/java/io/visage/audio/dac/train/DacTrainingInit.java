package io.visage.audio.dac.train;

import io.visage.audio.dac.Dac;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.layers.Conv1d;
import io.visage.nn.layers.ConvTranspose1d;
import io.visage.nn.module.Module;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The weights a freshly built {@code dac.model.dac.DAC} starts training from, applied to a tree of
 * random weights ({@link Dac#random}: v ~ U(±1/√fan_in), PyTorch's default convolution init):
 *
 * <ul>
 *   <li>every weight-normalised (transposed) convolution gets g = ‖v‖ (per output row of v), which is
 *       what {@code torch.nn.utils.weight_norm} sets when it is applied, so the effective weight
 *       starts equal to v ({@link Dac#random} leaves g = 1);</li>
 *   <li>every {@code Conv1d} bias is 0 ({@code init_weights}: {@code nn.init.constant_(m.bias, 0)}).
 *       Its {@code trunc_normal_(m.weight, std=0.02)} writes the weight-norm module's derived
 *       {@code weight}, which the pre-forward hook recomputes from g and v at every call, so it has
 *       no effect and is not reproduced; {@code ConvTranspose1d} is not an {@code nn.Conv1d} and keeps
 *       its default bias.</li>
 * </ul>
 * Snake alphas (1) and codebooks (N(0, 1)) are already as the reference creates them.
 */
public final class DacTrainingInit {
    private DacTrainingInit() {}

    /** Applies the reference's start in place to {@code dac}'s parameters. */
    public static void apply(Dac dac) {
        visit(dac);
    }

    private static void visit(Module m) {
        if (m instanceof Conv1d || m instanceof ConvTranspose1d) {
            Tensor g = m.parameters().get("weight_g");
            Tensor v = m.parameters().get("weight_v");
            if (g != null && v != null) {
                INDArray va = v.value();
                int[] axes = new int[va.rank() - 1];
                for (int i = 0; i < axes.length; i++) {
                    axes[i] = i + 1;
                }
                INDArray norm = Transforms.sqrt(va.mul(va).sum(true, axes), false);
                g.value().assign(norm.reshape(g.value().shape()));
            }
            Tensor bias = m.parameters().get("bias");
            if (m instanceof Conv1d && bias != null) {
                bias.value().assign(0);
            }
        }
        for (Module c : m.children().values()) {
            visit(c);
        }
    }
}
