package io.visage.nn.transformer;

import io.visage.nn.attention.KvCache;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.kernel.AttentionKernel;
import io.visage.nn.kernel.MatVecs;
import io.visage.nn.kernel.Parallelism;
import io.visage.nn.module.RandomParams;
import io.visage.nn.testing.TensorAssert;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static io.visage.nn.testing.GradCheck.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The kernel-based decode path against the general ND4J layer path it replaces for generation. */
class IncrementalDecoderTest {

    @Test
    void steps_equalGeneralCachedPath_forEveryKernelVariant() {
        LayerConfig cfg =
                LayerConfig.builder(24, 3, 40).dropout(0.1).initStd(0.3).build();
        List<BartDecoderLayer> layers = new ArrayList<>();
        try (RandomParams p = new RandomParams(11)) {
            for (int i = 0; i < 3; i++) {
                layers.add(BartDecoderLayer.create(p, "layers." + i, cfg));
            }
        }
        Random rng = new Random(12);
        int batch = 2;
        int steps = 7;
        INDArray enc = randn(rng, batch, 5, 24).castTo(DataType.FLOAT);
        INDArray inputs = randn(rng, batch, steps, 24).castTo(DataType.FLOAT);

        // reference: general path, one position at a time through the ND4J KV cache
        KvCache cache = KvCache.allocate(layers.size(), batch, 3, steps, 8, DataType.FLOAT);
        List<INDArray> expected = new ArrayList<>();
        for (int s = 0; s < steps; s++) {
            Tensor h =
                    Tensor.constant(inputs.get(NDArrayIndex.all(), NDArrayIndex.interval(s, s + 1), NDArrayIndex.all())
                            .dup());
            for (int l = 0; l < layers.size(); l++) {
                h = layers.get(l).forwardCached(Ops.inference(), h, Tensor.constant(enc), cache.layer(l));
            }
            expected.add(h.value().reshape(batch, 24));
        }

        try (Parallelism par = new Parallelism(2)) {
            for (var mv : List.of(MatVecs.best(par), MatVecs.scalar(par))) {
                IncrementalDecoder dec =
                        new IncrementalDecoder(DecoderLayerWeights.of(layers), mv, new AttentionKernel(par));
                IncrementalDecoder.State st = dec.newState(batch, steps, enc);
                for (int s = 0; s < steps; s++) {
                    float[] h = inputs.get(NDArrayIndex.all(), NDArrayIndex.point(s), NDArrayIndex.all())
                            .dup('c')
                            .data()
                            .asFloat();
                    dec.step(st, h);
                    TensorAssert.assertClose(
                            mv.name() + " step " + s,
                            expected.get(s),
                            Nd4j.create(h, new long[] {batch, 24}, 'c'),
                            0.0,
                            1e-5);
                }
                assertEquals(steps, st.length());
                assertThrows(IllegalStateException.class, () -> dec.step(st, new float[batch * 24]));
            }
        }
    }
}
