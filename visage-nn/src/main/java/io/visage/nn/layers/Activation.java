package io.visage.nn.layers;

import io.visage.nn.ConfigException;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Pointwise;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.kernel.PointwiseKernels;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Activation functions by their Hugging Face / CLIP names. */
public enum Activation implements Pointwise {
    /** {@code "gelu"}: exact erf GELU (BART default, {@code nn.GELU()}). */
    GELU_EXACT("gelu"),
    /** CLIP's QuickGELU x·σ(1.702x). */
    QUICK_GELU("quick_gelu"),
    RELU("relu"),
    TANH("tanh");

    private final String configName;

    Activation(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public Tensor apply(Ops ops, Tensor x) {
        return switch (this) {
            case GELU_EXACT -> ops.geluExact(x);
            case QUICK_GELU -> ops.quickGelu(x);
            case RELU -> ops.relu(x);
            case TANH -> ops.tanh(x);
        };
    }

    /**
     * f(x) element-wise (a new array): for float32 GELU the {@link PointwiseKernels} (the decode
     * path's erf), otherwise the same arithmetic as {@link #apply}.
     */
    @Override
    public INDArray value(INDArray x, Parallelism par) {
        return switch (this) {
            case GELU_EXACT -> {
                if (PointwiseKernels.applies(x)) {
                    INDArray out = x.ulike();
                    PointwiseKernels.gelu(x, out, par);
                    yield out;
                }
                INDArray cdf = geluCdf(x);
                yield cdf.muli(x);
            }
            case QUICK_GELU -> {
                INDArray s = Transforms.sigmoid(x.mul(1.702), false);
                yield s.muli(x);
            }
            case RELU -> Transforms.relu(x, true);
            case TANH -> Transforms.tanh(x, true);
        };
    }

    /** f'(x) element-wise (a new array). */
    @Override
    public INDArray derivative(INDArray x, Parallelism par) {
        return switch (this) {
            case GELU_EXACT -> {
                if (PointwiseKernels.applies(x)) {
                    INDArray out = x.ulike();
                    PointwiseKernels.geluDerivative(x, out, par);
                    yield out;
                }
                // Φ(x) + x·φ(x)
                INDArray pdf = x.mul(x).muli(-0.5);
                Transforms.exp(pdf, false).muli(INV_SQRT_2PI).muli(x);
                INDArray cdf = geluCdf(x);
                pdf.addi(cdf);
                cdf.close();
                yield pdf;
            }
            case QUICK_GELU -> {
                // σ(ax) + a·x·σ(ax)(1 − σ(ax)), a = 1.702
                INDArray s = Transforms.sigmoid(x.mul(1.702), false);
                INDArray t = s.rsub(1.0).muli(s).muli(x).muli(1.702);
                s.addi(t);
                t.close();
                yield s;
            }
            case RELU -> x.gt(0).castTo(x.dataType());
            case TANH -> {
                INDArray t = Transforms.tanh(x, true);
                yield t.muli(t).rsubi(1.0);
            }
        };
    }

    private static final double SQRT2 = Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    /** Φ(x) = 0.5·(1 + erf(x/√2)), as {@link Ops#geluExact} computes it (a new array). */
    private static INDArray geluCdf(INDArray x) {
        INDArray z = x.div(SQRT2);
        Nd4j.exec(new Erf(z, z));
        return z.addi(1.0).muli(0.5);
    }

    /** Parses a config value such as {@code "gelu"}; unknown names are rejected with the list of known ones. */
    public static Activation fromConfig(String name) {
        for (Activation a : values()) {
            if (a.configName.equals(name)) {
                return a;
            }
        }
        throw new ConfigException(
                "activation_function \"" + name + "\" is not supported; known: gelu, quick_gelu, relu, tanh");
    }
}
