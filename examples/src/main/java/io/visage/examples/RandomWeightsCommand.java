package io.visage.examples;

import io.visage.audio.dac.Dac;
import io.visage.audio.dac.DacConfig;
import io.visage.core.clip.ClipVisionConfig;
import io.visage.core.clip.ClipVisionTransformer;
import io.visage.core.model.ModelKind;
import io.visage.core.model.Visage;
import io.visage.core.model.VisageConfig;
import io.visage.nn.module.Module;
import io.visage.nn.module.RandomParams;
import io.visage.nn.module.StateDicts;
import io.visage.nn.optim.OptimizerCheckpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code visage random-weights --network clip|codec|visage --config FILE --seed S --out DIR}: one
 * network with seeded random weights, written as {@code DIR/<file>.safetensors} (PyTorch state-dict
 * names) + {@code DIR/config.json}, the layout the loaders read: CLIP as {@code clip.safetensors}
 * ({@link io.visage.core.clip.ClipWeights}), the codec as {@code weights.safetensors}
 * ({@link Dac#load(Path)}), ViSAGe as {@code model.safetensors} ({@link Visage#loadPretrained}).
 * The demo's recipe (docs/DEMO.md) uses it for the CLIP tower that prepares its data: the same seed
 * always gives the same bytes.
 */
@Command(
        name = "random-weights",
        mixinStandardHelpOptions = true,
        description = {
            "Writes one network with seeded random weights (safetensors + config.json) to a folder",
            "that --weights style loaders read: clip/ (CLIP tower), dac/ (codec) or the ViSAGe model."
        })
public final class RandomWeightsCommand implements Callable<Integer> {
    /** The networks this command builds. */
    public enum Network {
        CLIP,
        CODEC,
        VISAGE
    }

    @Spec
    CommandSpec spec;

    @Option(
            names = "--network",
            required = true,
            paramLabel = "NAME",
            converter = NetworkConverter.class,
            description = "clip, codec or visage")
    Network network;

    @Option(
            names = "--config",
            required = true,
            paramLabel = "FILE",
            description = "the network's config JSON (CLIP vision config, DAC kwargs, or ViSAGe config.json)")
    Path config;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the weights (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder to write (created)")
    Path out;

    static final class NetworkConverter implements picocli.CommandLine.ITypeConverter<Network> {
        @Override
        public Network convert(String value) {
            try {
                return Network.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(
                        "'" + value + "' is not a network: expected clip, codec or visage");
            }
        }
    }

    /**
     * Builds the network and writes it.
     *
     * @return the weights file written
     */
    public static Path write(Network network, Path config, long seed, Path out) {
        if (!Files.isRegularFile(config)) {
            throw new UncheckedIOException(new java.nio.file.NoSuchFileException(config + ": config file not found"));
        }
        try {
            Files.createDirectories(out);
            Path weights;
            Module m;
            String configJson;
            switch (network) {
                case CLIP -> {
                    ClipVisionConfig cc = ClipVisionConfig.fromJson(config);
                    try (RandomParams p = new RandomParams(seed)) {
                        m = ClipVisionTransformer.create(p, "", cc);
                    }
                    weights = out.resolve("clip.safetensors");
                    configJson = Files.readString(config);
                }
                case CODEC -> {
                    DacConfig dc = DacConfig.fromJson(config);
                    m = Dac.random(dc, seed);
                    weights = out.resolve("weights.safetensors");
                    configJson = Files.readString(config);
                }
                default -> {
                    VisageConfig vc = VisageConfig.read(config);
                    m = Visage.random(vc, ModelKind.AMBISONICS, seed, DataType.FLOAT);
                    weights = out.resolve("model.safetensors");
                    configJson = vc.toJson().toPrettyString();
                }
            }
            OptimizerCheckpoint.writeAtomically(weights, StateDicts.arrays(m.stateDict()), Map.of("format", "pt"));
            Files.writeString(out.resolve("config.json"), configJson);
            return weights;
        } catch (IOException e) {
            throw new UncheckedIOException(out + ": cannot write the weights: " + e.getMessage(), e);
        }
    }

    @Override
    public Integer call() {
        Path w = write(network, config, seed, out);
        spec.commandLine()
                .getOut()
                .println("wrote " + w + " and " + out.resolve("config.json") + " ("
                        + network.name().toLowerCase(Locale.ROOT) + ", random, seed " + seed + ")");
        return 0;
    }
}
