package io.visage.nn.transformer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visage.nn.autodiff.Ops;
import io.visage.nn.autodiff.Tensor;
import io.visage.nn.io.TensorFiles;
import io.visage.nn.io.TensorSource;
import io.visage.nn.layers.Activation;
import io.visage.nn.module.LoadedParams;
import io.visage.nn.testing.Fixtures;
import io.visage.nn.testing.TensorAssert;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * BART encoder/decoder layers and CLIP residual blocks against the PyTorch reference's per-layer
 * hidden states ({@code visage-tiny}, {@code clip-tiny}). Sizes come from the fixtures' config files.
 */
class ReferenceLayerParityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Ops OPS = Ops.inference();

    private static JsonNode config(String set) throws IOException {
        return JSON.readTree(Fixtures.file(set, "config.json").toFile());
    }

    private static LayerConfig bartLayer(JsonNode c, String side) {
        return LayerConfig.builder(
                        c.get("d_model").asLong(),
                        c.get(side + "_attention_heads").asInt(),
                        c.get(side + "_ffn_dim").asLong())
                .activation(Activation.fromConfig(c.get("activation_function").asText()))
                .dropout(c.get("dropout").asDouble())
                .attentionDropout(c.get("attention_dropout").asDouble())
                .activationDropout(c.get("activation_dropout").asDouble())
                .initStd(c.get("init_std").asDouble())
                .build();
    }

    @Test
    void bartEncoderLayers_reproduceReferenceHiddenStates() throws IOException {
        JsonNode c = config("visage-tiny");
        LayerConfig lc = bartLayer(c, "encoder");
        try (TensorSource w = TensorFiles.open(Fixtures.file("visage-tiny", "weights.safetensors"));
                TensorSource io = TensorFiles.open(Fixtures.file("visage-tiny", "io.safetensors"))) {
            LoadedParams p = new LoadedParams(w);
            int layers = c.get("encoder_layers").asInt();
            for (int k = 0; k < layers; k++) {
                BartEncoderLayer layer = BartEncoderLayer.create(p, "model.encoder.layers." + k, lc);
                INDArray in = io.load("forward.encoder_hidden_states." + k);
                INDArray expected = io.load("forward.encoder_hidden_states." + (k + 1));
                Tensor out = layer.forward(OPS, Tensor.constant(in));
                TensorAssert.assertClose("encoder layer " + k, expected, out.value(), 1e-4, 1e-4);
            }
        }
    }

    @Test
    void bartDecoderLayers_reproduceReferenceHiddenStates() throws IOException {
        JsonNode c = config("visage-tiny");
        LayerConfig lc = bartLayer(c, "decoder");
        try (TensorSource w = TensorFiles.open(Fixtures.file("visage-tiny", "weights.safetensors"));
                TensorSource io = TensorFiles.open(Fixtures.file("visage-tiny", "io.safetensors"))) {
            LoadedParams p = new LoadedParams(w);
            Tensor enc = Tensor.constant(io.load("forward.encoder_last_hidden_state"));
            int layers = c.get("decoder_layers").asInt();
            for (int k = 0; k < layers; k++) {
                BartDecoderLayer layer = BartDecoderLayer.create(p, "model.decoder.layers." + k, lc);
                INDArray in = io.load("forward.decoder_hidden_states." + k);
                INDArray expected = io.load("forward.decoder_hidden_states." + (k + 1));
                Tensor out = layer.forward(OPS, Tensor.constant(in), enc);
                TensorAssert.assertClose("decoder layer " + k, expected, out.value(), 1e-4, 1e-4);
            }
        }
    }

    @Test
    void clipResidualBlocks_reproduceReferenceTokenFeatures() throws IOException {
        JsonNode c = config("clip-tiny");
        long width = c.get("width").asLong();
        int heads = c.get("heads").asInt();
        int layers = c.get("layers").asInt();
        try (TensorSource w = TensorFiles.open(Fixtures.file("clip-tiny", "weights.safetensors"));
                TensorSource io = TensorFiles.open(Fixtures.file("clip-tiny", "io.safetensors"))) {
            LoadedParams p = new LoadedParams(w);
            Tensor x = Tensor.constant(io.load("tokens_ln_pre"));
            for (int k = 0; k < layers; k++) {
                x = ClipResidualBlock.create(p, "transformer.resblocks." + k, width, heads)
                        .forward(OPS, x, null);
            }
            TensorAssert.assertClose(
                    "clip tokens after " + layers + " blocks", io.load("tokens"), x.value(), 1e-4, 1e-4);
        }
    }
}
